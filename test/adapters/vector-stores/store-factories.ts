import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { ChromaClient } from 'chromadb';

import { bindChromaStore } from '../../../src/adapters/vector-stores/chroma/chroma-store.js';
import { parseChromaUrl } from '../../../src/adapters/vector-stores/chroma/chroma-url.js';
import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import type { VectorRecord, VectorStore } from '../../../src/adapters/vector-stores/types.js';
import { chromaWanted, createScratchChromaDatabase } from '../../support/chroma.js';

/** A backend under test: every `open` is a new connection to the same stored data. */
export interface StoreHarness {
  open(collection?: string): VectorStore;
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  setup(): Promise<StoreHarness>;
}

const sqliteVec: StoreFactory = {
  name: 'sqlite-vec',
  async setup() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-vec-'));
    const file = path.join(dir, 'registry.sqlite');
    const handles: Database.Database[] = [];
    return {
      open(collection) {
        const db = new Database(file);
        db.pragma('journal_mode = WAL');
        handles.push(db);
        return createSqliteVecStore({ database: db, collection });
      },
      async cleanup() {
        for (const db of handles) db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A Chroma server (TECSALUD_TEST_CHROMA); each harness gets its own empty Chroma database on it. */
const chroma: StoreFactory = {
  name: 'chroma',
  async setup() {
    const scratch = await createScratchChromaDatabase();
    return {
      open: (collection) =>
        bindChromaStore(new ChromaClient({ ...parseChromaUrl(scratch.url), database: scratch.database }), {
          url: scratch.url,
          collection,
        }),
      cleanup: () => scratch.drop(),
    };
  },
};

/** The shared suite runs over every entry; Chroma joins when its server is configured, and always in CI. */
export const STORE_FACTORIES: StoreFactory[] = chromaWanted() ? [sqliteVec, chroma] : [sqliteVec];

/** Writes records through the store's one write, `replaceDocuments`, grouped by their `document_id`. */
export async function writeRecords(store: VectorStore, records: VectorRecord[]): Promise<void> {
  const byDocument = new Map<string, VectorRecord[]>();
  for (const record of records) {
    const documentId = String(record.metadata.document_id);
    byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), record]);
  }
  await store.replaceDocuments(
    [...byDocument].map(([documentId, group]) => ({ documentId, records: group })),
  );
}
