import type { Kysely } from 'kysely';
import type { BatchFileUpdate, Database, RejectedContent } from '../schema.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { PatientRepository } from './patient-repository.js';
import { RejectionRepository } from './rejection-repository.js';
import { SessionCounterRepository, type ReviewCountsDelta } from './session-counter-repository.js';

/** A decision that changed only the file's state (reject): what to write, all in one transaction. */
export interface FileDecision {
  fileId: string;
  batchId: string;
  update: BatchFileUpdate;
  delta: ReviewCountsDelta;
  /** A rejection to remember (by content) so that later runs set the same bytes aside. */
  rejection?: RejectedContent | null;
  audit: AuditEvent;
}

/** What undoing a decision puts back, all in one transaction. */
export interface DecisionReversal {
  fileId: string;
  batchId: string;
  /** The document the decision stored, deleted again. */
  documentId: string | null;
  /** The file's fields as they were before the decision. */
  restore: BatchFileUpdate;
  /** The patient the decision created, deleted again when no document refers to it any more. */
  createdPatientId: string | null;
  /** The counters to move (the opposite of the decision's). */
  delta: ReviewCountsDelta;
  /** The content whose rejection is lifted (undoing a reject). */
  lift?: string | null;
  /** The audit row, once it is known whether the patient was deleted. */
  audit: (patientDeleted: boolean) => AuditEvent;
}

/**
 * The review's writes: each decision, its undo, and the end of a sitting. Every decision moves the file,
 * the session's counters and the audit log together, or not at all.
 */
export class ReviewRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async applyDecision(decision: FileDecision): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('batchFiles')
        .set({ ...decision.update, updatedAt: new Date().toISOString() })
        .where('id', '=', decision.fileId)
        .execute();
      await new SessionCounterRepository(trx).add(decision.batchId, decision.delta);
      if (decision.rejection) await new RejectionRepository(trx).record(decision.rejection);
      await new AuditRepository(trx).record(decision.audit);
    });
  }

  /**
   * Compare-and-swap of a waiting file's matching_details: from `from` (its text as read; null for none) to
   * `to`, only while the file still waits for review. Says whether it was swapped: false when another
   * sitting swapped it first (claimed or settled it).
   */
  async swapWaitingDetails(fileId: string, from: string | null, to: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('batchFiles')
      .set({ matchingDetails: to })
      .where('id', '=', fileId)
      .where('matchingStatus', '=', 'review_required')
      .where('processingStatus', '=', 'pending')
      .where((eb) => (from === null ? eb('matchingDetails', 'is', null) : eb('matchingDetails', '=', from)))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Undoes a decision; says whether the patient it created was deleted. */
  async revert(reversal: DecisionReversal): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (reversal.documentId) {
        await trx.deleteFrom('medicalDocuments').where('id', '=', reversal.documentId).execute();
      }
      await trx.updateTable('batchFiles').set(reversal.restore).where('id', '=', reversal.fileId).execute();
      const patientDeleted = reversal.createdPatientId
        ? await new PatientRepository(trx).deleteIfUnused(reversal.createdPatientId)
        : false;
      await new SessionCounterRepository(trx).add(reversal.batchId, reversal.delta);
      if (reversal.lift) await new RejectionRepository(trx).remove(reversal.lift);
      await new AuditRepository(trx).record(reversal.audit(patientDeleted));
      return patientDeleted;
    });
  }

  /**
   * Lifts a rejection (by content) and, when its file is given, puts that file back in review in its
   * session: one transaction with the audit row.
   */
  async reopen(reopening: {
    contentSha256: string;
    file: { id: string; batchId: string; note: string } | null;
    audit: AuditEvent;
  }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await new RejectionRepository(trx).remove(reopening.contentSha256);
      const { file } = reopening;
      if (file) {
        await trx
          .updateTable('batchFiles')
          .set({
            matchingStatus: 'review_required',
            processingStatus: 'pending',
            outcome: 'review_required',
            errorMessage: file.note,
            updatedAt: new Date().toISOString(),
          })
          .where('id', '=', file.id)
          .execute();
        await new SessionCounterRepository(trx).add(file.batchId, {
          reviewRequired: 1,
          matchedPatients: 0,
          createdPatients: 0,
        });
      }
      await new AuditRepository(trx).record(reopening.audit);
    });
  }

  /** The sitting is over (no undo any more): the text kept for these files' review is dropped. */
  async dropKeptText(fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.db
      .updateTable('batchFiles')
      .set({ extractedText: null })
      .where('id', 'in', fileIds)
      .where('processingStatus', '=', 'completed')
      .execute();
  }
}
