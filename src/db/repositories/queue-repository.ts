import type { Kysely } from 'kysely';
import {
  FILE_OUTCOMES,
  UNFINISHED_OUTCOMES,
  outcomeKind,
  type FileOutcome,
} from '../../core/pipeline/file-outcome.js';
import type { BatchFile, BatchStatus, Database, QueueWorker } from '../schema.js';
import type { SessionCounts } from './session-counter-repository.js';

/** A worker seen on a session: who, and how many of its files it finished. */
export interface SessionWorker {
  worker: QueueWorker;
  files: number;
  lastFileAt: string;
}

/**
 * The rows the job queue keeps beside the registry (migration 0007): sessions driven by the queue, the
 * workers that took part, and the first file of a session with a given content. And what a worker asks
 * of a session's files, whose states are the only truth: the queue only says who should look at which.
 */
export class QueueRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Marks a session as driven by the queue, once its jobs are queued. */
  async recordQueueSession(batchId: string, queue: string, jobs: number): Promise<void> {
    await this.db
      .insertInto('queueSessions')
      .values({ batchId, queue, jobs, enqueuedAt: new Date().toISOString() })
      .onConflict((oc) =>
        oc.column('batchId').doUpdateSet((eb) => ({ jobs: eb('queueSessions.jobs', '+', jobs) })),
      )
      .execute();
  }

  async isQueueSession(batchId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('queueSessions')
      .select('batchId')
      .where('batchId', '=', batchId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Queue sessions still `processing`: the ones a worker's sweep looks over for files without a job. */
  async openQueueSessions(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('queueSessions')
      .innerJoin('batchUploads', 'batchUploads.id', 'queueSessions.batchId')
      .select('queueSessions.batchId')
      .where('batchUploads.status', 'in', ['pending', 'processing'])
      .execute();
    return rows.map((row) => row.batchId);
  }

  /** The session's files not in a final state (no outcome yet, or one a later run takes). */
  async unfinishedFiles(batchId: string): Promise<Pick<BatchFile, 'id' | 'relativePath'>[]> {
    return this.db
      .selectFrom('batchFiles')
      .select(['id', 'relativePath'])
      .where('batchId', '=', batchId)
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', 'in', UNFINISHED_OUTCOMES)]))
      .orderBy('relativePath')
      .execute();
  }

  /** The ids of the session's files recorded still being written: left for the next run, or their job postponed. */
  async stillBeingWrittenFileIds(batchId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('batchFiles')
      .select('id')
      .where('batchId', '=', batchId)
      .where('outcome', '=', 'still_being_written')
      .execute();
    return rows.map((row) => row.id);
  }

  async countUnfinishedFiles(batchId: string): Promise<number> {
    const row = await this.db
      .selectFrom('batchFiles')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('batchId', '=', batchId)
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', 'in', UNFINISHED_OUTCOMES)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * A session's counters as its files' rows say, whoever wrote them (any number of workers, a reviewer):
   * the same counts a single run's tally keeps, derived from the rows instead of counted as they pass.
   */
  async countsFromFiles(batchId: string): Promise<SessionCounts & { unfinished: number }> {
    const groups = await this.db
      .selectFrom('batchFiles')
      .select(['outcome', 'matchingStatus', 'processingStatus'])
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('batchId', '=', batchId)
      .groupBy(['outcome', 'matchingStatus', 'processingStatus'])
      .execute();
    const counts = {
      totalFiles: 0,
      processedFiles: 0,
      failedFiles: 0,
      createdPatients: 0,
      matchedPatients: 0,
      reviewRequired: 0,
      duplicates: 0,
      unfinished: 0,
    };
    for (const group of groups) {
      const n = Number(group.n);
      counts.totalFiles += n;
      const outcome = group.outcome as FileOutcome | null;
      const kind = outcome && outcome in FILE_OUTCOMES ? outcomeKind(outcome) : 'pending';
      if (kind === 'pending') {
        counts.unfinished += n;
        continue;
      }
      counts.processedFiles += n;
      if (kind === 'failed') counts.failedFiles += n;
      // A settled review is no longer counted as one (as a review decision's counter change says).
      // A copy of content already waiting for review (`already_pending_review`) is that file's review, not another.
      if (kind === 'review' && group.processingStatus === 'pending' && outcome !== 'already_pending_review') {
        counts.reviewRequired += n;
      }
      if (outcome === 'duplicate' || outcome === 'duplicate_in_batch') counts.duplicates += n;
      if (outcome === 'ingested' && group.matchingStatus === 'matched') counts.matchedPatients += n;
      if (outcome === 'ingested' && group.matchingStatus === 'new_patient') counts.createdPatients += n;
    }
    return counts;
  }

  /**
   * Closes a queue session once none of its files is left: of several workers finishing its last files
   * at once, only one closes it (and says so by the return value, to write the audit row once).
   */
  async finishSession(batchId: string, status: BatchStatus, counts: SessionCounts): Promise<boolean> {
    const result = await this.db
      .updateTable('batchUploads')
      .set({ ...counts, status, errorMessage: null, completedAt: new Date().toISOString() })
      .where('id', '=', batchId)
      .where('status', 'in', ['pending', 'processing'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Sets the counters of a session still running (the finished one keeps what `finishSession` wrote). */
  async updateCounts(batchId: string, counts: SessionCounts): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set(counts)
      .where('id', '=', batchId)
      .where('status', 'in', ['pending', 'processing'])
      .execute();
  }

  /**
   * Claims a content for a file of the session, or names the file that claimed it first. Returns null when
   * this file holds the claim (also when it claimed it in an earlier attempt, before its worker died).
   */
  async claimContent(
    batchId: string,
    contentSha256: string,
    file: { fileId: string; relativePath: string },
  ): Promise<string | null> {
    await this.db
      .insertInto('batchContentClaims')
      .values({ batchId, contentSha256, fileId: file.fileId, relativePath: file.relativePath })
      .onConflict((oc) => oc.columns(['batchId', 'contentSha256']).doNothing())
      .execute();
    const holder = await this.db
      .selectFrom('batchContentClaims')
      .select(['fileId', 'relativePath'])
      .where('batchId', '=', batchId)
      .where('contentSha256', '=', contentSha256)
      .executeTakeFirstOrThrow();
    return holder.fileId === file.fileId ? null : holder.relativePath;
  }

  async registerWorker(worker: Omit<QueueWorker, 'stoppedAt' | 'lastSeenAt'>): Promise<void> {
    await this.db
      .insertInto('queueWorkers')
      .values({ ...worker, lastSeenAt: worker.startedAt, stoppedAt: null })
      .execute();
  }

  async heartbeat(workerId: string): Promise<void> {
    await this.db
      .updateTable('queueWorkers')
      .set({ lastSeenAt: new Date().toISOString() })
      .where('id', '=', workerId)
      .execute();
  }

  async workerStopped(workerId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .updateTable('queueWorkers')
      .set({ lastSeenAt: now, stoppedAt: now })
      .where('id', '=', workerId)
      .execute();
  }

  /**
   * Names the worker among the session's as soon as it takes one of its jobs (no file finished yet): one
   * killed before its first file is then seen by `status`, with the jobs it held.
   */
  async joinWorkerSession(workerId: string, batchId: string): Promise<void> {
    await this.db
      .insertInto('queueWorkerSessions')
      .values({ workerId, batchId, files: 0, lastFileAt: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['workerId', 'batchId']).doNothing())
      .execute();
  }

  /** Counts a file the worker brought to a final state in the session. */
  async recordWorkerFile(workerId: string, batchId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('queueWorkerSessions')
      .values({ workerId, batchId, files: 1, lastFileAt: now })
      .onConflict((oc) =>
        oc.columns(['workerId', 'batchId']).doUpdateSet((eb) => ({
          files: eb('queueWorkerSessions.files', '+', 1),
          lastFileAt: now,
        })),
      )
      .execute();
  }

  /** The workers that took jobs of the session, busiest first (`files`: those they brought to a final state). */
  async sessionWorkers(batchId: string): Promise<SessionWorker[]> {
    const rows = await this.db
      .selectFrom('queueWorkerSessions')
      .innerJoin('queueWorkers', 'queueWorkers.id', 'queueWorkerSessions.workerId')
      .selectAll('queueWorkers')
      .select(['queueWorkerSessions.files', 'queueWorkerSessions.lastFileAt'])
      .where('queueWorkerSessions.batchId', '=', batchId)
      .orderBy('queueWorkerSessions.files', 'desc')
      .execute();
    return rows.map(({ files, lastFileAt, ...worker }) => ({ worker, files: Number(files), lastFileAt }));
  }

  /** Workers that never said they stopped: running, or gone without a word (killed, crashed). */
  async unstoppedWorkers(): Promise<QueueWorker[]> {
    return this.db.selectFrom('queueWorkers').selectAll().where('stoppedAt', 'is', null).execute();
  }

  /** Workers that reported since `since` (ISO) and have not stopped. */
  async liveWorkers(since: string): Promise<QueueWorker[]> {
    return this.db
      .selectFrom('queueWorkers')
      .selectAll()
      .where('lastSeenAt', '>=', since)
      .where('stoppedAt', 'is', null)
      .orderBy('startedAt')
      .execute();
  }
}
