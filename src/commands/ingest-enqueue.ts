import type { ResolvedIngestOptions } from './ingest-options.js';
import type { IngestCommandOptions } from './ingest.js';
import { ExitCode } from '../errors.js';
import { exitCodeFor } from './shared/batch-exit-code.js';
import type { CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import type { EnqueueMessages } from '../ui/i18n/messages.js';

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
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  const messages = messagesFor(lang);
  const say = messages.enqueue;
  if (options.maxFiles !== undefined && !options.quiet) writeLine(io.stderr, say.maxFilesIgnored);
  const { enqueueIngestSession } = await import('../app/enqueue-ingest.js');
  // `--log-file` as for `ingest`: a nightly cron line with --enqueue added keeps its record of the night (the
  // session, the files settled as found, the jobs queued) in the log IT reads, not only on a mailed stdout.
  const { openIngestLogFile } = await import('./shared/ingest-log-file.js');
  const log = await openIngestLogFile(options, context, lang);
  // Ctrl-C: the first stops queueing after the statement under way (the files queued keep their jobs, the
  // run lock is released, the session waits for the same command). The second does not wait for a database
  // that may hang, but neither does it leave the administrator without the report: it waits a few seconds
  // at most for the report to be written, else writes what the progress says (files queued so far, how to
  // resume), records the session as interrupted and exits 130. A third exits at once.
  let sessionId: string | null = null;
  let progress: { queued: number; total: number } | null = null;
  let reported = false;
  let markReported: () => void = () => undefined;
  const reportWritten = new Promise<void>((resolve) => (markReported = resolve));
  let interrupts: { signal: AbortSignal; dispose(): void } | null = null;
  if (!context.signal) {
    const { handleInterrupts } = await import('../ui/handle-interrupts.js');
    interrupts = handleInterrupts({
      onFirst: (signal) =>
        writeLine(
          io.stderr,
          signal === 'SIGHUP' || signal === 'SIGTERM' ? say.stoppingOn(signal) : say.stopping,
        ),
      // A closed terminal (ssh dropped) stops queueing as Ctrl-C does, unless SIGHUP is logrotate's for the log.
      hangup: !log?.reopensOnHangup,
      forcedExitWaitMs: FORCED_REPORT_WAIT_MS + FORCED_RECORD_WAIT_MS,
      onSecond: async () => {
        if (!options.quiet)
          writeLine(
            io.stderr,
            say.forcedStop(Math.round((FORCED_REPORT_WAIT_MS + FORCED_RECORD_WAIT_MS) / 1000)),
          );
        const { recordForcedExit } = await import('../app/sessions.js');
        const recorded = recordForcedExit(context, { sessionId, sourceDir: resolved.sourceDir }).catch(
          () => undefined,
        );
        await Promise.race([reportWritten, delay(FORCED_REPORT_WAIT_MS)]);
        if (!reported) {
          reported = true;
          writeProgressReport(io, options, say, sessionId, progress);
        }
        await Promise.race([recorded, delay(FORCED_RECORD_WAIT_MS)]);
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
          log?.listener(event);
        },
        onQueued: (now) => {
          sessionId = now.sessionId;
          progress = { queued: now.queued, total: now.total };
        },
      },
    );
  } catch (error) {
    log?.stopped(error);
    log?.close();
    throw error;
  } finally {
    interrupts?.dispose();
  }
  const { session: queuedSession, jobs: queuedJobs, interrupted: queueInterrupted } = enqueued;
  log?.enqueued({
    sessionId: queuedSession.id,
    jobs: queuedJobs,
    resumed: enqueued.resumed === true,
    alreadyWaiting: queuedSession.alreadyWaiting,
    ...(queueInterrupted ? { filesNotQueued: queueInterrupted.filesLeft } : {}),
  });
  log?.close();
  // The second Ctrl-C wrote its report already (the session ended after it gave up waiting): one report.
  if (reported) return ExitCode.Interrupted;
  reported = true;
  const { session, jobs, interrupted } = enqueued;
  // Left for the folder's next run, as `ingest DIR` leaves them (not failed, not queued): counted and said as it does.
  const stillBeingWritten = (enqueued.settled ?? []).filter(
    (file) => file.outcome === 'still_being_written',
  ).length;
  if (options.json) {
    const { toFileJson, toSessionJson } = await import('./shared/report-json.js');
    writeJson(io, {
      ...toSessionJson(session),
      jobs_queued: jobs,
      // The files settled here instead of queued (failed at registration as `ingest DIR` fails them, settled from
      // memory), as `ingest --json` reports files; the queued ones are the workers', in `status --files`.
      files: (enqueued.settled ?? []).map(toFileJson),
      resumed: enqueued.resumed === true,
      still_being_written: stillBeingWritten,
      skipped_hidden: enqueued.skippedHidden?.length ?? 0,
      skipped_hidden_paths: enqueued.skippedHidden ?? [],
      ...(enqueued.filesNotMatchingGlob ? { files_not_matching_glob: enqueued.filesNotMatchingGlob } : {}),
      ...(interrupted ? { interrupted: true, files_not_queued: interrupted.filesLeft } : {}),
    });
  } else if (interrupted) {
    writeLine(io.stdout, say.interrupted(session.id, jobs, interrupted.filesLeft));
  } else if (!options.quiet) {
    writeLine(io.stdout, say.queued(session.id, jobs, enqueued.resumed === true));
    const { globMatchedNoFileLine, skippedHiddenLine } = await import('../ui/ingest-summary.js');
    const hidden = skippedHiddenLine(enqueued.skippedHidden ?? [], messages);
    if (hidden) writeLine(io.stdout, `  ${hidden}`);
    const unmatched = globMatchedNoFileLine(options.glob, enqueued.filesNotMatchingGlob, messages);
    if (unmatched) writeLine(io.stdout, `  ${unmatched}`);
    const shortId = session.id.slice(0, 8);
    // What the exit code says (3, 2) is said in words too: a cron mail of the run names the files and the command.
    if (session.failedFiles > 0) writeLine(io.stdout, `  ${say.failed(session.failedFiles, shortId)}`);
    if (session.reviewRequired > 0)
      writeLine(io.stdout, `  ${say.waitingForReview(session.reviewRequired, shortId)}`);
    if (session.alreadyWaiting > 0)
      writeLine(io.stdout, `  ${say.alreadyWaiting(session.alreadyWaiting, shortId)}`);
    if (stillBeingWritten > 0)
      writeLine(io.stdout, `  ${messages.summary.stillBeingWritten(stillBeingWritten)}`);
    // A session closed at once (every file settled as found) needs no worker; one still open (resumed, its
    // earlier jobs still queued) does, even when this run queued nothing new.
    const open = session.status === 'pending' || session.status === 'processing';
    writeLine(io.stdout, `  ${open ? say.startWorkers(shortId) : say.nothingToQueue(shortId)}`);
  } else {
    writeLine(io.stdout, session.id);
  }
  if (interrupted) writeLine(io.stderr, say.runAgain(interrupted.filesLeft));
  markReported();
  // The session's counts as reported above, as `ingest DIR` reads its own: files settled as found (failed, or
  // whose content waits for review) and, in a resumed session, those its workers finished. The files queued
  // count for nothing yet: the workers settle them, and `status` reports them.
  return exitCodeFor({
    interrupted: interrupted !== undefined,
    totals: {
      failedFiles: session.failedFiles,
      reviewRequired: session.reviewRequired,
      alreadyWaiting: session.alreadyWaiting,
    },
  });
}

/** How long a second Ctrl-C waits for the run's own report, then for the session's interrupted state. */
const FORCED_REPORT_WAIT_MS = 4_000;
const FORCED_RECORD_WAIT_MS = 1_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The report of a second Ctrl-C that could not wait for the database: what the queueing's progress says.
 * A statement still under way may yet queue its files; the same command finds them queued and skips them.
 */
function writeProgressReport(
  io: CommandContext['io'],
  options: IngestCommandOptions,
  say: EnqueueMessages,
  sessionId: string | null,
  progress: { queued: number; total: number } | null,
): void {
  if (options.json) {
    writeJson(io, {
      session_id: sessionId,
      status: 'interrupted',
      jobs_queued: progress?.queued ?? 0,
      interrupted: true,
      files_not_queued: progress === null ? null : progress.total - progress.queued,
    });
  } else if (progress !== null && sessionId !== null) {
    writeLine(io.stdout, say.interrupted(sessionId, progress.queued, progress.total - progress.queued));
  } else {
    writeLine(io.stdout, say.interruptedBeforeQueueing(sessionId));
  }
  writeLine(io.stderr, progress === null ? say.runAgainAll : say.runAgain(progress.total - progress.queued));
}
