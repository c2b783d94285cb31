import type { Embedder } from '../adapters/embedders/types.js';
import type { VectorRecord, VectorStore } from '../adapters/vector-stores/types.js';
import type { DocumentType } from '../core/filename/types.js';
import type { MedicalDocument, Patient } from '../db/schema.js';
import { ExitCode, UserError } from '../errors.js';
import { FileStageError } from './stage-error.js';
import { embedDocument, type ChunkSettings } from './store-document.js';

/** What a move needs to make a document's missing chunks again (its session's settings); the embedder opens only then. */
export interface ChunkRemaking extends ChunkSettings {
  openEmbedder(): Promise<Embedder>;
}

/**
 * A document's chunks filed under `patient`, to be written back in place of the ones `found` in the store.
 * When none is missing, the same embeddings with the patient in their metadata (no embedder needed). When some
 * are — a detach deletes them before its rows change, so one that died in between leaves a document the
 * registry files as vectorized and search never finds — every chunk is made again from the text the registry
 * keeps (a detach keeps it in the row first), the way the ingest made them, in the collection's own embedding
 * space. Refused before anything is written when that cannot be done; then `rerun` is the command to run again.
 */
export async function chunksFiledUnder(
  vectorStore: VectorStore,
  input: {
    document: MedicalDocument;
    patient: Pick<Patient, 'id' | 'expediente'>;
    found: VectorRecord[];
    remaking: ChunkRemaking | undefined;
    rerun: string;
  },
): Promise<{ records: VectorRecord[]; remade: boolean }> {
  const { document, patient, found } = input;
  const filed = { patient_id: patient.id, expediente: patient.expediente };
  if (found.length >= document.chunksCount) {
    if (found.length > 0) {
      // The same embeddings go back: the collection's own embedding space, whatever embedder is configured now.
      const space = await vectorStore.describeCollection();
      if (space) await vectorStore.ensureCollection(space);
    }
    return {
      records: found.map((record) => ({ ...record, metadata: { ...record.metadata, ...filed } })),
      remade: false,
    };
  }
  const missing = { documentId: document.id, missing: document.chunksCount - found.length };
  if (!document.content || !input.remaking) {
    throw missingChunksRefusal({ ...missing, total: document.chunksCount, cause: null, rerun: input.rerun });
  }
  try {
    const embedder = await input.remaking.openEmbedder();
    await vectorStore.ensureCollection({ embedderId: embedder.id, dimension: embedder.dimension });
    const vectors = await embedDocument(embedder, {
      ...input.remaking,
      text: document.content,
      metadata: {
        document_id: document.id,
        ...filed,
        // Written by the ingest from its filename's type, one of DOCUMENT_TYPES.
        document_type: document.documentType as DocumentType,
        numero: document.numero,
        batch_id: document.batchId ?? '',
        source_filename: document.filename,
        content_sha256: document.contentSha256,
      },
    });
    return { records: vectors.records, remade: true };
  } catch (error) {
    throw missingChunksRefusal({ ...missing, total: document.chunksCount, cause: error, rerun: input.rerun });
  }
}

/**
 * Says that search does not find the document and why its chunks could not be made again: `cause` is what
 * refused (the embedder, the collection's embedding space), or null when the registry keeps no text of it.
 * An error that is not the user's (a bug) goes on as it is.
 */
export function missingChunksRefusal(input: {
  documentId: string;
  missing: number;
  total: number;
  cause: unknown;
  rerun: string;
}): unknown {
  const what =
    `${input.missing} of the ${input.total} chunks of document ${input.documentId.slice(0, 8)} are missing ` +
    'from the vector store, so search does not find it';
  if (input.cause === null) {
    return new UserError(
      `${what}, and the registry keeps no text of it to make them again; nothing was changed`,
      ExitCode.Usage,
      'ingest its PDF again with --force: that stores its chunks again',
    );
  }
  const { cause } = input;
  if (!(cause instanceof UserError) && !(cause instanceof FileStageError)) return cause;
  const rerun = `run \`${input.rerun}\` again to make them and finish it`;
  return new UserError(
    `${what}; nothing was changed, as they could not be made again from its text: ${cause.message}`,
    cause instanceof UserError ? cause.exitCode : ExitCode.ServiceUnavailable,
    cause instanceof UserError && cause.hint ? `${cause.hint}; then ${rerun}` : rerun,
  );
}
