import { finishedSessionStatus } from '../core/pipeline/session-status.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditActor } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { SessionCounts } from '../db/repositories/session-counter-repository.js';
import type { BatchStatus } from '../db/schema.js';
import type { JobQueue } from './job-queue.js';

/**
 * Brings a queue session's counters up to date from its files' rows and, when none of its files is left,
 * closes it. Any worker may call it at any time: of several closing it at once only one does (and writes
 * the audit row). Returns the closing status when this call closed it.
 *
 * Given the queue (`jobs`), a file still being written with no job alive is not waited for: `ingest --enqueue`
 * left it for the folder's next run, as `ingest DIR` leaves one, and the session ends without it as a run's does.
 * One whose job a worker postponed (alive, to look again later) is still waited for.
 */
export async function settleQueueSession(
  database: OpenDatabase,
  sessionId: string,
  actor: AuditActor,
  jobs?: Pick<JobQueue, 'liveFileIds'>,
): Promise<{ status: BatchStatus; counts: SessionCounts; alreadyWaiting: number } | null> {
  const queue = new QueueRepository(database.db);
  const { unfinished, ...counts } = await queue.countsFromFiles(sessionId);
  const left = unfinished > 0 && jobs ? await leftForNextRun(queue, jobs, sessionId) : 0;
  if (unfinished > left) {
    await queue.updateCounts(sessionId, counts);
    return null;
  }
  const status = finishedSessionStatus({ ...counts, deferred: left });
  if (!(await queue.finishSession(sessionId, status, counts))) return null;
  await new AuditRepository(database.db).record({
    ...actor,
    action: 'session_completed',
    batchId: sessionId,
    entityType: 'batch_upload',
    entityId: sessionId,
    details: { ...counts, via: 'job_queue' },
  });
  // Not a column: copies of content another session's file already waits with, which the closing line names
  // beside the session's own reviews (as `status` does), lest "0 to review" hide files a person must settle.
  const waiting = await new BatchRepository(database.db).waitingForReview([sessionId]);
  return { status, counts, alreadyWaiting: waiting.get(sessionId)?.alreadyWaiting ?? 0 };
}

/** The session's files still being written that no job will look at again: the folder's next run takes them. */
async function leftForNextRun(
  queue: QueueRepository,
  jobs: Pick<JobQueue, 'liveFileIds'>,
  sessionId: string,
): Promise<number> {
  const files = await queue.stillBeingWrittenFileIds(sessionId);
  if (files.length === 0) return 0;
  const live = await jobs.liveFileIds(sessionId);
  return files.filter((id) => !live.has(id)).length;
}
