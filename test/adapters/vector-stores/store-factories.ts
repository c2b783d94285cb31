import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import type { VectorStore } from '../../../src/adapters/vector-stores/types.js';

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

/** Chroma joins this list with its own factory; the shared suite runs over every entry. */
export const STORE_FACTORIES: StoreFactory[] = [sqliteVec];
