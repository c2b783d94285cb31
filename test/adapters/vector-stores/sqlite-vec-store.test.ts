import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import type { DocumentVectors } from '../../../src/adapters/vector-stores/types.js';
import { writeRecords } from './store-factories.js';

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
    await writeRecords(store, [
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    expect(await store.count()).toBe(1);
  });

  it('works on a handle that already has sqlite-vec loaded, and inside a caller transaction', async () => {
    sqliteVec.load(db);
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    db.exec('BEGIN');
    await writeRecords(store, [
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    db.exec('ROLLBACK');
    expect(await store.count()).toBe(0);
  });

  it('never returns a zero vector (a chunk without words), which has no cosine distance', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await writeRecords(store, [
      { id: 'zero', embedding: new Float32Array([0, 0]), document: '...', metadata: { document_id: 'd' } },
      { id: 'one', embedding: new Float32Array([0, 1]), document: 'x', metadata: { document_id: 'd' } },
    ]);
    expect((await store.query(new Float32Array([1, 0]), { k: 5 })).map((h) => h.id)).toEqual(['one']);
  });

  it('caps k at vec0’s limit of 4096 instead of failing', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await writeRecords(store, [
      { id: 'a', embedding: new Float32Array([1, 0]), document: 'a', metadata: { document_id: 'd' } },
    ]);
    expect(await store.query(new Float32Array([1, 0]), { k: 10_000 })).toHaveLength(1);
    await expect(store.query(new Float32Array([1, 0]), { k: 0 })).rejects.toThrow(/positive whole number/);
  });

  /** A document of 2-dimensional chunks, `text` telling its versions apart. */
  const documentOf = (documentId: string, chunks: number, text: string): DocumentVectors => ({
    documentId,
    records: Array.from({ length: chunks }, (_, i) => ({
      id: `${documentId}_chunk_${i}`,
      embedding: new Float32Array([1, i]),
      document: text,
      metadata: { document_id: documentId },
    })),
  });
  const rowCounts = () => ({
    chunks: (db.prepare('SELECT count(*) AS n FROM vec_c1_chunks').get() as { n: number }).n,
    vectors: (db.prepare('SELECT count(*) AS n FROM vec_c1_vectors').get() as { n: number }).n,
  });

  it('replaces documents all or none: a failure in a later document undoes the earlier ones', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await store.replaceDocuments([documentOf('doc-a', 3, 'old'), documentOf('doc-b', 2, 'old')]);
    // A failure that validation cannot foresee, raised by SQLite in the middle of the transaction.
    db.exec(`CREATE TRIGGER refuse_doc_b BEFORE INSERT ON vec_c1_chunks WHEN NEW.document_id = 'doc-b'
             BEGIN SELECT RAISE(ABORT, 'doc-b refused'); END`);
    await expect(
      store.replaceDocuments([documentOf('doc-a', 1, 'new'), documentOf('doc-b', 1, 'new')]),
    ).rejects.toThrow(/doc-b refused/);
    expect(rowCounts()).toEqual({ chunks: 5, vectors: 5 });
    const hits = await store.query(new Float32Array([1, 0]), { k: 10 });
    expect(hits.map((h) => `${h.id}:${h.document}`).sort()).toEqual([
      'doc-a_chunk_0:old',
      'doc-a_chunk_1:old',
      'doc-a_chunk_2:old',
      'doc-b_chunk_0:old',
      'doc-b_chunk_1:old',
    ]);
  });

  it('leaves no vector without its chunk when documents are replaced and ids change hands', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.ensureCollection({ embedderId: 'e', dimension: 2 });
    await store.replaceDocuments([documentOf('doc-a', 4, 'v1'), documentOf('doc-b', 2, 'v1')]);
    await store.replaceDocuments([documentOf('doc-a', 2, 'v2'), documentOf('doc-c', 3, 'v2')]);
    const takeover = { ...documentOf('doc-d', 1, 'v3').records[0]!, id: 'doc-b_chunk_0' };
    await store.replaceDocuments([{ documentId: 'doc-d', records: [takeover] }]);
    expect(rowCounts()).toEqual({ chunks: 7, vectors: 7 });
    const orphans = db
      .prepare('SELECT count(*) AS n FROM vec_c1_vectors WHERE rowid NOT IN (SELECT seq FROM vec_c1_chunks)')
      .get() as { n: number };
    expect(orphans.n).toBe(0);
  });

  it('leaves the caller’s database open on close', async () => {
    const store = createSqliteVecStore({ database: db });
    await store.close();
    expect(db.open).toBe(true);
  });
});
