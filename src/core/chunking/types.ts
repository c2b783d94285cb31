import type { DocumentType } from '../filename/types.js';

/** What every chunk of one document shares. */
export interface ChunkMetadataBase {
  /** Ids are deterministic per document, so re-ingesting a document rewrites the same chunk ids. */
  document_id: string;
  patient_id: string;
  expediente: string;
  document_type: DocumentType;
  /** Null when the filename had no NUMERO part. */
  numero: string | null;
  batch_id: string;
  source_filename: string;
  content_sha256: string;
}

/**
 * Flat and null-free because vector stores (Chroma in particular) accept only string, number and boolean
 * metadata values. A missing `numero` is stored as `''` so that every chunk has the same keys.
 * A type alias, not an interface, so that it is assignable to `Record<string, string | number | boolean>`.
 */
export type ChunkMetadata = Omit<ChunkMetadataBase, 'numero'> & {
  numero: string;
  chunk_index: number;
  total_chunks: number;
};

export interface Chunk {
  /** `${document_id}_chunk_${chunk_index}` */
  id: string;
  text: string;
  metadata: ChunkMetadata;
}

export interface ChunkTextOptions {
  /** Maximum characters per chunk. Default 1000, as the hospital service. */
  chunkSize?: number;
  /** Characters repeated from the end of one chunk at the start of the next. Default 200. */
  overlap?: number;
}
