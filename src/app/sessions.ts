import { isIdPrefix } from '../core/text/id-prefix.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { DEFAULT_QUEUE_SCHEMA } from '../core/queue/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository, type SessionWorker } from '../db/repositories/queue-repository.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { UsageError } from '../errors.js';
import { releaseOwnRunLock } from '../ingest/run-lock.js';
import { readSessionJobCounts, type SessionJobCounts } from '../queue/job-queue.js';
import { asSeenNow } from './abandoned-runs.js';
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

/** A worker that has not reported for this long is no longer counted as running. */
const WORKER_SILENT_AFTER_MS = 60_000;

/** What `status` shows of a session whose files went to the job queue. */
export interface SessionQueueStatus {
  /** Workers that finished files of the session; `running` when it reported within the last minute. */
  workers: (SessionWorker & { running: boolean })[];
  /** The session's jobs by state; null when the queue's tables are not there. */
  jobs: SessionJobCounts | null;
}

/** Finds a session by id or unique prefix; without one, the latest session. */
export async function resolveSession(
  database: OpenDatabase,
  idOrPrefix: string | undefined,
): Promise<BatchUpload> {
  const batches = new BatchRepository(database.db);
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
  const found = await batches.findSessionByPrefix(idOrPrefix.trim());
  if (found.length === 0) {
    throw new UsageError(
      `no session '${sanitizeForTerminal(idOrPrefix)}'`,
      'list them with `tecsalud-batch sessions`',
    );
  }
  if (found.length > 1) {
    throw new UsageError(
      `'${sanitizeForTerminal(idOrPrefix)}' matches several sessions`,
      'give more of the id',
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
): Promise<{ session: BatchUpload; files: BatchFile[]; queue: SessionQueueStatus | null }> {
  return withRegistry(location, async (database) => {
    const found = await asSeenNow(database, await resolveSession(database, idOrPrefix));
    const queue = await readQueueStatus(
      database,
      found.id,
      location.config?.queue.schema ?? DEFAULT_QUEUE_SCHEMA,
    );
    const session = queue ? await withLiveCounts(database, found) : found;
    const files = options.files ? await new BatchRepository(database.db).listFiles(session.id) : [];
    return { session, files, queue };
  });
}

/** The most recent sessions, newest first (queue sessions still running with their live counts). */
export async function listSessions(location: RegistryLocation, limit: number): Promise<BatchUpload[]> {
  return withRegistry(location, async (database) => {
    const sessions = await new BatchRepository(database.db).listSessions(limit);
    const queue = new QueueRepository(database.db);
    return Promise.all(
      sessions.map(async (session) => {
        if (!isRunning(session)) return session;
        const onQueue = await queue.isQueueSession(session.id);
        return onQueue ? withLiveCounts(database, session) : asSeenNow(database, session, { onQueue });
      }),
    );
  });
}

async function readQueueStatus(
  database: OpenDatabase,
  sessionId: string,
  schema: string,
): Promise<SessionQueueStatus | null> {
  const repository = new QueueRepository(database.db);
  if (!(await repository.isQueueSession(sessionId))) return null;
  const silentSince = Date.now() - WORKER_SILENT_AFTER_MS;
  const workers = (await repository.sessionWorkers(sessionId)).map((seen) => ({
    ...seen,
    running: seen.worker.stoppedAt === null && Date.parse(seen.worker.lastSeenAt) >= silentSince,
  }));
  const jobs = await readSessionJobCounts(database, schema, sessionId);
  return { workers, jobs };
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
