import { isOneEdit } from './string-similarity.js';

/**
 * True when two expedientes are one keystroke apart: a digit changed, dropped, added, or two neighbours
 * swapped. Such a pair with the same name is far more likely a typo than two patients.
 */
export function isNearExpediente(a: string, b: string): boolean {
  return a !== '' && b !== '' && isOneEdit(a, b);
}

/**
 * The expedientes one substitution or one adjacent swap away from `expediente` (9·n + n−1 of them),
 * for the repository to fetch with an indexed `expediente IN (…)` when the expediente itself is not in
 * the registry — so an expediente typo is caught even when the name is too common for blocking keys.
 * Insertions and deletions are left out: they change the length, which the parser already bounds.
 */
export function nearExpedientes(expediente: string): string[] {
  const near = new Set<string>();
  for (let i = 0; i < expediente.length; i++) {
    for (let digit = 0; digit <= 9; digit++) {
      const d = String(digit);
      if (d !== expediente[i]) near.add(expediente.slice(0, i) + d + expediente.slice(i + 1));
    }
    if (i + 1 < expediente.length && expediente[i] !== expediente[i + 1]) {
      near.add(expediente.slice(0, i) + expediente[i + 1] + expediente[i] + expediente.slice(i + 2));
    }
  }
  return [...near];
}
