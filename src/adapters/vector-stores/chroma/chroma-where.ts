import type { VectorQueryFilter } from '../types.js';

type Equality = Record<string, string | { $in: string[] }>;
export type ChromaWhere = Equality | { $and: Equality[] };

/** Chroma takes one field as `{field: value}` and several only under `$and`. */
export function toChromaWhere(filter: VectorQueryFilter = {}): ChromaWhere | undefined {
  const clauses: Equality[] = [];
  if (filter.expediente !== undefined) clauses.push({ expediente: filter.expediente });
  if (filter.document_type !== undefined) clauses.push({ document_type: filter.document_type });
  if (filter.documentIds !== undefined) clauses.push({ document_id: { $in: filter.documentIds } });
  if (clauses.length === 0) return undefined;
  if (clauses.length === 1) return clauses[0];
  return { $and: clauses };
}
