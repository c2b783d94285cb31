import type { ResolvedIngestOptions } from './ingest-options.js';
import type { IngestCommandOptions } from './ingest.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { ExitCode } from '../errors.js';
import type { CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';

/**
 * `ingest DIR --enqueue`: registers the session and its files, queues one job per file and returns; the
 * workers (`tecsalud-batch worker`) process them. Prints the session id to follow with `status`.
 */
export async function enqueue(
  options: IngestCommandOptions,
  resolved: ResolvedIngestOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  if (options.maxFiles !== undefined && !options.quiet) {
    writeLine(
      io.stderr,
      'note: --max-files does not apply to --enqueue: every file is queued, and workers pull them',
    );
  }
  const { enqueueIngestSession } = await import('../app/enqueue-ingest.js');
  // Ctrl-C: the first stops queueing after the statement under way (the files queued keep their jobs, the
  // run lock is released, the session waits for the same command); the second exits at once, the session
  // recorded as interrupted and the lock's row removed.
  let sessionId: string | null = null;
  let interrupts: { signal: AbortSignal; dispose(): void } | null = null;
  if (!context.signal) {
    const { handleInterrupts } = await import('../ui/handle-interrupts.js');
    interrupts = handleInterrupts({
      onFirst: () =>
        writeLine(io.stderr, 'stopping: the files queued so far keep their jobs (Ctrl-C again to stop at once)'),
      onSecond: async () => {
        const { recordForcedExit } = await import('../app/sessions.js');
        await recordForcedExit(context, { sessionId, sourceDir: resolved.sourceDir }).catch(() => undefined);
      },
    });
  }
  let enqueued: Awaited<ReturnType<typeof enqueueIngestSession>>;
  try {
    enqueued = await enqueueIngestSession(
      context,
      context.config!,
      { ...resolved, signal: context.signal ?? interrupts?.signal },
      {
        listener: (event) => {
          if (event.type === 'session_started') sessionId = event.sessionId;
        },
      },
    );
  } finally {
    interrupts?.dispose();
  }
  const { session, jobs, interrupted } = enqueued;
  if (options.json) {
    const { toSessionJson } = await import('./shared/report-json.js');
    writeJson(io, {
      ...toSessionJson(session),
      jobs_queued: jobs,
      resumed: enqueued.resumed === true,
      skipped_hidden: enqueued.skippedHidden?.length ?? 0,
      skipped_hidden_paths: enqueued.skippedHidden ?? [],
      ...(interrupted ? { interrupted: true, files_not_queued: interrupted.filesLeft } : {}),
    });
  } else if (interrupted) {
    writeLine(
      io.stdout,
      `Session ${session.id}: interrupted — ${jobs} file${jobs === 1 ? '' : 's'} queued, ` +
        `${interrupted.filesLeft} not queued.`,
    );
  } else if (!options.quiet) {
    writeLine(
      io.stdout,
      `Session ${session.id}: ${jobs} file${jobs === 1 ? '' : 's'} queued for the workers` +
        // The folder's session was not final yet: joined, so that no file is queued (nor stored) twice.
        (enqueued.resumed ? ' (the folder\'s unfinished session, resumed: files already queued keep their jobs).' : '.'),
    );
    const hidden = enqueued.skippedHidden ?? [];
    if (hidden.length > 0) {
      const { EN } = await import('../ui/i18n/messages.js');
      const names = hidden.slice(0, 3).join(', ') + (hidden.length > 3 ? ', …' : '');
      writeLine(io.stdout, `  ${EN.summary.skippedHidden(hidden.length, sanitizeForTerminal(names))}`);
    }
    writeLine(
      io.stdout,
      `  Start workers with \`tecsalud-batch worker\`; follow it with \`tecsalud-batch status ${session.id.slice(0, 8)}\`.`,
    );
  } else {
    writeLine(io.stdout, session.id);
  }
  if (interrupted) {
    writeLine(
      io.stderr,
      `interrupted: run the same command again to queue the other ${interrupted.filesLeft} file` +
        `${interrupted.filesLeft === 1 ? '' : 's'} in this session; the files queued are not queued twice`,
    );
    return ExitCode.Interrupted;
  }
  return ExitCode.Success;
}
