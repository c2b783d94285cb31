import type { CollectionTables } from './schema.js';
import type { SqliteDatabase, SqliteStatement } from './sqlite-database.js';

export interface CollectionStatements {
  /** Inserts or updates a chunk by id and returns its `seq`, the rowid of its vector. */
  upsertChunk: SqliteStatement;
  /** Inserts a chunk, whose `seq` is then the run's lastInsertRowid; changes nothing when the id already exists. */
  insertNewChunk: SqliteStatement;
  updateVector: SqliteStatement;
  insertVector: SqliteStatement;
  deleteVector: SqliteStatement;
  /** Deletes a document's chunks and returns their `seq`s, whose vectors are then deleted one by one. */
  deleteDocumentChunks: SqliteStatement;
  /** A document's chunks with their vectors. */
  readDocumentChunks: SqliteStatement;
  countChunks: SqliteStatement;
  /** Chunks per document, of the documents whose ids a JSON array holds. */
  countDocumentChunks: SqliteStatement;
  /** Each document's id, chunk count and one chunk's metadata. */
  listDocuments: SqliteStatement;
  /** Nearest neighbours, keyed by which filters are present. */
  query(filters: QueryFilters): SqliteStatement;
}

/** Which filters a query has; their values are bound in this order. */
export interface QueryFilters {
  expediente: boolean;
  documentType: boolean;
  /** A JSON array of document ids. */
  documentIds: boolean;
}

export function prepareCollectionStatements(
  db: SqliteDatabase,
  tables: CollectionTables,
): CollectionStatements {
  const { chunks, vectors } = tables;
  const queries = new Map<string, SqliteStatement>();
  return {
    upsertChunk: db.prepare(
      `INSERT INTO ${chunks} (id, document_id, document, metadata) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET document_id = excluded.document_id, document = excluded.document,
         metadata = excluded.metadata
       RETURNING seq`,
    ),
    // No RETURNING: SQLite buffers a RETURNING statement's rows in a table of their own, which cost this insert,
    // run for every chunk, a tenth of the store's CPU; the new row's seq is its rowid (lastInsertRowid).
    insertNewChunk: db.prepare(
      `INSERT INTO ${chunks} (id, document_id, document, metadata) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    // vec0 has no UPSERT; updating in place also avoids the dead slots that delete + insert leaves in vec0.
    updateVector: db.prepare(
      `UPDATE ${vectors} SET embedding = ?, expediente = ?, document_type = ? WHERE rowid = ?`,
    ),
    insertVector: db.prepare(
      `INSERT INTO ${vectors} (rowid, embedding, expediente, document_type) VALUES (?, ?, ?, ?)`,
    ),
    // One rowid at a time: vec0 serves `rowid = ?` by lookup, but `rowid IN (...)` by scanning every vector.
    deleteVector: db.prepare(`DELETE FROM ${vectors} WHERE rowid = ?`),
    deleteDocumentChunks: db.prepare(`DELETE FROM ${chunks} WHERE document_id = ? RETURNING seq`),
    readDocumentChunks: db.prepare(
      `SELECT c.id, c.document, c.metadata, v.embedding
       FROM ${chunks} AS c JOIN ${vectors} AS v ON v.rowid = c.seq
       WHERE c.document_id = ?`,
    ),
    countChunks: db.prepare(`SELECT count(*) AS n FROM ${chunks}`),
    countDocumentChunks: db.prepare(
      `SELECT document_id, count(*) AS n FROM ${chunks}
       WHERE document_id IN (SELECT value FROM json_each(?)) GROUP BY document_id`,
    ),
    listDocuments: db.prepare(
      `SELECT document_id, count(*) AS chunks, min(metadata) AS metadata FROM ${chunks} GROUP BY document_id`,
    ),
    query(filter) {
      const key = `${filter.expediente}/${filter.documentType}/${filter.documentIds}`;
      let statement = queries.get(key);
      if (!statement) {
        // The filters are vec0 constraints, applied during the KNN scan: k results among the matching rows,
        // with no over-fetching. Documents select their vectors by rowid (vec0 takes `rowid IN`), their ids
        // bound as one JSON array, so a patient with thousands of documents is still one statement.
        const filters =
          (filter.expediente ? ' AND expediente = ?' : '') +
          (filter.documentType ? ' AND document_type = ?' : '') +
          (filter.documentIds
            ? ` AND rowid IN (SELECT seq FROM ${chunks} WHERE document_id IN (SELECT value FROM json_each(?)))`
            : '');
        statement = db.prepare(
          `WITH nearest AS (
             SELECT rowid, distance FROM ${vectors} WHERE embedding MATCH ? AND k = ?${filters}
           )
           SELECT c.id, c.document, c.metadata, nearest.distance
           FROM nearest JOIN ${chunks} AS c ON c.seq = nearest.rowid
           ORDER BY nearest.distance`,
        );
        queries.set(key, statement);
      }
      return statement;
    },
  };
}
