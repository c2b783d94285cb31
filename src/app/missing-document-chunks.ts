import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';

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
}

type PageDocument = Awaited<ReturnType<DocumentRepository['vectorizedPage']>>[number];

/** Documents read and counted per step: one page of the registry, one request (or a few) per collection. */
const DOCUMENTS_PER_STEP = 500;

/**
 * The vectorized documents whose chunks are missing from the store, for any reason (a detach or purge that died
 * after deleting them, a collection emptied by hand): search never finds what they held, though the registry
 * files them. Counted a page of documents at a time, each in the collection its row names, and in the store's
 * other collections when short there, so that a large registry costs requests, never memory; `stopBy`
 * (a `performance.now()` time) ends the count early, and what was not counted is said.
 */
export async function findDocumentsMissingChunks(
  database: Pick<OpenDatabase, 'db'>,
  stores: readonly VectorStore[],
  options: { skip?: ReadonlySet<string>; listed?: number; stopBy?: number } = {},
): Promise<MissingChunksReport> {
  const documents = new DocumentRepository(database.db);
  const listed = options.listed ?? 10;
  const report: MissingChunksReport = { documents: [], found: 0, notCounted: 0 };
  let after: string | null = null;
  for (;;) {
    const page = await documents.vectorizedPage(after, DOCUMENTS_PER_STEP);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    if (options.stopBy !== undefined && performance.now() > options.stopBy) {
      report.notCounted += page.length;
      continue;
    }
    const held = new Map<string, number>();
    const count = async (store: VectorStore, which: (document: PageDocument) => boolean) => {
      const ids = page.filter(which).map((document) => document.id);
      if (ids.length === 0) return;
      for (const [id, chunks] of await store.countDocumentChunks(ids)) {
        held.set(id, Math.max(held.get(id) ?? 0, chunks));
      }
    };
    // Each in the collection its row names (every collection for a row an older version wrote)…
    for (const store of stores) {
      await count(
        store,
        (document) => document.collection === null || document.collection === store.collection,
      );
    }
    // …and those short there in the others: a row filled in from its session when the registry was migrated may
    // not name the collection a `review --collection` put them in. Normally none, and no request.
    const short = (document: PageDocument) =>
      document.collection !== null && (held.get(document.id) ?? 0) < document.chunksCount;
    for (const store of stores) {
      await count(store, (document) => short(document) && document.collection !== store.collection);
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

/** `document 1a2b3c4d of expediente E is filed as vectorized, but 3 of its 7 chunks are not in the vector store …: run `…``. */
export function describeMissingChunks(document: DocumentMissingChunks): string {
  const short = document.documentId.slice(0, 8);
  return (
    `document ${short} of expediente ${document.expediente} is filed as vectorized, but ${document.missing} of its ` +
    `${document.total} chunks are not in the vector store, so search does not find what they hold: ` +
    `run \`tecsalud-batch documents move ${short} --to ${document.expediente}\` to make them again from its text`
  );
}
