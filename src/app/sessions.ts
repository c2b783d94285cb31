import {
  INTERRUPTED_NOTE,
  isEnqueueInterruptedNote,
  STOPPED_AT_ONCE_NOTE,
  unfinishedFileNote,
} from '../core/pipeline/session-notes.js';
import { formatLocalTimestamp } from '../core/text/local-timestamp.js';
import { isIdPrefix } from '../core/text/id-prefix.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { DEFAULT_QUEUE_SCHEMA } from '../core/queue/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository, type SessionWorker } from '../db/repositories/queue-repository.js';
import type { QueueWorker } from '../db/schema.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { UsageError } from '../errors.js';
import { releaseOwnRunLock } from '../ingest/run-lock.js';
import { readSessionJobCounts, type SessionJobCounts } from '../queue/job-queue.js';
import { WORKER_SILENT_AFTER_MS, workerRunning } from '../queue/worker-liveness.js';
import { asSeenNow, commandDatabase } from './abandoned-runs.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

/**
 * A second Ctrl-C: before the process exits, its session is recorded as interrupted and the run lock it holds
 * on the folder is released — left behind, `status` would show a run going on until the next run took it over.
 * The lock goes last: once it is free another run may take the folder, and this session is recorded by then.
 */
export async function recordForcedExit(
  location: RegistryLocation,
  run: { sessionId: string | null; sourceDir: string },
): Promise<void> {
  await withRegistry(location, async (database) => {
    if (run.sessionId) await new BatchRepository(database.db).markInterrupted(run.sessionId);
    await releaseOwnRunLock(database, run.sourceDir);
  });
}

/** What `status` shows of a session whose files went to the job queue. */
export interface SessionQueueStatus {
  /**
   * Workers that took jobs of the session; `running` when it reported within the last minute (and, on this
   * host, its process still runs); `gone` when it stopped reporting without stopping (killed, crashed).
   */
  workers: (SessionWorker & { running: boolean; gone: boolean })[];
  /** The session's jobs by state; null when the queue's tables are not there. */
  jobs: SessionJobCounts | null;
  /** What holds the session up and what to do, when something does (no worker running, jobs held by a dead one). */
  attention: string | null;
}

/**
 * Finds a session by id or unique prefix; without one, the latest session. An id given empty (`status "$ID"`
 * with ID unset in a script) is refused: answering with the latest session would report on another one.
 */
/** An ambiguous prefix lists this many of the sessions it matches (newest first), then `…` when there are more. */
const SESSIONS_LISTED_WHEN_AMBIGUOUS = 5;

export async function resolveSession(
  database: OpenDatabase,
  idOrPrefix: string | undefined,
): Promise<BatchUpload> {
  const batches = new BatchRepository(database.db);
  if (idOrPrefix === '') {
    throw new UsageError(
      "the session id is empty ('')",
      'give the id or its first characters, or leave it out for the latest session (in a script, check the variable it comes from)',
    );
  }
  if (!idOrPrefix) {
    const latest = await batches.latestSession();
    if (!latest) throw new UsageError('there are no sessions yet', 'run `tecsalud-batch ingest DIR` first');
    return latest;
  }
  if (!isIdPrefix(idOrPrefix)) {
    throw new UsageError(
      `'${sanitizeForTerminal(idOrPrefix)}' is not a session id`,
      'give the id or its first characters, as `tecsalud-batch sessions` lists them',
    );
  }
  const found = await batches.findSessionByPrefix(idOrPrefix.trim(), SESSIONS_LISTED_WHEN_AMBIGUOUS + 1);
  if (found.length === 0) {
    throw new UsageError(
      `no session '${sanitizeForTerminal(idOrPrefix)}'`,
      'list them with `tecsalud-batch sessions`',
    );
  }
  if (found.length > 1) {
    // Saying which sessions it took is what lets the reader pick one without a second command.
    const shown = found
      .slice(0, SESSIONS_LISTED_WHEN_AMBIGUOUS)
      .map(
        (s) =>
          `  ${s.id.slice(0, 8)}  ${formatLocalTimestamp(s.createdAt, 'en')}  ${s.status}  ${sanitizeForTerminal(s.sourceDir)}`,
      );
    const more = found.length > SESSIONS_LISTED_WHEN_AMBIGUOUS ? ['  …'] : [];
    throw new UsageError(
      `'${sanitizeForTerminal(idOrPrefix)}' matches several sessions`,
      ['give more of the id; it matches:', ...shown, ...more].join('\n'),
    );
  }
  return found[0]!;
}

