import type { SqliteDatabase } from './sqlite-database.js';

// These tables live in the registry's SQLite file but outside its kysely migrations: they are the store's
// private layout, created on first use with IF NOT EXISTS and all prefixed `vec_`. The migrations own
// every other table and must not create `vec_*` ones.

export const COLLECTIONS_TABLE = 'vec_collections';

/** Which embedder filled which collection, and where its rows are. */
export function createCollectionsTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${COLLECTIONS_TABLE} (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      embedder_id TEXT NOT NULL,
      dimension INTEGER NOT NULL,
      chunks_table TEXT NOT NULL,
      vectors_table TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`);
}

export interface CollectionTables {
  /** Plain table: chunk id, document id (indexed), text and metadata JSON; `seq` is the vector's rowid. */
  chunks: string;
  /** vec0 virtual table: the embeddings, with expediente and document_type as filterable metadata columns. */
  vectors: string;
}

/**
 * Named by the collection's numeric id rather than its name, so that any collection name is safe and no
 * name can collide with another collection's tables (vec0 adds shadow tables named `<table>_*`).
 */
export function collectionTables(collectionId: number): CollectionTables {
  return { chunks: `vec_c${collectionId}_chunks`, vectors: `vec_c${collectionId}_vectors` };
}

export function createCollectionTables(
  db: SqliteDatabase,
  tables: CollectionTables,
  dimension: number,
): void {
  // Metadata columns, not partition keys: a partition per patient would give each patient its own
  // 1,024-vector blocks, wasting space and time with hundreds of thousands of patients.
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${tables.chunks} (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      document_id TEXT NOT NULL,
      document TEXT NOT NULL,
      metadata TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${tables.chunks}_document_id ON ${tables.chunks} (document_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS ${tables.vectors} USING vec0(
      embedding float[${dimension}] distance_metric=cosine,
      expediente text,
      document_type text
    );`);
}
