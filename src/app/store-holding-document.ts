import type { VectorStore } from '../adapters/vector-stores/types.js';

/**
 * A document attached in `review --collection NAME` has its chunks in NAME, while its session records the
 * collection it was ingested into. A move that looked only there found no chunk, moved the row, and left the
 * chunks in NAME under the old patient (a search of NAME for that patient found them); a detach left them
 * there with no document at all. When the collection recorded (the document's own; its session's for a row an
 * older version wrote) holds none of a document's chunks, the one that does is used (by a move or a detach): the
 * store opened on it over the same connection, or null when no collection holds any (a detach that was
 * interrupted after its vectors went: a move then makes them again in the collection the document's row names).
 */
export async function storeHoldingElsewhere(
  recorded: VectorStore,
  documentId: string,
): Promise<VectorStore | null> {
  if ((await recorded.readDocument(documentId)).length > 0) return null;
  for (const name of await recorded.listCollections()) {
    if (name === recorded.collection) continue;
    const other = recorded.openCollection(name);
    if ((await other.readDocument(documentId)).length > 0) return other;
    await other.close();
  }
  return null;
}
