import { formatPatientName } from '../core/registry/patient-name.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';
import { DocumentChangeRepository } from '../db/repositories/document-change-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { ActorKind, MedicalDocument, Patient } from '../db/schema.js';
import { chunksFiledUnder, type ChunkRemaking } from './chunks-filed-under.js';
import { unfinishedVectorChange } from './unfinished-vector-change.js';

export interface DocumentChangeDependencies {
  database: OpenDatabase;
  /** The vector store of the document's collection; null when the document has no vectors. */
  vectorStore: VectorStore | null;
  /**
   * How a move makes the chunks of a document again when some are missing from the store (a detach that died
   * after deleting them); without it, such a move is refused.
   */
  remaking?: ChunkRemaking;
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
  /** Some of its chunks were missing from the store: all were made again from its text. */
  remade: boolean;
}

/**
 * Moves a document to another patient: first its vectors (the same embeddings, written back with the new
 * `patient_id` and `expediente`, so search by expediente finds it under its new patient), then, in one
 * transaction, its row, its file's patient and an audit row with both patients. Moving it again to the same
 * patient writes the vectors again: a move interrupted between the two steps is finished by re-running it.
 * A `document_move_started` audit entry, written before the vectors change and followed by `document_moved` in
 * the rows' transaction, lets `doctor` find a move whose process died in between. A document some of whose
 * chunks are gone from the store (a detach that died after deleting them) gets them all made again under the
 * patient it goes to (see chunksFiledUnder): a move never leaves the registry filing a document search cannot
 * find, and one that cannot make them is refused with nothing changed, the unfinished change still for `doctor`.
 */
export async function moveDocument(
  deps: DocumentChangeDependencies,
  input: DocumentActor & { document: MedicalDocument; to: Patient },
): Promise<MoveDocumentResult> {
  const { document, to } = input;
  const from = (await new PatientRepository(deps.database.db).findById(document.patientId)) ?? null;
  const unchanged = document.patientId === to.id;
  const audit = new AuditRepository(deps.database.db);
  const event = (chunks: number, extra: Record<string, unknown> = {}): Omit<AuditEvent, 'action'> => ({
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
      ...extra,
    },
  });
  const short = document.id.slice(0, 8);
  let chunks = 0;
  let remade = false;
  if (document.vectorized === 1) {
    if (!deps.vectorStore) throw new Error('this document has vectors, but no vector store was opened');
    const vectorStore = deps.vectorStore;
    const found = await vectorStore.readDocument(document.id);
    const filed = await chunksFiledUnder(vectorStore, {
      document,
      patient: to,
      found,
      remaking: deps.remaking,
      rerun: `tecsalud-batch documents move ${short} --to ${to.expediente}`,
    });
    if (filed.records.length > 0) {
      // Durable before the vectors change: a process killed between them and the rows leaves this for `doctor`.
      if (!unchanged) {
        await audit.record({
          ...event(filed.records.length, { collection: vectorStore.collection }),
          action: 'document_move_started',
        });
      }
      await vectorStore
        .replaceDocuments([{ documentId: document.id, records: filed.records }])
        .catch((error: unknown) => {
          if (unchanged) throw error;
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
    chunks = filed.records.length;
    remade = filed.remade;
  }
  const changes = new DocumentChangeRepository(deps.database.db);
  // Made again, the document's chunks are counted anew (a text kept from its chunks may cut differently).
  const chunksCount = remade ? chunks : undefined;
  const remadeDetails = remade ? { chunks_remade: true } : {};
  // Where its chunks now are: the row says so to the next move and to doctor.
  const collection = document.vectorized === 1 ? deps.vectorStore!.collection : undefined;
  if (!unchanged) {
    await changes.move({
      documentId: document.id,
      to,
      chunksCount,
      collection,
      audit: { ...event(chunks, remadeDetails), action: 'document_moved' },
    });
  } else if (remade || (await audit.unfinishedDocumentChanges([document.id])).length > 0) {
    // Moved back to the registry's patient after an unfinished change: every chunk is in the store again under
    // that patient (chunksFiledUnder made them again when a detach had deleted some), in line with the rows.
    await changes.move({
      documentId: document.id,
      to,
      chunksCount,
      collection,
      audit: { ...event(chunks, remadeDetails), action: 'document_change_settled' },
    });
  } else if (collection !== undefined && collection !== document.collection) {
    // Found in another collection than the row said (or a row an older version wrote, which says none).
    await new DocumentRepository(deps.database.db).recordCollection(document.id, collection);
  }
  return { from, to, chunks, unchanged, remade };
}
