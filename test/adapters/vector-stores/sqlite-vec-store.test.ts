import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';

// What only the embedded store promises: its place in the registry's SQLite file.
describe('createSqliteVecStore', () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-vec-'));
    db = new Database(path.join(dir, 'registry.sqlite'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tableNames = () =>
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").all() as {
        name: string;
      }[]
    )
      .map((r) => r.name)
      .filter((name) => !name.startsWith('sqlite_'));

  it('creates only vec_-prefixed tables, and records where each collection lives', async () => {
    db.exec('CREATE TABLE patients (id TEXT PRIMARY KEY)');
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'hashing-v1', dimension: 4 });
    expect(
      tableNames()
        .filter((n) => n !== 'patients')
        .every((n) => n.startsWith('vec_')),
    ).toBe(true);
    expect(
      db
        .prepare('SELECT name, embedder_id, dimension, chunks_table, vectors_table FROM vec_collections')
        .all(),
    ).toEqual([
      {
        name: 'medical_documents',
        embedder_id: 'hashing-v1',
        dimension: 4,
        chunks_table: 'vec_c1_chunks',
        vectors_table: 'vec_c1_vectors',
      },
    ]);
  });

  it('accepts any collection name, since tables are named by id', async () => {
    const store = createSqliteVecStore({ database: db, collection: 'médical-docs"; DROP TABLE x; --' });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await store.upsert([
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    expect(await store.count()).toBe(1);
  });

  it('works on a handle that already has sqlite-vec loaded, and inside a caller transaction', async () => {
    sqliteVec.load(db);
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    db.exec('BEGIN');
    await store.upsert([
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    db.exec('ROLLBACK');
    expect(await store.count()).toBe(0);
  });

  it('never returns a zero vector (a chunk without words), which has no cosine distance', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await store.upsert([
      { id: 'zero', embedding: new Float32Array([0, 0]), document: '...', metadata: { document_id: 'd' } },
      { id: 'one', embedding: new Float32Array([0, 1]), document: 'x', metadata: { document_id: 'd' } },
    ]);
    expect((await store.query(new Float32Array([1, 0]), { k: 5 })).map((h) => h.id)).toEqual(['one']);
  });

  it('caps k at vec0’s limit of 4096 instead of failing', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await store.upsert([
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    expect(await store.query(new Float32Array([1, 0]), { k: 10_000 })).toHaveLength(1);
    await expect(store.query(new Float32Array([1, 0]), { k: 0 })).rejects.toThrow(/positive whole number/);
  });

  it('leaves the caller’s database open on close', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.close();
    expect(db.open).toBe(true);
  });
});
