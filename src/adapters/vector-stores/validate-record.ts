import type { VectorRecord } from './types.js';

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
