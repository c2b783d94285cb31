import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BatchFile, Database, MedicalDocument, Patient } from '../schema.js';
import { AuditRepository, type AuditEvent } from './audit-repository.js';
import { DocumentRepository } from './document-repository.js';
import { SessionCounterRepository } from './session-counter-repository.js';

export interface DocumentMove {
  documentId: string;
  to: Pick<Patient, 'id' | 'expediente'>;
  /** The document's chunks were made again: how many it (and its file's record) has now. */
  chunksCount?: number;
  /** The collection its chunks were written back to (a document with vectors). */
  collection?: string;
  audit: AuditEvent;
}

export interface DocumentDetach {
  document: MedicalDocument;
  /** The file the document came from, when its row is still there (cleanup removes settled files' rows). */
  file: BatchFile | null;
  /** The text the review will show and a new decision will store. */
  text: string;
  /** Merged into the file's matching_details as `detached`. */
  detached: Record<string, unknown>;
  /** The file's error_message: why it is back in review. */
  note: string;
  audit: (fileId: string) => AuditEvent;
}

/**
 * The writes of `documents move` and `documents detach`: each one transaction with its audit row. The
 * vectors are the caller's, written before (move) or deleted before (detach) these rows change, so that a
 * run interrupted between the two converges when run again.
 */
export class DocumentChangeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async move(move: DocumentMove): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await new DocumentRepository(trx).reassign(move.documentId, move.to, {
        chunksCount: move.chunksCount,
        collection: move.collection,
      });
      // A file's record says how many chunks its document has (`status --files`, the session's totals): made
      // again, they are counted anew there too, or the file says the old count beside a document that has others.
      await trx
        .updateTable('batchFiles')
        .set({
          patientId: move.to.id,
          ...(move.chunksCount !== undefined ? { chunks: move.chunksCount } : {}),
          updatedAt: new Date().toISOString(),
        })
        .where('documentId', '=', move.documentId)
        .execute();
      await new AuditRepository(trx).record(move.audit);
    });
  }

  /**
   * Deletes the document and puts its file back in review in the document's session: the file's own row
   * when it is still there, or a new one. Returns the file's id.
   */
  async detach(detach: DocumentDetach): Promise<string> {
    const { document, file } = detach;
    const sessionId = document.batchId!;
    const now = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      await new DocumentRepository(trx).delete(document.id);
      const back = {
        matchingStatus: 'review_required' as const,
        processingStatus: 'pending' as const,
        outcome: 'review_required',
        errorMessage: detach.note,
        patientId: null,
        documentId: null,
        chunks: null,
        pages: document.pages,
        extractedText: detach.text,
        contentSha256: document.contentSha256,
        updatedAt: now,
      };
      let fileId: string;
      if (file) {
        fileId = file.id;
        await trx
          .updateTable('batchFiles')
          .set({ ...back, matchingDetails: withDetached(file.matchingDetails, detach.detached) })
          .where('id', '=', file.id)
          .execute();
      } else {
        fileId = randomUUID();
        const taken = await trx
          .selectFrom('batchFiles')
          .select('id')
          .where('batchId', '=', sessionId)
          .where('relativePath', '=', document.filename)
          .executeTakeFirst();
        await trx
          .insertInto('batchFiles')
          .values({
            ...back,
            id: fileId,
            batchId: sessionId,
            relativePath: taken
              ? `detached/${document.id.slice(0, 8)}/${document.filename}`
              : document.filename,
            filename: document.filename,
            fileSize: null,
            expediente: document.expediente,
            documentType: document.documentType,
            documentTypeCode: document.documentTypeCode,
            numero: document.numero,
            matchConfidence: null,
            // What OCR read of it travels with the text the review shows.
            ocrEngine: document.ocrEngine,
            ocrPages: document.ocrPages,
            ocrConfidence: document.ocrConfidence,
            lowOcrConfidence: 0,
            matchingDetails: withDetached(null, detach.detached),
            createdAt: now,
          })
          .execute();
      }
      // Counted again from the files' states: a file row made anew (its own was gone) is one more file of the
      // session, and the one that was ingested is not any more — adjusting two counters missed the first.
      await new SessionCounterRepository(trx).recount(sessionId);
      await new AuditRepository(trx).record(detach.audit(fileId));
      return fileId;
    });
  }
}

function withDetached(json: string | null, detached: Record<string, unknown>): string {
  let details: Record<string, unknown> = {};
  if (json) {
    try {
      details = JSON.parse(json) as Record<string, unknown>;
    } catch {
      details = {};
    }
  }
  return JSON.stringify({ ...details, detached });
}
