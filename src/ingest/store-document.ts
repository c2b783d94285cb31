import { buildChunks } from '../core/chunking/build-chunks.js';
import type { Chunk } from '../core/chunking/types.js';
import { documentIdForContent } from '../core/pipeline/document-id.js';
import type { ParsedFilename } from '../core/filename/types.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import type { BatchFileUpdate, Patient, ProcessingType } from '../db/schema.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { FileStageError } from './stage-error.js';

export interface StoreDocumentInput {
  batchId: string;
  batchFileId: string;
  patient: Patient;
  parsed: ParsedFilename;
  text: string;
  pages: number;
  contentSha256: string;
  processingType: ProcessingType;
  chunkSize: number;
  chunkOverlap: number;
  embedBatchSize: number;
  actor: string;
  /** Extra fields written to the batch file in the same transaction as the document. */
  fileUpdate: BatchFileUpdate;
  auditAction: string;
  auditDetails?: Record<string, unknown>;
  onStage?: (stage: 'chunk' | 'embed' | 'store') => void;
}

export interface StoreDocumentDependencies {
  database: OpenDatabase;
  embedder: Embedder | null;
  vectorStore: VectorStore | null;
}

/**
 * Writes one document for one patient. The order makes a kill at any point safe to re-run:
 * 1. vectors first, under ids derived from the content hash (old chunks of that id removed first,
 *    so a shorter new version leaves nothing stale);
 * 2. then, in one transaction, the `medical_documents` row (unique per content), the batch file's
 *    final state and the audit row.
 * A run killed between 1 and 2 left vectors but no document: the re-run does not see the content
 * as ingested, processes it again and overwrites the very same vector ids. Nothing is duplicated,
 * and nothing is reported ingested before all of it is stored.
 */
export async function storeDocument(
  deps: StoreDocumentDependencies,
  input: StoreDocumentInput,
): Promise<{ documentId: string; chunks: number }> {
  const documentId = documentIdForContent(input.contentSha256);
  const wantsVectors = input.processingType !== 'complete';
  const wantsContent = input.processingType !== 'vectorized';
  let chunks: Chunk[] = [];
  if (wantsVectors) {
    input.onStage?.('chunk');
    chunks = buildChunks(
      input.text,
      {
        document_id: documentId,
        patient_id: input.patient.id,
        expediente: input.patient.expediente,
        document_type: input.parsed.documentType,
        numero: input.parsed.numero,
        batch_id: input.batchId,
        source_filename: input.parsed.filename,
        content_sha256: input.contentSha256,
      },
      { chunkSize: input.chunkSize, overlap: input.chunkOverlap },
    );
    if (!deps.embedder || !deps.vectorStore) {
      throw new Error(`processing type '${input.processingType}' needs an embedder and a vector store`);
    }
    input.onStage?.('embed');
    const embeddings: Float32Array[] = [];
    for (let i = 0; i < chunks.length; i += input.embedBatchSize) {
      const texts = chunks.slice(i, i + input.embedBatchSize).map((c) => c.text);
      try {
        embeddings.push(...(await deps.embedder.embed(texts)));
      } catch (error) {
        throw new FileStageError('embedding_failed', `the embedder failed: ${describe(error)}`);
      }
    }
    input.onStage?.('store');
    try {
      await deps.vectorStore.deleteDocument(documentId);
      await deps.vectorStore.upsert(
        chunks.map((chunk, i) => ({
          id: chunk.id,
          embedding: embeddings[i]!,
          document: chunk.text,
          metadata: chunk.metadata,
        })),
      );
    } catch (error) {
      throw new FileStageError('vector_store_failed', `the vector store failed: ${describe(error)}`);
    }
  } else {
    input.onStage?.('store');
  }
  const now = new Date().toISOString();
  await deps.database.db.transaction().execute(async (trx) => {
    await new DocumentRepository(trx).upsert({
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
      chunksCount: chunks.length,
      vectorized: wantsVectors ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    });
    await trx
      .updateTable('batchFiles')
      .set({
        // The text kept for a review is no longer needed once the document is stored, unless the
        // caller keeps it (e.g. so that a review decision can be undone).
        extractedText: null,
        ...input.fileUpdate,
        patientId: input.patient.id,
        documentId,
        chunks: chunks.length,
        pages: input.pages,
        updatedAt: now,
      })
      .where('id', '=', input.batchFileId)
      .execute();
    await new AuditRepository(trx).record({
      actor: input.actor,
      action: input.auditAction,
      batchId: input.batchId,
      entityType: 'medical_document',
      entityId: documentId,
      details: {
        batch_file_id: input.batchFileId,
        filename: input.parsed.filename,
        expediente: input.patient.expediente,
        patient_id: input.patient.id,
        processing_type: input.processingType,
        chunks: chunks.length,
        ...input.auditDetails,
      },
    });
  });
  return { documentId, chunks: chunks.length };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
