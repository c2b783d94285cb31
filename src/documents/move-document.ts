import { formatPatientName } from '../core/registry/patient-name.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';
import { DocumentChangeRepository } from '../db/repositories/document-change-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { ActorKind, MedicalDocument, Patient } from '../db/schema.js';
import { unfinishedVectorChange } from './unfinished-vector-change.js';

export interface DocumentChangeDependencies {
  database: OpenDatabase;
  /** The vector store of the document's collection; null when the document has no vectors. */
  vectorStore: VectorStore | null;
}

export interface DocumentActor {
  actor: string;
  actorKind: ActorKind;
}

export interface MoveDocumentResult {
  from: Patient | null;
  to: Patient;
  /** Chunks whose metadata now names the new patient. */
  chunks: number;
  /** The document was already the patient's: only its vectors were brought in line. */
  unchanged: boolean;
}

/**
 * Moves a document to another patient: first its vectors (the same embeddings, written back with the new
 * `patient_id` and `expediente`, so search by expediente finds it under its new patient), then, in one
 * transaction, its row, its file's patient and an audit row with both patients. Moving it again to the same
 * patient writes the vectors again: a move interrupted between the two steps is finished by re-running it.
 * A `document_move_started` audit entry, written before the vectors change and followed by `document_moved` in
 * the rows' transaction, lets `doctor` find a move whose process died in between.
 */
export async function moveDocument(
  deps: DocumentChangeDependencies,
  input: DocumentActor & { document: MedicalDocument; to: Patient },
): Promise<MoveDocumentResult> {
  const { document, to } = input;
  const from = (await new PatientRepository(deps.database.db).findById(document.patientId)) ?? null;
  const unchanged = document.patientId === to.id;
  const audit = new AuditRepository(deps.database.db);
  const event = (chunks: number): Omit<AuditEvent, 'action'> => ({
    actor: input.actor,
    actorKind: input.actorKind,
    sessionId: document.batchId,
    fileId: document.batchFileId,
    documentId: document.id,
    patientBefore: document.patientId,
    patientAfter: to.id,
    entityType: 'medical_document',
    entityId: document.id,
    details: {
      filename: document.filename,
      from_expediente: document.expediente,
      from_name: from ? formatPatientName(from) : null,
      to_expediente: to.expediente,
      to_name: formatPatientName(to),
      chunks,
    },
  });
  let chunks = 0;
  if (document.vectorized === 1) {
    if (!deps.vectorStore) throw new Error('this document has vectors, but no vector store was opened');
    const records = await deps.vectorStore.readDocument(document.id);
    if (records.length > 0) {
      // The same embeddings go back: the collection's own embedding space, whatever embedder is configured now.
      const space = await deps.vectorStore.describeCollection();
      if (space) await deps.vectorStore.ensureCollection(space);
      const vectorStore = deps.vectorStore;
      // Durable before the vectors change: a process killed between them and the rows leaves this for `doctor`.
      if (!unchanged) await audit.record({ ...event(records.length), action: 'document_move_started' });
      await vectorStore
        .replaceDocuments([
          {
            documentId: document.id,
            records: records.map((record) => ({
              ...record,
              metadata: { ...record.metadata, patient_id: to.id, expediente: to.expediente },
            })),
          },
        ])
        .catch((error: unknown) => {
          if (unchanged) throw error;
          const short = document.id.slice(0, 8);
          throw unfinishedVectorChange(error, {
            disagreement:
              `the move of document ${short} to expediente ${to.expediente} did not finish: its vectors may already ` +
              `name that patient while the registry still files it under ${document.expediente}`,
            finish:
              `run \`tecsalud-batch documents move ${short} --to ${to.expediente}\` again to finish it, ` +
              `or \`tecsalud-batch documents move ${short} --to ${document.expediente}\` to put its vectors back`,
          });
        });
    }
    chunks = records.length;
  }
  if (!unchanged) {
    await new DocumentChangeRepository(deps.database.db).move({
      documentId: document.id,
      to,
      audit: { ...event(chunks), action: 'document_moved' },
    });
  } else if (
    chunks >= document.chunksCount &&
    (await audit.unfinishedDocumentChanges([document.id])).length > 0
  ) {
    // Moved back to the registry's patient after an unfinished change, and none of its chunks is missing (a
    // detach may have deleted some): the vectors are in line with the rows again.
    await audit.record({ ...event(chunks), action: 'document_change_settled' });
  }
  return { from, to, chunks, unchanged };
}
