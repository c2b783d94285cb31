import { DEFAULT_COLLECTION } from '../../../core/pipeline/defaults.js';
import * as sqliteVec from 'sqlite-vec';

import { IncompatibleCollectionError } from '../incompatible-collection-error.js';
import type {
  CollectionInfo,
  CollectionSpec,
  DocumentVectors,
  VectorMetadata,
  VectorQueryOptions,
  VectorQueryResult,
  VectorRecord,
  VectorStore,
  StoredDocument,
} from '../types.js';
import { prepareCollectionStatements, type CollectionStatements } from './collection-statements.js';
import {
  COLLECTIONS_TABLE,
  collectionTables,
  createCollectionTables,
  createCollectionsTable,
} from './schema.js';
import { sortByChunkIndex, validateDocumentVectors } from '../validate-record.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** vec0's own limit on k in 0.1.9. */
export const MAX_QUERY_K = 4096;
/** vec0's limit on vector dimensions. */
const MAX_DIMENSION = 8192;

export interface SqliteVecStoreOptions {
  /**
   * An open better-sqlite3 database, owned by the caller: the vectors live in the registry's SQLite file.
   * sqlite-vec is loaded into it if it is not already.
   */
  database: SqliteDatabase;
  collection?: string;
}

interface OpenCollection {
  info: CollectionInfo;
  statements: CollectionStatements;
}

interface CollectionRow {
  id: number;
  embedder_id: string;
  dimension: number;
}

/**
 * The embedded vector store: sqlite-vec's brute-force KNN (vec0, cosine distance) inside the registry's
 * SQLite file, so that the default setup needs no server. Calls run synchronously under their promises.
 */
