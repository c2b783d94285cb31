import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';

/**
 * A document's chunks live in one collection: the one its row names. Once `written` holds these documents' new
 * chunks and their rows say so, every other collection of the store loses its chunks of them (an `ingest --force
 * --collection Y` of a document vectorized in X left the old ones in X, where a search still found it, stale).
 * One count request per other collection, and a delete only where some are. Returns how many chunks went.
 */
export async function removeCopiesElsewhere(
  written: VectorStore,
  documentIds: readonly string[],
): Promise<number> {
  if (documentIds.length === 0) return 0;
  let removed = 0;
  for (const name of await written.listCollections()) {
    if (name === written.collection) continue;
    const other = written.openCollection(name);
    try {
      for (const [id, chunks] of await other.countDocumentChunks(documentIds)) {
        if (chunks > 0) removed += await other.deleteDocument(id);
      }
    } finally {
      await other.close();
    }
  }
  return removed;
}

/** Documents counted per request in each other collection when a session's are swept. */
const DOCUMENTS_PER_SWEEP = 500;

/**
 * The sweep a resumed `--force` session starts with: a run killed between writing a re-ingested document's row
 * and taking its old chunks out of the collection they were in left both copies, and its file final (the resumed
 * run does not read it again). The session's documents whose row names `written`'s collection lose theirs in the
 * others, a page of them per request to each.
 */
export async function removeSessionCopiesElsewhere(
  database: Pick<OpenDatabase, 'db'>,
  written: VectorStore,
  sessionId: string,
): Promise<number> {
  const documents = new DocumentRepository(database.db);
  const named = await documents.collectionsOf(await documents.vectorizedIdsByBatch(sessionId));
  const here = [...named].filter(([, collection]) => collection === written.collection).map(([id]) => id);
  let removed = 0;
  for (let start = 0; start < here.length; start += DOCUMENTS_PER_SWEEP) {
    removed += await removeCopiesElsewhere(written, here.slice(start, start + DOCUMENTS_PER_SWEEP));
  }
  return removed;
}
