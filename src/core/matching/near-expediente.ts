import { isOneEdit } from './string-similarity.js';

/** The parser's and the registry's bounds: the zero-padded forms of an expediente stay within them. */
const EXPEDIENTE_MIN_DIGITS = 8;
const EXPEDIENTE_MAX_DIGITS = 12;

/** The expediente's number: its leading zeros dropped (a lone 0 kept). */
export function withoutLeadingZeros(expediente: string): string {
  return expediente.replace(/^0+(?=.)/, '');
}

/** Two different writings of one number: 0030005001 and 30005001. */
export function differOnlyInLeadingZeros(a: string, b: string): boolean {
  return a !== b && a !== '' && b !== '' && withoutLeadingZeros(a) === withoutLeadingZeros(b);
}

/**
 * True when two expedientes are one keystroke apart (a digit changed, dropped, added, or two neighbours
 * swapped), or the same number but for leading zeros (0030005001 and 30005001: a spreadsheet drops them,
 * a scanning station pads them). Such a pair with the same name is far more likely one patient than two.
 */
export function isNearExpediente(a: string, b: string): boolean {
  if (a === '' || b === '' || a === b) return false;
  return isOneEdit(a, b) || differOnlyInLeadingZeros(a, b);
}

/**
 * The expedientes one substitution or one adjacent swap away from `expediente` (9·n + n−1 of them), and
 * the same number with its leading zeros dropped or added up to the longest expediente, for the repository
 * to fetch with an indexed `expediente IN (…)` beside the expediente itself — so a typo or lost zeros, and a
 * twin one digit away, are caught even when the name is too common for blocking keys. Other insertions and
 * deletions are left out: they change the length, which the parser already bounds.
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
  for (const padded of sameNumberWithOtherZeros(expediente)) near.add(padded);
  return [...near];
}

/** The same number with its leading zeros dropped or added, within an expediente's 8 to 12 digits (itself excluded). */
export function sameNumberWithOtherZeros(expediente: string): string[] {
  const paddings: string[] = [];
  for (
    let padded = withoutLeadingZeros(expediente);
    padded.length <= EXPEDIENTE_MAX_DIGITS;
    padded = `0${padded}`
  ) {
    if (padded !== expediente && padded.length >= EXPEDIENTE_MIN_DIGITS) paddings.push(padded);
  }
  return paddings;
}
