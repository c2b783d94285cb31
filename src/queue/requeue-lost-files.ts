import { FILE_QUEUE } from '../core/queue/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { JobQueue } from './job-queue.js';

/**
 * Puts back on the queue the files of open queue sessions that are not final and have no job alive: jobs
 * lost (dropped by pg-boss's retention, purged by hand, never queued because the enqueue was killed half
 * way). The files' rows are the truth; the queue only dispatches. Two workers sweeping at once may queue
 * a file twice: the second job finds it final and does nothing. A file still being written with no job is
 * the folder's next run's (see settleQueueSession), not a lost job: it is not queued.
 */
export async function requeueLostFiles(
  database: OpenDatabase,
  queue: JobQueue,
  options: { timeoutSeconds: number },
): Promise<{ sessionId: string; files: number }[]> {
  const repository = new QueueRepository(database.db);
  const requeued: { sessionId: string; files: number }[] = [];
  for (const sessionId of await repository.openQueueSessions()) {
    const unfinished = await repository.unfinishedFiles(sessionId);
    if (unfinished.length === 0) continue;
    const live = await queue.liveFileIds(sessionId);
    const left = new Set(await repository.stillBeingWrittenFileIds(sessionId));
    const lost = unfinished.filter((file) => !live.has(file.id) && !left.has(file.id));
    if (lost.length === 0) continue;
    await queue.enqueue(
      lost.map((file) => ({ sessionId, fileId: file.id, relativePath: file.relativePath })),
      options,
    );
    await repository.recordQueueSession(sessionId, FILE_QUEUE, lost.length);
    requeued.push({ sessionId, files: lost.length });
  }
  return requeued;
}
