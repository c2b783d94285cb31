import { joinChunks } from '../core/chunking/join-chunks.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentChangeRepository } from '../db/repositories/document-change-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { MedicalDocument, Patient } from '../db/schema.js';
import { UserError } from '../errors.js';
import type { DocumentActor, DocumentChangeDependencies } from './move-document.js';
import { unfinishedVectorChange } from './unfinished-vector-change.js';

export interface DetachDocumentResult {
  /** The file now waiting for review, in the document's session. */
  fileId: string;
  sessionId: string;
  from: Patient | null;
  /** Chunks removed from the vector store. */
  chunks: number;
}

/**
 * Takes a document off its patient and puts its file back in review, in the session that ingested it.
 * The text comes from the document (or, for a vectorized-only one, is rebuilt from its chunks and first
 * kept in its row); then the vectors go (no search finds it under the wrong patient any more); then, in
 * one transaction, the row goes, the file waits for review again, and an audit row names the patient it
 * left. Run again after an interruption, it finishes the job; a `document_detach_started` audit entry, written
 * before the vectors go and followed by `document_detached` in the rows' transaction, lets `doctor` find one
 * whose process died in between.
 */
export async function detachDocument(
  deps: DocumentChangeDependencies,
  input: DocumentActor & {
    document: MedicalDocument;
    chunkOverlap: number;
    /**
     * Why it goes back: a person's words (`documents detach --reason`), or a run's that found a copy claimed
     * for another patient (then also the file's message). Recorded for the review, and audited.
     */
    reason?: string;
    /**
     * Taken back because a copy of its content names another patient: that copy's expediente and path, so
     * that the review offers that patient too.
     */
    copy?: { expediente: string; relativePath: string };
  },
): Promise<DetachDocumentResult> {
  const { document } = input;
  const { db } = deps.database;
  const batches = new BatchRepository(db);
  const session = document.batchId ? await batches.findSession(document.batchId) : undefined;
  if (!session) {
    throw new UserError(
      `the session that ingested document ${document.id.slice(0, 8)} no longer exists, so it has no review to go back to`,
      undefined,
      'move it to the right patient instead: `tecsalud-batch documents move ID --to EXPEDIENTE`',
    );
  }
  if (document.vectorized === 1 && !deps.vectorStore) {
    throw new Error('this document has vectors, but no vector store was opened');
  }
  const from = (await new PatientRepository(db).findById(document.patientId)) ?? null;
  const records = document.vectorized === 1 ? await deps.vectorStore!.readDocument(document.id) : [];
  let text = document.content;
  if (!text && records.length > 0) {
    text = joinChunks(
      records.map((record) => record.document),
      { overlap: input.chunkOverlap },
    );
    await new DocumentRepository(db).keepContent(document.id, text);
  }
  if (!text) {
    throw new UserError(
      `the text of document ${document.id.slice(0, 8)} is stored nowhere (no content, no chunks), so it cannot be reviewed again`,
      undefined,
      'move it to the right patient with `tecsalud-batch documents move`, or ingest its PDF again with --force',
    );
  }
  const audit = (action: string, fileId: string | null, details: Record<string, unknown>): AuditEvent => ({
    actor: input.actor,
    actorKind: input.actorKind,
    action,
    sessionId: session.id,
    fileId,
    documentId: document.id,
    patientBefore: document.patientId,
    patientAfter: null,
    entityType: 'batch_file',
    entityId: fileId,
    details: {
      filename: document.filename,
      from_expediente: document.expediente,
      from_name: from ? formatPatientName(from) : null,
      ...details,
      ...(input.reason ? { reason: input.reason } : {}),
    },
  });
  if (document.vectorized === 1) {
    // Durable before the vectors go: a process killed between them and the rows leaves this for `doctor`.
    await new AuditRepository(db).record(
      // The collection they go from: all gone, a move that settles this makes them again there (not in the
      // session's, when `review --collection` or `--collection` put them elsewhere).
      audit('document_detach_started', document.batchFileId, {
        chunks: records.length,
        collection: deps.vectorStore!.collection,
      }),
    );
  }
  const chunks =
    document.vectorized === 1
      ? await deps.vectorStore!.deleteDocument(document.id).catch((error: unknown) => {
          const short = document.id.slice(0, 8);
          throw unfinishedVectorChange(error, {
            disagreement:
              `the detach of document ${short} did not finish: some of its chunks may already be gone from the ` +
              `vector store while the registry still files it under expediente ${document.expediente} (its text is kept)`,
            finish: `run \`tecsalud-batch documents detach ${short}\` again to finish it`,
          });
        })
      : 0;
  const file = document.batchFileId ? ((await batches.findFile(document.batchFileId)) ?? null) : null;
  const at = new Date().toISOString();
  const detachedNote = `detached from expediente ${document.expediente} by ${input.actor}; waiting for review again`;
  const fileId = await new DocumentChangeRepository(db).detach({
    document,
    file: file && file.batchId === session.id ? file : null,
    text,
    detached: {
      at,
      by: input.actor,
      document_id: document.id,
      from_patient_id: document.patientId,
      from_expediente: document.expediente,
      // What the review shows of it: taken off by a person, or taken back by a run over a copy; and why.
      kind: input.copy ? 'taken_back' : 'detached',
      reason: input.reason ?? detachedNote,
      ...(input.copy ? { copy_expediente: input.copy.expediente, copy_path: input.copy.relativePath } : {}),
    },
    // A person's own words stay in the review's record and the audit; the file's message says what happened.
    note: input.copy ? (input.reason ?? detachedNote) : detachedNote,
    audit: (id) =>
      audit('document_detached', id, {
        chunks_removed: chunks,
        text_from: document.content ? 'document' : 'chunks',
      }),
  });
  return { fileId, sessionId: session.id, from, chunks };
}
