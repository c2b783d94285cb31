import { chunkText } from './chunk-text.js';
import type { Chunk, ChunkMetadataBase, ChunkTextOptions } from './types.js';

/** Deterministic, so re-ingesting a document overwrites its chunks instead of adding new ones. */
export function chunkId(documentId: string, chunkIndex: number): string {
  return `${documentId}_chunk_${chunkIndex}`;
}

/** Chunks a document's text and attaches to every chunk the metadata the vector store is searched by. */
export function buildChunks(
  text: string,
  metadata: ChunkMetadataBase,
  options: ChunkTextOptions = {},
): Chunk[] {
  const texts = chunkText(text, options);
  const { numero, ...rest } = metadata;
  return texts.map((chunk, index) => ({
    id: chunkId(metadata.document_id, index),
    text: chunk,
    metadata: { ...rest, numero: numero ?? '', chunk_index: index, total_chunks: texts.length },
  }));
}
