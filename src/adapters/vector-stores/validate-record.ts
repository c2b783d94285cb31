import type { DocumentVectors, VectorRecord } from './types.js';

/** The checks every store makes before writing, so a record is refused alike by every backend. */
export function validateRecord(record: VectorRecord, dimension: number): void {
  if (record.embedding.length !== dimension) {
    throw new RangeError(
      `embedding for "${record.id}" has ${record.embedding.length} dimensions; the collection holds ${dimension}`,
    );
  }
  if (typeof record.metadata.document_id !== 'string') {
    throw new TypeError(`record "${record.id}" has no metadata.document_id string`);
  }
  for (const [key, value] of Object.entries(record.metadata)) {
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      throw new TypeError(
        `metadata "${key}" of record "${record.id}" must be a string, finite number or boolean`,
      );
    }
  }
}

/**
 * The checks every store makes before `replaceDocuments` writes anything. Besides each record's own checks,
 * a document or record id given twice is refused: the stores would otherwise disagree on which copy wins
 * (sqlite-vec replaces document by document, Chroma deletes everything first and then upserts, and a Chroma
 * request rejects repeated ids outright).
 */
export function validateDocumentVectors(documents: DocumentVectors[], dimension: number): void {
  const documentIds = new Set<string>();
  const recordIds = new Set<string>();
  for (const { documentId, records } of documents) {
    if (documentIds.has(documentId)) {
      throw new Error(`document "${documentId}" is given twice in one replaceDocuments call`);
    }
    documentIds.add(documentId);
    for (const record of records) {
      validateRecord(record, dimension);
      if (record.metadata.document_id !== documentId) {
        throw new Error(
          `record "${record.id}" has metadata.document_id "${String(record.metadata.document_id)}" ` +
            `but was given as a chunk of document "${documentId}"`,
        );
      }
      if (recordIds.has(record.id)) {
        throw new Error(`record "${record.id}" is given twice in one replaceDocuments call`);
      }
      recordIds.add(record.id);
    }
  }
}

/** A document's records in chunk order (by metadata `chunk_index`, then id), as `readDocument` returns them. */
export function sortByChunkIndex(records: VectorRecord[]): VectorRecord[] {
  const index = (record: VectorRecord) =>
    typeof record.metadata.chunk_index === 'number' ? record.metadata.chunk_index : Number.MAX_SAFE_INTEGER;
  return [...records].sort((a, b) => index(a) - index(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
