import type { Kysely } from 'kysely';
import type { BatchFileUpdate, Database } from '../schema.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { PatientRepository } from './patient-repository.js';
import { SessionCounterRepository, type ReviewCountsDelta } from './session-counter-repository.js';

/** A decision that changed only the file's state (reject): what to write, all in one transaction. */
export interface FileDecision {
  fileId: string;
  batchId: string;
  update: BatchFileUpdate;
  delta: ReviewCountsDelta;
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
      await new AuditRepository(trx).record(decision.audit);
    });
  }

  /** Moves the counters after a decision whose document was stored on its own (attach, new patient). */
  async countDecision(batchId: string, delta: ReviewCountsDelta): Promise<void> {
    await new SessionCounterRepository(this.db).add(batchId, delta);
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
      await new AuditRepository(trx).record(reversal.audit(patientDeleted));
      return patientDeleted;
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
