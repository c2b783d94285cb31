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
 * Every expediente one keystroke from `expediente` (a digit changed, dropped or added, two neighbours
 * swapped) and the same number with its leading zeros dropped or added, all within an expediente's 8 to 12
 * digits, for the repository to fetch with one indexed `expediente IN (…)` beside the expediente itself —
 * so a typo or lost zeros, and a twin one digit away, are caught even when the name is too common for
 * blocking keys. About 20 per digit (9 changes, 10 additions, a drop, a swap): some two hundred values for
 * a 10-digit expediente, one statement all the same. These are exactly the expedientes `isNearExpediente`
 * accepts, so nothing the matcher would hold as a near number is left unfetched.
 */
export function nearExpedientes(expediente: string): string[] {
  const near = new Set<string>();
  const add = (candidate: string) => {
    if (
      candidate !== expediente &&
      candidate.length >= EXPEDIENTE_MIN_DIGITS &&
      candidate.length <= EXPEDIENTE_MAX_DIGITS
    ) {
      near.add(candidate);
    }
  };
  for (let i = 0; i <= expediente.length; i++) {
    const before = expediente.slice(0, i);
    for (let digit = 0; digit <= 9; digit++) {
      const d = String(digit);
      add(before + d + expediente.slice(i)); // a digit added
      if (i < expediente.length) add(before + d + expediente.slice(i + 1)); // a digit changed
    }
    if (i < expediente.length) add(before + expediente.slice(i + 1)); // a digit dropped
    if (i + 1 < expediente.length) {
      add(before + expediente[i + 1] + expediente[i] + expediente.slice(i + 2)); // neighbours swapped
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
