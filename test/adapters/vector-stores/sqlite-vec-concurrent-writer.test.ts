import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import type { SqliteDatabase } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-database.js';

// Another process writes the registry (an ingest of another folder, a `patients import`) while this one records
// its vector collection for the first time. A transaction that looked for the collection first and wrote it
// second could not wait for that other write: SQLite refused the insert at once (SQLITE_BUSY), which the run
// reported as the database "locked by another program … for more than 15 s". Begun as a write, it waits.
describe('the embedded store records a collection while another process writes', () => {
  let dir: string;
  let file: string;
  let ours: Database.Database;
  let other: Database.Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-vec-concurrent-'));
    file = path.join(dir, 'registry.db');
    ours = new Database(file);
    ours.pragma('journal_mode = WAL');
    ours.exec('CREATE TABLE other_writes (n INTEGER)');
    other = new Database(file, { timeout: 0 });
  });
  afterEach(() => {
    other.close();
    ours.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Our handle, with the other process writing just as we look the collection up (when it can). */
  function interleaved(): { database: SqliteDatabase; otherWrote: () => boolean } {
    let wrote = false;
    const database: SqliteDatabase = {
      prepare: (sql) => {
        const statement = ours.prepare(sql);
        if (!/^SELECT id, embedder_id, dimension FROM/.test(sql)) return statement;
        return {
          run: (...params) => statement.run(...params),
          all: (...params) => statement.all(...params),
          get: (...params) => {
            const row = statement.get(...params);
            if (ours.inTransaction && !wrote) {
              try {
                other.prepare('INSERT INTO other_writes VALUES (1)').run();
                wrote = true;
              } catch {
                // Our transaction holds the write lock: the other process waits its turn (here: gives up).
              }
            }
            return row;
          },
        };
      },
      exec: (sql) => ours.exec(sql),
      transaction: (fn) => ours.transaction(fn),
      loadExtension: (extension) => ours.loadExtension(extension),
    };
    return { database, otherWrote: () => wrote };
  }

  it('records it, instead of failing as locked', async () => {
    const { database } = interleaved();
    const store = createSqliteVecStore({ database });
    await expect(store.ensureCollection({ embedderId: 'hashing-v1', dimension: 4 })).resolves.toBeUndefined();
    expect(await store.describeCollection()).toMatchObject({ embedderId: 'hashing-v1', dimension: 4 });
  });
});
