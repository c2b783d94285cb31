import { chunkText } from './chunk-text.js';
import type { Chunk, ChunkMetadataBase, ChunkTextOptions } from './types.js';

const CHUNK_ID_INFIX = '_chunk_';

/** Deterministic, so re-ingesting a document overwrites its chunks instead of adding new ones. */
export function chunkId(documentId: string, chunkIndex: number): string {
  return `${documentId}${CHUNK_ID_INFIX}${chunkIndex}`;
}

/** The document a chunk id (chunkId's) belongs to; null for an id of another form. */
export function documentIdOfChunk(id: string): string | null {
  const at = id.lastIndexOf(CHUNK_ID_INFIX);
  return at > 0 && /^\d+$/.test(id.slice(at + CHUNK_ID_INFIX.length)) ? id.slice(0, at) : null;
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
