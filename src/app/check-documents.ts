import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { openVectorStore } from './open-backends.js';
import {
  describeMissingChunks,
  describeStaleCopies,
  findDocumentsMissingChunks,
} from './missing-document-chunks.js';
import { describeUnfinishedChange, findUnfinishedDocumentChanges } from './unfinished-document-changes.js';

/** How long after `stopBy` a count still under way is given up (the page being counted ends by then). */
const GIVE_UP_AFTER_MS = 500;

/**
 * `doctor`'s documents line: each move or detach left unfinished, each document filed as vectorized whose
 * chunks are missing from the store, and each collection holding stale copies of documents filed in another,
 * with the command that settles it. Until then search finds a document
 * under another patient than the registry does, or does not find it at all: a failure, not a warning. The
 * chunks are counted while `stopBy` allows; a store that cannot be read leaves that part unchecked, said as such
 * (the vector store's own line says why).
 */
export async function checkDocuments(
  database: OpenDatabase,
  options: {
    backends: BackendConfig;
    /** The `performance.now()` time by which the count stops (given up on half a second later). */
    stopBy: number;
    /** The bound of each request to the store. */
    maxTimeoutMs: number;
  },
): Promise<{ status: 'ok' | 'warn' | 'fail'; detail: string }> {
  const changes = await findUnfinishedDocumentChanges(database);
  const parts = changes.map(describeUnfinishedChange);
  let status: 'ok' | 'warn' | 'fail' = changes.length > 0 ? 'fail' : 'ok';
  if (changes.length === 0) parts.push('no document move or detach was left unfinished');
  const stores: VectorStore[] = [];
  const counting = openEveryCollection(database, options.backends, options.maxTimeoutMs, stores).then(() =>
    findDocumentsMissingChunks(database, stores, {
      // A change left unfinished is named above, with the command that finishes it.
      skip: new Set(changes.map((change) => change.documentId)),
      stopBy: options.stopBy,
    }),
  );
  // Given up on soon after `stopBy`, whatever the store does (a request's own bound fires late on a busy
  // process): the changes above must not be lost in doctor's time-out. The count then ends on closed stores.
  counting.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(
      () => resolve('late'),
      Math.max(0, options.stopBy + GIVE_UP_AFTER_MS - performance.now()),
    );
  });
  try {
    const missing = await Promise.race([counting, late]);
    if (missing === 'late') throw new Error('the vector store did not answer in time');
    parts.push(...missing.documents.map(describeMissingChunks));
    if (missing.found > missing.documents.length) {
      parts.push(
        `${missing.found - missing.documents.length} more documents miss chunks: run doctor again once these are made`,
      );
    }
    for (const [collection, documents] of missing.staleCopies)
      parts.push(describeStaleCopies(collection, documents));
    if (missing.found > 0 || missing.staleCopies.size > 0) status = 'fail';
    // Said on a line with nothing to do; beside an unfinished change it is only noise.
    else if (missing.notCounted === 0 && changes.length === 0)
      parts.push('every vectorized document has its chunks in the vector store');
    if (missing.notCounted > 0) {
      parts.push(
        `the chunks of ${missing.notCounted} documents were not counted in the time doctor has (doctor --timeout gives it more)`,
      );
      if (status === 'ok') status = 'warn';
    }
  } catch {
    parts.push("the documents' chunks were not counted, as the vector store could not be read");
    if (status === 'ok') status = 'warn';
  } finally {
    clearTimeout(timer);
    for (const store of stores) await store.close();
  }
  return { status, detail: parts.join('; ') };
}

/** A store on each collection the configured store holds, pushed onto `opened` (which the caller closes). */
async function openEveryCollection(
  database: OpenDatabase,
  backends: BackendConfig,
  maxTimeoutMs: number,
  opened: VectorStore[],
): Promise<VectorStore[]> {
  const configured = await openVectorStore(database, backends, undefined, { maxTimeoutMs });
  opened.push(configured);
  for (const name of await configured.listCollections()) {
    if (name !== configured.collection) {
      opened.push(await openVectorStore(database, backends, name, { maxTimeoutMs }));
    }
  }
  return opened;
}
