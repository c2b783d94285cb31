import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { isStaleCopy } from '../documents/stale-copy.js';

/** A document the registry files as vectorized, fewer of whose chunks than it counts are in the vector store. */
export interface DocumentMissingChunks {
  documentId: string;
  expediente: string;
  /** How many the registry counts, and how many of them no collection holds. */
  total: number;
  missing: number;
}

export interface MissingChunksReport {
  /** The first `listed` of them, in id order. */
  documents: DocumentMissingChunks[];
  /** How many were found in all (some may not be listed). */
  found: number;
  /** Documents whose chunks were not counted before `stopBy` (0 when all were). */
  notCounted: number;
  /**
   * By collection, how many documents filed in another one hold a stale copy there (see isStaleCopy): a search of
   * it finds them, with what they held then.
   */
  staleCopies: Map<string, number>;
}

/** Documents read and counted per step: one page of the registry, one request (or a few) per collection. */
const DOCUMENTS_PER_STEP = 500;

/**
 * The vectorized documents whose chunks are missing from the store, for any reason (a detach or purge that died
 * after deleting them, a collection emptied by hand): search never finds what they held, though the registry
 * files them; and the stale copies a collection holds of documents filed in another (see isStaleCopy). Counted a
 * page of documents at a time in every collection, so that a large registry costs requests, never memory;
 * `stopBy` (a `performance.now()` time) ends the count early, and what was not counted is said.
 */
export async function findDocumentsMissingChunks(
  database: Pick<OpenDatabase, 'db'>,
  stores: readonly VectorStore[],
  options: { skip?: ReadonlySet<string>; listed?: number; stopBy?: number } = {},
): Promise<MissingChunksReport> {
  const documents = new DocumentRepository(database.db);
  const listed = options.listed ?? 10;
  const report: MissingChunksReport = { documents: [], found: 0, notCounted: 0, staleCopies: new Map() };
  let after: string | null = null;
  for (;;) {
    const page = await documents.vectorizedPage(after, DOCUMENTS_PER_STEP);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    if (options.stopBy !== undefined && performance.now() > options.stopBy) {
      report.notCounted += page.length;
      continue;
    }
    // Every document of the page in every collection: one request each, as many as before when each counted only
    // its own, and a copy left where it no longer belongs shows.
    const counts = new Map<string, Map<string, number>>();
    const ids = page.map((document) => document.id);
    for (const store of stores) counts.set(store.collection, await store.countDocumentChunks(ids));
    const chunksIn = (collection: string, id: string) => counts.get(collection)?.get(id) ?? 0;
    const held = new Map<string, number>();
    for (const document of page) {
      // Held where it is held best: a row filled in from its session when the registry was migrated may not name
      // the collection a `review --collection` put them in (and a row an older version wrote names none).
      held.set(document.id, Math.max(0, ...stores.map((store) => chunksIn(store.collection, document.id))));
      if (document.collection === null || options.skip?.has(document.id)) continue;
      const filed = chunksIn(document.collection, document.id);
      for (const store of stores) {
        const copy = chunksIn(store.collection, document.id);
        if (copy > 0 && isStaleCopy({ ...document, vectorized: 1 }, store.collection, filed)) {
          report.staleCopies.set(store.collection, (report.staleCopies.get(store.collection) ?? 0) + 1);
        }
      }
    }
    for (const document of page) {
      const missing = document.chunksCount - (held.get(document.id) ?? 0);
      if (missing <= 0 || options.skip?.has(document.id)) continue;
      report.found++;
      if (report.documents.length < listed) {
        report.documents.push({
          documentId: document.id,
          expediente: document.expediente,
          total: document.chunksCount,
          missing,
        });
      }
    }
  }
  return report;
}

/** `3 documents filed in another collection still have chunks in collection "old" …: run `…``. */
export function describeStaleCopies(collection: string, documents: number): string {
  return (
    `${documents} ${documents === 1 ? 'document filed in another collection still has' : 'documents filed in another collection still have'} ` +
    `chunks in collection "${collection}" (a forced re-ingest elsewhere that did not finish), so a search of it finds ` +
    `them with what they held then: run \`tecsalud-batch cleanup --orphans --collection ${collection}\` to remove them`
  );
}

/** `document 1a2b3c4d of expediente E is filed as vectorized, but 3 of its 7 chunks are not in the vector store …: run `…``. */
export function describeMissingChunks(document: DocumentMissingChunks): string {
  const short = document.documentId.slice(0, 8);
  return (
    `document ${short} of expediente ${document.expediente} is filed as vectorized, but ${document.missing} of its ` +
    `${document.total} chunks are not in the vector store, so search does not find what they hold: ` +
    `run \`tecsalud-batch documents move ${short} --to ${document.expediente}\` to make them again from its text`
  );
}
