import type { ResolvedIngestOptions } from './ingest-options.js';
import type { IngestCommandOptions } from './ingest.js';
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
  const { messagesFor, resolveLanguage } = await import('../ui/i18n/messages.js');
  const messages = messagesFor(resolveLanguage({ flag: options.lang, env: context.env }));
  const say = messages.enqueue;
  if (options.maxFiles !== undefined && !options.quiet) writeLine(io.stderr, say.maxFilesIgnored);
  const { enqueueIngestSession } = await import('../app/enqueue-ingest.js');
  // Ctrl-C: the first stops queueing after the statement under way (the files queued keep their jobs, the
  // run lock is released, the session waits for the same command); the second exits at once, the session
  // recorded as interrupted and the lock's row removed.
  let sessionId: string | null = null;
  let interrupts: { signal: AbortSignal; dispose(): void } | null = null;
  if (!context.signal) {
    const { handleInterrupts } = await import('../ui/handle-interrupts.js');
    interrupts = handleInterrupts({
      onFirst: () => writeLine(io.stderr, say.stopping),
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
    writeLine(io.stdout, say.interrupted(session.id, jobs, interrupted.filesLeft));
  } else if (!options.quiet) {
    writeLine(io.stdout, say.queued(session.id, jobs, enqueued.resumed === true));
    const { skippedHiddenLine } = await import('../ui/ingest-summary.js');
    const hidden = skippedHiddenLine(enqueued.skippedHidden ?? [], messages);
    if (hidden) writeLine(io.stdout, `  ${hidden}`);
    writeLine(io.stdout, `  ${say.startWorkers(session.id.slice(0, 8))}`);
  } else {
    writeLine(io.stdout, session.id);
  }
  if (interrupted) {
    writeLine(io.stderr, say.runAgain(interrupted.filesLeft));
    return ExitCode.Interrupted;
  }
  return ExitCode.Success;
}