/**
 * A session (the latest when none is named) and, when asked, its files. A session driven by the job queue
 * is aggregated across its workers: while it runs, its counts come from its files' rows (whoever wrote
 * them), and `queue` tells the workers seen and the jobs by state.
 */
export async function readSessionStatus(
  location: RegistryLocation & { config?: { queue: { schema: string } } | null },
  idOrPrefix: string | undefined,
  options: { files: boolean },
): Promise<{
  session: ListedSession;
  files: BatchFile[];
  queue: SessionQueueStatus | null;
  /** Files the session left for a later run (over --max-files). */
  deferred: number;
}> {
  return withRegistry(location, async (database) => {
    const found = await asSeenNow(database, await resolveSession(database, idOrPrefix), {
      sqlitePath: commandDatabase(database),
    });
    const queue = await readQueueStatus(
      database,
      found.id,
      location.config?.queue.schema ?? DEFAULT_QUEUE_SCHEMA,
    );
    const session = queue ? await withLiveCounts(database, found) : found;
    const files = options.files
      ? withUnfinishedShown(session, await new BatchRepository(database.db).listFiles(session.id))
      : [];
    const [counted] = await withReviewCounts(database, [session]);
    const deferred = await new BatchRepository(database.db).countDeferred(session.id);
    return { session: counted!, files, queue, deferred };
  });
}

/**
 * The files of a session no run drives any more (interrupted, stopped by a backend down, its run killed) that
 * no run finished: `interrupted`, pending, with what finishes them — as `ingest --json` listed them when that run
 * stopped, so that `status --files` never shows a file with no outcome for a session that is over. A session
 * still running keeps its rows as they are: its files without an outcome are on their way.
 */
export function withUnfinishedShown(session: BatchUpload, files: BatchFile[]): BatchFile[] {
  if (isRunning(session)) return files;
  // Ctrl-C or SIGTERM says so; a run killed or stopped by a backend down is said the general way.
  const why = isEnqueueInterruptedNote(session.errorMessage)
    ? 'enqueue_interrupted'
    : session.errorMessage === INTERRUPTED_NOTE || session.errorMessage === STOPPED_AT_ONCE_NOTE
      ? 'interrupted'
      : 'stopped';
  return files.map((file) =>
    file.outcome === null
      ? {
          ...file,
          outcome: 'interrupted',
          processingStatus: 'pending',
          errorMessage: unfinishedFileNote(why),
        }
      : file,
  );
}

/** The most recent sessions, newest first (queue sessions still running with their live counts). */
export async function listSessions(location: RegistryLocation, limit: number): Promise<ListedSession[]> {
  return withRegistry(location, async (database) => {
    const sessions = await new BatchRepository(database.db).listSessions(limit);
    const queue = new QueueRepository(database.db);
    const seen = await Promise.all(
      sessions.map(async (session) => {
        if (!isRunning(session)) return session;
        const onQueue = await queue.isQueueSession(session.id);
        return onQueue
          ? withLiveCounts(database, session)
          : asSeenNow(database, session, { onQueue, sqlitePath: commandDatabase(database) });
      }),
    );
    return withReviewCounts(database, seen);
  });
}

/** A session as `sessions` and `status` show it: its own reviews, and the copies already waiting elsewhere, apart. */
export type ListedSession = BatchUpload & { alreadyWaiting: number };

