import type { Kysely } from 'kysely';
import { isFrequencyKey, patientBlockingKeys } from '../../../core/matching/blocking-keys.js';
import { encodeExpediente, hashBlockingKey } from '../../blocking-key-codes.js';
import { chunk, ROWS_PER_STATEMENT } from '../../bulk-insert.js';
import type { Database, Patient } from '../../schema.js';
import type { KeyRow } from './patient-tables.js';

/**
 * A patient's keys, split: candidate keys become rows of `patient_blocking_keys` (handed to `add`);
 * frequency keys (`t:`) only move the counters in `name_term_counts`, summed into `termDeltas`.
 */
export function forEachKey(
  patients: Patient[],
  termDeltas: Map<string, number>,
  add: (keyHash: number, expedienteCode: number) => void,
): void {
  for (const patient of patients) {
    const expedienteCode = encodeExpediente(patient.expediente);
    for (const key of patientBlockingKeys(patient)) {
      if (isFrequencyKey(key)) termDeltas.set(key, (termDeltas.get(key) ?? 0) + 1);
      else add(hashBlockingKey(key), expedienteCode);
    }
  }
}

/** The candidate-key rows of these patients, in key order; their frequency keys are added to `termDeltas`. */
export function keyRowsInOrder(patients: Patient[], termDeltas: Map<string, number>): KeyRow[] {
  const rows: KeyRow[] = [];
  forEachKey(patients, termDeltas, (keyHash, expedienteCode) => rows.push({ keyHash, expedienteCode }));
  // Inserting in key order keeps the B-tree writes local.
  return Array.from(
    packedKeyOrder(
      rows.map((row) => row.keyHash),
      rows.length,
    ),
    (i) => rows[i]!,
  );
}

/**
 * Row indexes ordered by key hash. Only locality matters (the primary key decides what is stored), so
 * the order is by the hash's high bits, computed with a native typed-array sort of `high · 2^b + index`
 * (b bits for the index, exact below 2^53) instead of a comparator sort of millions of rows.
 */
export function packedKeyOrder(keyHashes: ArrayLike<number>, n: number): Float64Array {
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = Math.floor(keyHashes[i]! / scale) * scale + i;
  packed.sort();
  for (let i = 0; i < n; i++) packed[i] = packed[i]! % scale;
  return packed;
}

/** Adds the deltas to `name_term_counts` (rows created as needed). */
export async function applyTermDeltas(db: Kysely<Database>, deltas: Map<string, number>): Promise<void> {
  // In term order: two transactions that touch the same counters lock them in the same order, so
  // concurrent ingests on PostgreSQL cannot deadlock on them.
  const rows = [...deltas]
    .filter(([, delta]) => delta !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([term, patients]) => ({ term, patients }));
  for (const part of chunk(rows, ROWS_PER_STATEMENT)) {
    await db
      .insertInto('nameTermCounts')
      .values(part)
      .onConflict((oc) =>
        oc.column('term').doUpdateSet((eb) => ({
          patients: eb(eb.ref('nameTermCounts.patients'), '+', eb.ref('excluded.patients')),
        })),
      )
      .execute();
  }
}

/** Two growing columns of numbers: a few million key rows without an object each. */
export class KeyColumns {
  hashes: Float64Array = new Float64Array(1 << 16);
  codes: Float64Array = new Float64Array(1 << 16);
  length = 0;

  push(keyHash: number, expedienteCode: number): void {
    if (this.length === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.codes = grow(this.codes);
    }
    this.hashes[this.length] = keyHash;
    this.codes[this.length++] = expedienteCode;
  }

  removeExpedientes(codes: Set<number>): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (codes.has(this.codes[i]!)) continue;
      this.hashes[kept] = this.hashes[i]!;
      this.codes[kept++] = this.codes[i]!;
    }
    this.length = kept;
  }
}

function grow(column: Float64Array): Float64Array {
  const larger = new Float64Array(column.length * 2);
  larger.set(column);
  return larger;
}
