import { describeError } from '../core/text/describe-error.js';
import { buildChunks } from '../core/chunking/build-chunks.js';
import type { ChunkMetadataBase } from '../core/chunking/types.js';
import { documentIdForContent } from '../core/pipeline/document-id.js';
import type { ParsedFilename } from '../core/filename/types.js';
import type { PatientNameParts } from '../core/registry/patient-name.js';
import type { AuditEvent } from '../db/repositories/audit-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import {
  ContentFiledMeanwhileError,
  FileWriteRepository,
  PatientRenamedMeanwhileError,
  type FileRows,
} from '../db/repositories/file-write-repository.js';
import type {
  ActorKind,
  BatchFileUpdate,
  MedicalDocument,
  Patient,
  ProcessingType,
  SettledFile,
} from '../db/schema.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { OcrInfo } from '../adapters/extraction/types.js';
import type { DocumentVectors, VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { writesStopped } from '../db/storage-errors.js';
import { ServiceUnavailableError } from '../errors.js';
import { removeCopiesElsewhere, type ListCollections } from './remove-copies-elsewhere.js';
import { FileStageError } from './stage-error.js';

export interface StoreDocumentInput {
  batchId: string;
  batchFileId: string;
  patient: Patient;
  parsed: ParsedFilename;
  text: string;
  pages: number;
  /** How OCR contributed to the text, when it did: recorded with the document. */
  ocr?: DocumentOcr | null;
  contentSha256: string;
  processingType: ProcessingType;
  chunkSize: number;
  chunkOverlap: number;
  embedBatchSize: number;
  actor: string;
  /** Default: os_user (an ingest); a review decision is a reviewer's. */
  actorKind?: ActorKind;
  /**
   * The caller found no document with this content (a review decision): one another process files meanwhile
   * stays, and this store fails with ContentFiledMeanwhileError instead of filing it over that one's patient.
   */
  documentIsNew?: boolean;
  /** Extra fields written to the batch file in the same transaction as the document. */
  fileUpdate: BatchFileUpdate;
  /** The session's counters this document moves (a review decision), in that same transaction. */
  sessionCounts?: FileWrite['sessionCounts'];
  auditAction: string;
  auditDetails?: Record<string, unknown>;
  onStage?: (stage: 'chunk' | 'embed' | 'store') => void;
}

/** What the document row records of its OCR (see OcrInfo). */
export type DocumentOcr = { engine: string; pages: number; confidence: number | null };

export function documentOcrOf(ocr: OcrInfo | undefined): DocumentOcr | null {
  return ocr ? { engine: ocr.engine, pages: ocr.pages.length, confidence: ocr.meanConfidence } : null;
}

export interface StoreDocumentDependencies {
  database: OpenDatabase;
  embedder: Embedder | null;
  vectorStore: VectorStore | null;
}

/**
 * Everything one file leaves behind, ready to be written: its final state, and for an ingested file the
 * document row and its chunk vectors. Built without writing anything, so that many files can be written
 * together (see writeFiles and the ingest's GroupCommitter).
 */
export interface FileWrite {
  batchFileId: string;
  /** The batch file's final state. */
  fileUpdate: BatchFileUpdate;
  /**
   * `isNew`: the ingest found no document with this content (not `--force`): one another process files meanwhile
   * stays as it is, and the write fails with ContentFiledMeanwhileError instead of filing over it.
   */
  document: {
    row: MedicalDocument;
    vectors: DocumentVectors | null;
    isNew?: boolean;
    /** The patient's name as the file was matched to it (see FileRows.patientAsMatched). */
    patientAsMatched?: PatientNameParts;
  } | null;
  audit: AuditEvent[];
  /** The file on disk, remembered with its final state so that a later run need not read it again. */
  settled?: SettledFile | null;
  sessionCounts?: FileRows['sessionCounts'];
}

/**
 * Writes one document for one patient (see writeFiles for the order that makes a kill at any point safe).
 * Settling a review uses this; the ingest prepares documents and writes them in groups.
 */
export async function storeDocument(
  deps: StoreDocumentDependencies,
  input: StoreDocumentInput,
): Promise<{ documentId: string; chunks: number }> {
  const write = await prepareDocument(deps, input);
  input.onStage?.('store');
  await writeFiles(deps, [
    {
      ...write,
      document: { ...write.document!, isNew: input.documentIsNew === true },
      sessionCounts: input.sessionCounts ?? null,
    },
  ]);
  return { documentId: write.document!.row.id, chunks: write.document!.row.chunksCount };
}

/** Chunks and embeds the text, and builds the rows: nothing is written yet. */
export async function prepareDocument(
  deps: Pick<StoreDocumentDependencies, 'embedder'>,
  input: StoreDocumentInput,
): Promise<FileWrite> {
  const documentId = documentIdForContent(input.contentSha256);
  const wantsVectors = input.processingType !== 'complete';
  const wantsContent = input.processingType !== 'vectorized';
  let vectors: DocumentVectors | null = null;
  if (wantsVectors) {
    if (!deps.embedder) {
      throw new Error(`processing type '${input.processingType}' needs an embedder and a vector store`);
    }
    vectors = await embedDocument(deps.embedder, {
      ...input,
      metadata: {
        document_id: documentId,
        patient_id: input.patient.id,
        expediente: input.patient.expediente,
        document_type: input.parsed.documentType,
        numero: input.parsed.numero,
        batch_id: input.batchId,
        source_filename: input.parsed.filename,
        content_sha256: input.contentSha256,
      },
    });
  }
  const chunks = vectors?.records.length ?? 0;
  const now = new Date().toISOString();
  return {
    batchFileId: input.batchFileId,
    fileUpdate: {
      // The text kept for a review is no longer needed once the document is stored, unless the
      // caller keeps it (e.g. so that a review decision can be undone).
      extractedText: null,
      ...input.fileUpdate,
      patientId: input.patient.id,
      documentId,
      chunks,
      pages: input.pages,
    },
    document: {
      row: {
        id: documentId,
        patientId: input.patient.id,
        batchId: input.batchId,
        batchFileId: input.batchFileId,
        expediente: input.patient.expediente,
        filename: input.parsed.filename,
        documentType: input.parsed.documentType,
        documentTypeCode: input.parsed.documentTypeCode,
        numero: input.parsed.numero,
        contentSha256: input.contentSha256,
        processingType: input.processingType,
        content: wantsContent ? input.text : null,
        pages: input.pages,
        chunksCount: chunks,
        vectorized: wantsVectors ? 1 : 0,
        // Named by writeFiles: the collection of the store it writes the chunks to.
        collection: null,
        ocrEngine: input.ocr?.engine ?? null,
        ocrPages: input.ocr?.pages ?? null,
        ocrConfidence: input.ocr?.confidence ?? null,
        createdAt: now,
        updatedAt: now,
      },
      vectors,
    },
    audit: [
      {
        actor: input.actor,
        actorKind: input.actorKind ?? 'os_user',
        action: input.auditAction,
        batchId: input.batchId,
        fileId: input.batchFileId,
        documentId,
        patientAfter: input.patient.id,
        entityType: 'medical_document',
        entityId: documentId,
        details: {
          batch_file_id: input.batchFileId,
          filename: input.parsed.filename,
          expediente: input.patient.expediente,
          patient_id: input.patient.id,
          processing_type: input.processingType,
          chunks,
          ...(input.ocr ? { ocr: input.ocr } : {}),
          ...input.auditDetails,
        },
      },
    ],
  };
}

/** How a session chunks and embeds its documents (see readSessionSettings). */
export type ChunkSettings = Pick<StoreDocumentInput, 'chunkSize' | 'chunkOverlap' | 'embedBatchSize'>;

/**
 * Chunks a document's text and embeds the chunks: its complete set of vectors, each chunk carrying `metadata`.
 * Nothing is written. An ingest, a review decision and a move that makes missing chunks again all go through it.
 */
export async function embedDocument(
  embedder: Embedder,
  input: ChunkSettings &
    Pick<StoreDocumentInput, 'text' | 'onStage'> & {
      metadata: ChunkMetadataBase;
    },
): Promise<DocumentVectors> {
  input.onStage?.('chunk');
  const chunks = buildChunks(input.text, input.metadata, {
    chunkSize: input.chunkSize,
    overlap: input.chunkOverlap,
  });
  input.onStage?.('embed');
  const embeddings: Float32Array[] = [];
  for (let i = 0; i < chunks.length; i += input.embedBatchSize) {
    const texts = chunks.slice(i, i + input.embedBatchSize).map((c) => c.text);
    try {
      embeddings.push(...(await embedder.embed(texts)));
    } catch (error) {
      // A service that is down is not this file's failure: the run stops and the file stays for the next.
      if (error instanceof ServiceUnavailableError) throw error;
      throw new FileStageError('embedding_failed', `the embedder failed: ${describeError(error)}`);
    }
  }
  return {
    documentId: input.metadata.document_id,
    records: chunks.map((chunk, i) => ({
      id: chunk.id,
      embedding: embeddings[i]!,
      document: chunk.text,
      metadata: chunk.metadata,
    })),
  };
}

/**
 * Writes a group of files. The order makes a kill at any point safe to re-run:
 * 1. the vectors of every document in the group first, under ids derived from the content hash (old
 *    chunks of those ids removed first, so a shorter new version leaves nothing stale);
 * 2. then, in one transaction, the `medical_documents` rows (unique per content), the batch files' final
 *    states and the audit rows.
 * A run killed between 1 and 2 left vectors but no document: the re-run does not see the content as
 * ingested, processes it again and overwrites the very same vector ids. Nothing is duplicated, and nothing
 * is reported ingested before all of it is stored.
 *
 * 3. a document that was already vectorized (a re-ingest: `--force`) loses its chunks in every other collection,
 *    once its new ones and its row naming their collection are written (see removeCopiesElsewhere). A kill
 *    before 3 leaves the old copy: the same command run again resumes the session and removes it first
 *    (see removeSessionCopiesElsewhere).
 *
 * A vector store that refuses the group throws FileStageError('vector_store_failed') before anything reaches
 * the database; a vector store that is down (ServiceUnavailableError, or the embedded store's database file on
 * a full or failing disk, or locked by another program) and a database failure throw as they are (the run
 * cannot go on without them, and the files are not at fault).
 */
export async function writeFiles(deps: WriteDependencies, writes: FileWrite[]): Promise<void> {
  const documents = new DocumentRepository(deps.database.db);
  // Before the vectors: those of content another process filed meanwhile would replace its chunks' metadata.
  await refuseContentFiledMeanwhile(documents, writes);
  const vectors = writes.flatMap((write) => (write.document?.vectors ? [write.document.vectors] : []));
  if (vectors.length > 0) {
    if (!deps.vectorStore) throw new Error('writing chunk vectors needs a vector store');
    try {
      await deps.vectorStore.replaceDocuments(vectors);
    } catch (error) {
      throw (
        writesStopped(error, deps.database.target) ??
        new FileStageError('vector_store_failed', `the vector store failed: ${describeError(error)}`)
      );
    }
  }
  // Written before: their chunks may be in another collection (one query per group, none per file).
  const rewritten =
    vectors.length > 0 ? [...(await documents.collectionsOf(vectors.map((v) => v.documentId))).keys()] : [];
  try {
    await new FileWriteRepository(deps.database.db).commit(
      writes.map((write) => ({
        batchFileId: write.batchFileId,
        fileUpdate: write.fileUpdate,
        // Where its chunks now are: a move that makes lost ones again, and doctor, look there.
        document: write.document
          ? {
              ...write.document.row,
              collection: write.document.vectors ? deps.vectorStore!.collection : null,
            }
          : null,
        documentIsNew: write.document?.isNew === true,
        patientAsMatched: write.document?.patientAsMatched ?? null,
        audit: write.audit,
        settled: write.settled ?? null,
        sessionCounts: write.sessionCounts ?? null,
      })),
    );
  } catch (error) {
    if (error instanceof ContentFiledMeanwhileError)
      await refileChunks(deps, documents, writes, error.documentIds);
    if (error instanceof PatientRenamedMeanwhileError)
      await refileChunks(
        deps,
        documents,
        writes,
        error.renamed.map((renamed) => renamed.documentId),
      );
    throw error;
  }
  if (rewritten.length > 0) await removeOldCopies(deps, documents, rewritten);
}

/** Fails the group, before anything is written, when another file holds a content this group takes for new. */
async function refuseContentFiledMeanwhile(
  documents: DocumentRepository,
  writes: FileWrite[],
): Promise<void> {
  const fresh = writes.filter((write) => write.document?.isNew);
  if (fresh.length === 0) return;
  const held = await documents.batchFilesOf(fresh.map((write) => write.document!.row.id));
  const taken = fresh.filter((write) => {
    const id = write.document!.row.id;
    return held.has(id) && held.get(id) !== write.batchFileId;
  });
  if (taken.length > 0) throw new ContentFiledMeanwhileError(taken.map((write) => write.document!.row.id));
}

/**
 * A write refused in its transaction after the vectors were written — another process filed the content between the
 * check before the vectors and the commit, or renamed the patient — left chunks under these ids that carry this
 * file's patient. They are filed back under the document's patient when its row says they are in this collection,
 * and deleted when there is no row, or it says they are elsewhere (they are nobody's then).
 */
async function refileChunks(
  deps: WriteDependencies,
  documents: DocumentRepository,
  writes: FileWrite[],
  ids: string[],
): Promise<void> {
  const store = deps.vectorStore;
  if (!store) return;
  for (const id of ids) {
    const ours = writes.find((write) => write.document?.row.id === id)?.document?.vectors;
    if (!ours) continue;
    const row = await documents.findById(id);
    try {
      if (
        row &&
        row.vectorized === 1 &&
        row.collection === store.collection &&
        row.chunksCount === ours.records.length
      ) {
        await store.replaceDocuments([
          {
            documentId: id,
            records: ours.records.map((record) => ({
              ...record,
              // As a move files them (see chunksFiledUnder): the same embeddings, the document's patient.
              metadata: { ...record.metadata, patient_id: row.patientId, expediente: row.expediente },
            })),
          },
        ]);
      } else if (!row || row.collection !== store.collection) {
        await store.deleteDocument(id);
      }
    } catch (error) {
      throw writesStopped(error, deps.database.target) ?? error;
    }
  }
}

/** What writeFiles needs; `collections` lists the store's collections (a run passes one that lists them once). */
export type WriteDependencies = Pick<StoreDocumentDependencies, 'database' | 'vectorStore'> & {
  collections?: ListCollections;
};

/**
 * The chunks the re-ingested documents had elsewhere go, for those whose row still names the collection just
 * written (another process may have written one elsewhere since: its copy is then the one that stays).
 */
async function removeOldCopies(
  deps: WriteDependencies,
  documents: DocumentRepository,
  ids: string[],
): Promise<void> {
  const store = deps.vectorStore!;
  const named = await documents.collectionsOf(ids);
  const here = ids.filter((id) => named.get(id) === store.collection);
  try {
    await removeCopiesElsewhere(store, here, deps.collections);
  } catch (error) {
    // Stored: the old copy stays for the run that resumes the session (a backend down stops this one).
    throw writesStopped(error, deps.database.target) ?? error;
  }
}