/**
 * The sessions with their files waiting for review counted from the files' states: `reviewRequired` its own,
 * `alreadyWaiting` the copies of content another file already waited with (`already_pending_review`). A re-run
 * of a folder used to count those as reviews of its own, each night again, so a sum over sessions over-counted.
 */
export async function withReviewCounts(
  database: OpenDatabase,
  sessions: BatchUpload[],
): Promise<ListedSession[]> {
  const waiting = await new BatchRepository(database.db).waitingForReview(
    sessions.map((session) => session.id),
  );
  return sessions.map((session) => ({ ...session, ...waiting.get(session.id)! }));
}

async function readQueueStatus(
  database: OpenDatabase,
  sessionId: string,
  schema: string,
): Promise<SessionQueueStatus | null> {
  const repository = new QueueRepository(database.db);
  if (!(await repository.isQueueSession(sessionId))) return null;
  const silentSince = Date.now() - WORKER_SILENT_AFTER_MS;
  const isRunning = (worker: QueueWorker) => workerRunning(worker, { silentAfterMs: WORKER_SILENT_AFTER_MS });
  const workers = (await repository.sessionWorkers(sessionId)).map((seen) => {
    const running = isRunning(seen.worker);
    return { ...seen, running, gone: seen.worker.stoppedAt === null && !running };
  });
  const jobs = await readSessionJobCounts(database, schema, sessionId);
  if (!jobs) return { workers, jobs, attention: null };
  // Workers serve every session: one busy with another session's jobs will take this one's too.
  const anyRunning = (await repository.liveWorkers(new Date(silentSince).toISOString())).some(isRunning);
  return { workers, jobs, attention: queueAttention(workers, jobs, anyRunning) };
}

/**
 * Why a queue session does not move, in words for whoever reads `status`: a session whose jobs wait with no
 * worker running, or whose active jobs a worker killed without a word still holds (pg-boss hands them on
 * only when their time runs out). Null when the workers are at it or nothing is left.
 */
function queueAttention(
  workers: SessionQueueStatus['workers'],
  jobs: SessionJobCounts,
  anyRunning: boolean,
): string | null {
  const gone = workers.filter((w) => w.gone).length;
  const start = '`tecsalud-batch worker`';
  const timeout = `their time runs out (--job-timeout)${jobs.activeUntil ? ` by ${jobs.activeUntil.slice(11, 19)} UTC` : ''}`;
  // Active jobs with a worker running and none gone: at work (one that just took them names itself a moment later).
  // A running worker hands a gone worker's jobs back (QueueWorker.reclaimJobsOfGoneWorkers); the timeout is the
  // latest they come back with no worker at all.
  if (jobs.active > 0 && !anyRunning) {
    return (
      `no worker is running: the ${jobs.active} active job${jobs.active === 1 ? ' was' : 's were'} taken by a ` +
      'worker that is gone (killed, crashed, or its machine went down); the next worker to start takes them back ' +
      `at once, or they go back to the queue when ${timeout}: start one with ${start}`
    );
  }
  if (jobs.active > 0 && gone > 0) {
    return (
      `${gone} worker${gone === 1 ? '' : 's'} stopped without finishing (killed, crashed, or its machine went ` +
      `down): the jobs ${gone === 1 ? 'it' : 'they'} held are among the ${jobs.active} active; the running workers ` +
      `take them back within minutes (at the latest when ${timeout})`
    );
  }
  if (jobs.queued > 0 && !anyRunning) {
    return `no worker is running: ${jobs.queued} job${jobs.queued === 1 ? ' waits' : 's wait'}; start one with ${start}`;
  }
  return null;
}

/** A running queue session's counters as its files' rows say now (workers update the stored ones now and then). */
async function withLiveCounts(database: OpenDatabase, session: BatchUpload): Promise<BatchUpload> {
  if (!isRunning(session)) return session;
  const { unfinished: _unfinished, ...counts } = await new QueueRepository(database.db).countsFromFiles(
    session.id,
  );
  return { ...session, ...counts };
}

function isRunning(session: BatchUpload): boolean {
  return session.status === 'pending' || session.status === 'processing';
}
