import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';

/** Documents counted per request in each collection. */
const DOCUMENTS_PER_COUNT = 500;

/**
 * A document's chunks live in one collection: the one its row names. Once `written` holds these documents' new
 * chunks and their rows say so, every other collection of the store loses its chunks of them (an `ingest --force
 * --collection Y` of a document vectorized in X left the old ones in X, where a search still found it, stale).
 * Returns how many chunks went.
 */
export function removeCopiesElsewhere(
  written: VectorStore,
  documentIds: readonly string[],
  collections: ListCollections = () => written.listCollections(),
): Promise<number> {
  return removeChunks(written, documentIds, written.collection, collections);
}

/** The names of the store's collections (see collectionsListedOnce). */
export type ListCollections = () => Promise<readonly string[]>;

/**
 * The store's collections, listed on first use and kept for a run's every group of files (one request per run
 * instead of one per group). A collection made by another process after that is not looked in: only a run
 * writing the same content there at the same time can put a copy in it.
 */
export function collectionsListedOnce(store: VectorStore): ListCollections {
  let listed: Promise<readonly string[]> | null = null;
  return () =>
    (listed ??= store.listCollections().catch((error: unknown) => {
      // A failure is not kept: the next group asks again.
      listed = null;
      throw error;
    }));
}

/** Every chunk of these documents in any collection of `store`'s backend (a purge's, once their rows go). */
export function removeFromEveryCollection(
  store: VectorStore,
  documentIds: readonly string[],
): Promise<number> {
  return removeChunks(store, documentIds, null, () => store.listCollections());
}

/**
 * The documents' chunks in each collection but `except`: one count request per collection per 500 documents,
 * and a delete only where some are.
 */
async function removeChunks(
  store: VectorStore,
  documentIds: readonly string[],
  except: string | null,
  collections: ListCollections,
): Promise<number> {
  if (documentIds.length === 0) return 0;
  let removed = 0;
  for (const name of await collections()) {
    if (name === except) continue;
    const other = name === store.collection ? store : store.openCollection(name);
    try {
      for (let start = 0; start < documentIds.length; start += DOCUMENTS_PER_COUNT) {
        const counts = await other.countDocumentChunks(documentIds.slice(start, start + DOCUMENTS_PER_COUNT));
        for (const [id, chunks] of counts) {
          if (chunks > 0) removed += await other.deleteDocument(id);
        }
      }
    } finally {
      if (other !== store) await other.close();
    }
  }
  return removed;
}

/**
 * Whoever takes a `--force` session up again — `ingest` resuming it, `serve`, a worker whose job for a file was
 * given to it again after its first worker died — sweeps it first (see removeSessionCopiesElsewhere): the one
 * killed may have died between a document's row and the removal of its old chunks. Nothing for a session that
 * forces nothing, or writes no vectors.
 */
export async function sweepForcedSession(
  deps: { database: Pick<OpenDatabase, 'db'>; vectorStore: VectorStore | null },
  options: { force: boolean },
  sessionId: string,
): Promise<number> {
  if (!options.force || !deps.vectorStore) return 0;
  return removeSessionCopiesElsewhere(deps.database, deps.vectorStore, sessionId);
}

/**
 * The sweep a resumed `--force` session starts with: a run killed between writing a re-ingested document's row
 * and taking its old chunks out of the collection they were in left both copies, and its file final (the resumed
 * run does not read it again). The session's documents whose row names `written`'s collection lose theirs in the
 * others.
 */
export async function removeSessionCopiesElsewhere(
  database: Pick<OpenDatabase, 'db'>,
  written: VectorStore,
  sessionId: string,
): Promise<number> {
  const documents = new DocumentRepository(database.db);
  const named = await documents.collectionsOf(await documents.vectorizedIdsByBatch(sessionId));
  const here = [...named].filter(([, collection]) => collection === written.collection).map(([id]) => id);
  return removeCopiesElsewhere(written, here);
}
