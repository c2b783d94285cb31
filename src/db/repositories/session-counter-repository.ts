import type { Kysely } from 'kysely';
import type { BatchUpload, Database } from '../schema.js';

/** The session's counters, as its `batch_uploads` columns hold them. */
export type SessionCounts = Pick<
  BatchUpload,
  | 'totalFiles'
  | 'processedFiles'
  | 'failedFiles'
  | 'createdPatients'
  | 'matchedPatients'
  | 'reviewRequired'
  | 'duplicates'
>;

/** The counters a review decision moves. */
export type ReviewCountsDelta = Pick<SessionCounts, 'reviewRequired' | 'matchedPatients' | 'createdPatients'>;

/**
 * A session's counters in `batch_uploads`. The ingest that runs a session sets them from its tally; later
 * changes (review decisions, their undo) add to them, so that two writers never overwrite each other.
 */
export class SessionCounterRepository {
  /** `db` may be a transaction, to move the counters with the change they count. */
  constructor(private readonly db: Kysely<Database>) {}

  async set(sessionId: string, counts: Partial<SessionCounts>): Promise<void> {
    await this.db.updateTable('batchUploads').set(counts).where('id', '=', sessionId).execute();
  }

  async add(sessionId: string, delta: ReviewCountsDelta): Promise<void> {
    await this.db
      .updateTable('batchUploads')
      .set((eb) => ({
        reviewRequired: eb('reviewRequired', '+', delta.reviewRequired),
        matchedPatients: eb('matchedPatients', '+', delta.matchedPatients),
        createdPatients: eb('createdPatients', '+', delta.createdPatients),
      }))
      .where('id', '=', sessionId)
      .execute();
  }
}
