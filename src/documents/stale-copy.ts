import type { ChunkFiling } from '../db/repositories/document-repository.js';

/**
 * Chunks of a document in `collection` are a stale copy when its row files them in another collection that
 * holds every one of them (a forced re-ingest into that one, killed before it took the old ones out): a search
 * of `collection` still finds the document, with what it held then. Where the row's collection is short, or the
 * row does not say (an older version wrote it), the copy may be the only one: it stays.
 */
export function isStaleCopy(
  filing: Pick<ChunkFiling, 'collection' | 'chunksCount' | 'vectorized'>,
  collection: string,
  chunksInFiled: number,
): boolean {
  return (
    filing.vectorized === 1 &&
    filing.collection !== null &&
    filing.collection !== collection &&
    filing.chunksCount > 0 &&
    chunksInFiled >= filing.chunksCount
  );
}
