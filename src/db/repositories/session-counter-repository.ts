import type { Kysely } from 'kysely';
import type { SessionTotals } from '../../core/pipeline/events.js';
import { countSessionFiles, type FileStateGroup } from '../../core/pipeline/session-counts.js';
import { ROWS_PER_STATEMENT } from '../bulk-insert.js';
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

  /**
   * Derives the session's counts from its files' recorded states and the audit log (see countSessionFiles),
   * stores them, and returns them with the counts the table has no column for (deferred, not moved, pages,
   * chunks). What a crash, a kill or a backend dying mid-run cannot make wrong: with `final` (a run's
   * start and end), a file whose patient an earlier attempt created is first given back its `new_patient`
   * (see restoreCreations), so that every file counts once, as in a single run.
   */
  async recount(sessionId: string, options: { final?: boolean } = {}): Promise<SessionTotals> {
    // Only where a run starts or ends: the live counts flushed every second need not pay for the audit join.
    if (options.final) await this.restoreCreations(sessionId);
    const rows = await this.db
      .selectFrom('batchFiles')
      .select((eb) => [
        'outcome',
        'processingStatus',
        'matchingStatus',
        eb('moveError', 'is not', null).as('notMoved'),
        eb.fn.countAll<number | string>().as('files'),
        eb.fn.sum<number | string | null>('pages').as('pages'),
        eb.fn.sum<number | string | null>('chunks').as('chunks'),
      ])
      .where('batchId', '=', sessionId)
      .groupBy(['outcome', 'processingStatus', 'matchingStatus', 'notMoved'])
      .execute();
    const groups: FileStateGroup[] = rows.map((row) => ({
      outcome: row.outcome,
      processingStatus: row.processingStatus,
      matchingStatus: row.matchingStatus,
      notMoved: Boolean(row.notMoved),
      files: Number(row.files),
      pages: Number(row.pages ?? 0),
      chunks: Number(row.chunks ?? 0),
    }));
    const totals = countSessionFiles(groups, await this.createdPatients(sessionId));
    await this.set(sessionId, {
      totalFiles: totals.totalFiles,
      processedFiles: totals.processedFiles,
      failedFiles: totals.failedFiles,
      createdPatients: totals.createdPatients,
      matchedPatients: totals.matchedPatients,
      reviewRequired: totals.reviewRequired,
      duplicates: totals.duplicates,
    });
    return totals;
  }

  /**
   * An attempt of a file that created its patient, then stopped before the file's row said so (a kill, a
   * crash, the database lost), leaves the patient and its `patient_created` audit row (which names the
   * file); the file's next attempt finds the patient in the registry and records it `matched`. The file
   * would then count twice: created (by the audit row) and matched (by its row). A single run records it
   * `new_patient`, and so does this, for the ingested files matched to the very patient their own audit
   * row says was created for them. Files matched to a patient created for another file stay matched.
   */
  private async restoreCreations(sessionId: string): Promise<void> {
    const creations = this.patientCreations(sessionId);
    const candidates = await this.db
      .selectFrom('batchFiles')
      .select(['id', 'patientId'])
      .where('batchId', '=', sessionId)
      .where('outcome', '=', 'ingested')
      .where('matchingStatus', '=', 'matched')
      .where('patientId', 'in', creations.select('entityId'))
      .execute();
    if (candidates.length === 0) return;
    const createdFor = new Map<string, string>();
    const audit = await creations.select(['entityId', 'details']).execute();
    for (const row of audit) {
      const fileId = fileIdOf(row.details);
      if (fileId !== null && row.entityId !== null) createdFor.set(fileId, row.entityId);
    }
    const ids = candidates
      .filter((file) => file.patientId !== null && createdFor.get(file.id) === file.patientId)
      .map((file) => file.id);
    const now = new Date().toISOString();
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
      await this.db
        .updateTable('batchFiles')
        .set({ matchingStatus: 'new_patient', updatedAt: now })
        .where('id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT))
        .where('matchingStatus', '=', 'matched')
        .execute();
    }
  }

  /** The session's `patient_created` audit rows (their entityId is the patient), for a select to pick from. */
  private patientCreations(sessionId: string) {
    return this.db
      .selectFrom('auditLog')
      .where('batchId', '=', sessionId)
      .where('action', '=', 'patient_created')
      .where('entityId', 'is not', null);
  }

  /**
   * Patients created for the session's files: those its ingest created (the audit log has each, also when
   * the file then failed) and those a review created (the file records it), each once.
   */
  private async createdPatients(sessionId: string): Promise<number> {
    const created = this.patientCreations(sessionId)
      .select('entityId as patientId')
      .union(
        this.db
          .selectFrom('batchFiles')
          .select('patientId')
          .where('batchId', '=', sessionId)
          .where('matchingStatus', '=', 'new_patient')
          .where('patientId', 'is not', null),
      );
    const row = await this.db
      .selectFrom(created.as('created'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
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

/** The file a `patient_created` audit row says the patient was created for (older rows may not say). */
function fileIdOf(details: string | null): string | null {
  if (!details) return null;
  try {
    const fileId = (JSON.parse(details) as { file_id?: unknown }).file_id;
    return typeof fileId === 'string' ? fileId : null;
  } catch {
    return null;
  }
}
