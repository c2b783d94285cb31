import { finishedSessionStatus } from '../core/pipeline/session-status.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { SessionCounts } from '../db/repositories/session-counter-repository.js';
import type { BatchStatus } from '../db/schema.js';

/**
 * Brings a queue session's counters up to date from its files' rows and, when none of its files is left,
 * closes it. Any worker may call it at any time: of several closing it at once only one does (and writes
 * the audit row). Returns the closing status when this call closed it.
 */
export async function settleQueueSession(
  database: OpenDatabase,
  sessionId: string,
  actor: string,
): Promise<{ status: BatchStatus; counts: SessionCounts; alreadyWaiting: number } | null> {
  const queue = new QueueRepository(database.db);
  const { unfinished, ...counts } = await queue.countsFromFiles(sessionId);
  if (unfinished > 0) {
    await queue.updateCounts(sessionId, counts);
    return null;
  }
  const status = finishedSessionStatus(counts);
  if (!(await queue.finishSession(sessionId, status, counts))) return null;
  await new AuditRepository(database.db).record({
    actor,
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