export function createSqliteVecStore(options: SqliteVecStoreOptions): VectorStore {
  const db = options.database;
  const collection = options.collection ?? DEFAULT_COLLECTION;
  if (!collection.trim()) throw new RangeError('vector collection name must not be empty');
  loadSqliteVec(db);
  createCollectionsTable(db);

  let open: OpenCollection | null = null;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new Error(`vector store for collection "${collection}" is closed`);
  };

  /** The collection as recorded, looked up until it exists: reads need no ensureCollection. */
  const findCollection = (): OpenCollection | null => {
    if (open) return open;
    const row = db
      .prepare(`SELECT id, embedder_id, dimension FROM ${COLLECTIONS_TABLE} WHERE name = ?`)
      .get(collection) as CollectionRow | undefined;
    if (!row) return null;
    const tables = collectionTables(row.id);
    createCollectionTables(db, tables, row.dimension);
    open = {
      info: { name: collection, embedderId: row.embedder_id, dimension: row.dimension },
      statements: prepareCollectionStatements(db, tables),
    };
    return open;
  };

  let ensured: CollectionInfo | null = null;

  /** The collection to write to: ensureCollection has checked that it belongs to the embedder in use. */
  const writableCollection = (): { statements: CollectionStatements; dimension: number } => {
    assertOpen();
    if (!ensured || !open) {
      throw new Error(`call ensureCollection before writing to vector collection "${collection}"`);
    }
    return { statements: open.statements, dimension: ensured.dimension };
  };

  return {
    collection,

    async ensureCollection(spec: CollectionSpec): Promise<void> {
      assertOpen();
      if (spec.name !== undefined && spec.name !== collection) {
        throw new Error(`this vector store is bound to collection "${collection}", not "${spec.name}"`);
      }
      if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION) {
        throw new RangeError(`embedding dimension must be a whole number from 1 to ${MAX_DIMENSION}`);
      }
      db.transaction(() => {
        if (!findCollection()) recordCollection(db, collection, spec);
      }).immediate();
      const found = findCollection();
      if (!found) throw new Error(`collection "${collection}" could not be created`);
      if (found.info.embedderId !== spec.embedderId || found.info.dimension !== spec.dimension) {
        throw new IncompatibleCollectionError(collection, found.info, spec);
      }
      ensured = found.info;
    },

    async describeCollection(): Promise<CollectionInfo | null> {
      assertOpen();
      const found = findCollection();
      return found ? { ...found.info } : null;
    },

    openCollection(name: string): VectorStore {
      return createSqliteVecStore({ ...options, collection: name });
    },

    async listCollections(): Promise<string[]> {
      assertOpen();
      const rows = db.prepare(`SELECT name FROM ${COLLECTIONS_TABLE} ORDER BY name`).all() as {
        name: string;
      }[];
      return rows.map((row) => row.name);
    },

    async replaceDocuments(documents: DocumentVectors[]): Promise<void> {
      const { statements, dimension } = writableCollection();
      if (documents.length === 0) return;
      validateDocumentVectors(documents, dimension);
      db.transaction(() => {
        for (const { documentId, records } of documents) {
          deleteDocumentRows(statements, documentId);
          for (const record of records) insertRecord(statements, record);
        }
      }).immediate();
    },

    async deleteDocument(documentId: string): Promise<number> {
      assertOpen();
      const found = findCollection();
      if (!found) return 0;
      const { statements } = found;
      return db.transaction(() => deleteDocumentRows(statements, documentId)).immediate();
    },

    async readDocument(documentId: string): Promise<VectorRecord[]> {
      assertOpen();
      const found = findCollection();
      if (!found) return [];
      const rows = found.statements.readDocumentChunks.all(documentId) as {
        id: string;
        document: string;
        metadata: string;
        embedding: Buffer;
      }[];
      return sortByChunkIndex(
        rows.map((row) => ({
          id: row.id,
          document: row.document,
          metadata: JSON.parse(row.metadata) as VectorMetadata,
          // A copy: the buffer better-sqlite3 returns may share memory with others.
          embedding: new Float32Array(new Uint8Array(row.embedding).buffer),
        })),
      );
    },

    async query(embedding: Float32Array, queryOptions: VectorQueryOptions): Promise<VectorQueryResult[]> {
      assertOpen();
      const { k, where = {} } = queryOptions;
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive whole number, got ${k}`);
      const found = findCollection();
      if (!found) return [];
      if (embedding.length !== found.info.dimension) {
        throw new RangeError(
          `query vector has ${embedding.length} dimensions; collection "${collection}" holds ` +
            `${found.info.dimension}-dimensional vectors from embedder ${found.info.embedderId}`,
        );
      }
      if (where.documentIds?.length === 0) return [];
      const params: unknown[] = [embedding, Math.min(k, MAX_QUERY_K)];
      if (where.expediente !== undefined) params.push(where.expediente);
      if (where.document_type !== undefined) params.push(where.document_type);
      if (where.documentIds !== undefined) params.push(JSON.stringify(where.documentIds));
      const statement = found.statements.query({
        expediente: where.expediente !== undefined,
        documentType: where.document_type !== undefined,
        documentIds: where.documentIds !== undefined,
      });
      const rows = statement.all(...params) as {
        id: string;
        document: string;
        metadata: string;
        distance: number | null;
      }[];
      // A zero vector (a chunk with no words) has no cosine distance to anything: it can never be a hit.
      // Filtered here: SQLite pushes a `distance IS NOT NULL` down into vec0, which rejects it.
      return rows.flatMap((row) =>
        row.distance === null
          ? []
          : [
              {
                id: row.id,
                document: row.document,
                metadata: JSON.parse(row.metadata) as VectorMetadata,
                distance: row.distance,
              },
            ],
      );
    },

    async listDocuments(): Promise<StoredDocument[]> {
      assertOpen();
      const found = findCollection();
      if (!found) return [];
      const rows = found.statements.listDocuments.all() as {
        document_id: string;
        chunks: number;
        metadata: string;
      }[];
      return rows.map((row) => ({
        documentId: row.document_id,
        chunks: row.chunks,
        metadata: JSON.parse(row.metadata) as VectorMetadata,
      }));
    },

    async countDocumentChunks(documentIds: readonly string[]): Promise<Map<string, number>> {
      assertOpen();
      const found = findCollection();
      if (!found || documentIds.length === 0) return new Map();
      const rows = found.statements.countDocumentChunks.all(JSON.stringify(documentIds)) as {
        document_id: string;
        n: number;
      }[];
      return new Map(rows.map((row) => [row.document_id, row.n]));
    },

    async count(): Promise<number> {
      assertOpen();
      const found = findCollection();
      if (!found) return 0;
      return (found.statements.countChunks.get() as { n: number }).n;
    },

    async close(): Promise<void> {
      // The database belongs to the caller; only this handle stops working.
      closed = true;
      open = null;
      ensured = null;
    },
  };
}

function loadSqliteVec(db: SqliteDatabase): void {
  try {
    db.prepare('SELECT vec_version()').get();
  } catch {
    sqliteVec.load(db);
  }
}

function recordCollection(db: SqliteDatabase, name: string, spec: CollectionSpec): void {
  const { id } = db
    .prepare(
      `INSERT INTO ${COLLECTIONS_TABLE} (name, embedder_id, dimension, chunks_table, vectors_table, created_at)
       VALUES (?, ?, ?, '', '', ?) RETURNING id`,
    )
    .get(name, spec.embedderId, spec.dimension, new Date().toISOString()) as { id: number };
  const tables = collectionTables(id);
  db.prepare(`UPDATE ${COLLECTIONS_TABLE} SET chunks_table = ?, vectors_table = ? WHERE id = ?`).run(
    tables.chunks,
    tables.vectors,
    id,
  );
  createCollectionTables(db, tables, spec.dimension);
}

/** Writes a record whose id may already be stored, updating its chunk and vector in place if so. */
function upsertRecord(statements: CollectionStatements, record: VectorRecord): void {
  const { seq } = statements.upsertChunk.get(...chunkValues(record)) as { seq: number };
  const updated = statements.updateVector.run(record.embedding, ...vectorFilterValues(record), seq);
  if (changesOf(updated) === 0) insertVector(statements, seq, record);
}

/**
 * Writes a record that is most likely new, its document's old rows having just been deleted: a plain insert,
 * without upsert's attempt to update the vector first. Its id can still exist under another document, and
 * is then updated in place.
 */
function insertRecord(statements: CollectionStatements, record: VectorRecord): void {
  const inserted = statements.insertNewChunk.run(...chunkValues(record));
  if (changesOf(inserted) > 0) insertVector(statements, lastInsertRowidOf(inserted), record);
  else upsertRecord(statements, record);
}

function insertVector(statements: CollectionStatements, seq: number | bigint, record: VectorRecord): void {
  // vec0 accepts only SQLite integers as rowids, and better-sqlite3 binds a JS number as a real.
  statements.insertVector.run(BigInt(seq), record.embedding, ...vectorFilterValues(record));
}

/** Deletes a document's chunks and their vectors; returns how many. Run inside a transaction. */
function deleteDocumentRows(statements: CollectionStatements, documentId: string): number {
  const deleted = statements.deleteDocumentChunks.all(documentId) as { seq: number }[];
  for (const { seq } of deleted) statements.deleteVector.run(seq);
  return deleted.length;
}

function chunkValues(record: VectorRecord): [string, unknown, string, string] {
  return [record.id, record.metadata.document_id, record.document, JSON.stringify(record.metadata)];
}

/** The vector's `expediente` and `document_type` columns, by which queries filter. */
function vectorFilterValues(record: VectorRecord): [string, string] {
  return [stringOrEmpty(record.metadata.expediente), stringOrEmpty(record.metadata.document_type)];
}

function lastInsertRowidOf(result: unknown): number | bigint {
  return (result as { lastInsertRowid: number | bigint }).lastInsertRowid;
}

function changesOf(result: unknown): number {
  return Number((result as { changes?: number | bigint }).changes ?? 0);
}

function stringOrEmpty(value: unknown): string {
  // vec0 metadata columns reject NULL.
  return typeof value === 'string' ? value : '';
}
