// Per-character folding through a lookup table keeps the embedder's inner loop free of string allocation:
// `normalize('NFD')` plus a regex on every chunk would cost more than the whole feature hashing.

/**
 * Code units below this are folded by table: Latin-1 to Latin Extended-B cover every Spanish character, and
 * the combining diacritical marks (up to U+036F) are what decomposed (NFD) text carries its accents in.
 */
export const FOLD_TABLE_END = 0x370;
const SEPARATOR = 0;
/** Combining marks: part of the word they follow, but not a character of it (`a` + U+0301 reads as `a`). */
export const IGNORED = 0xffff;

/** `foldChar` for code units below FOLD_TABLE_END, for hot loops that cannot afford a call. */
export const FOLD_TABLE = buildTable();
const table = FOLD_TABLE;
const beyondTable = new Map<number, number>();

/**
 * The code of the lower-case, accent-free form of a UTF-16 code unit if it is part of a word
 * (`Á` → `a`, `ñ` → `n`, `7` → `7`), IGNORED for a combining mark, or 0 if it separates words.
 * Surrogates count as separators.
 */
export function foldChar(code: number): number {
  if (code < FOLD_TABLE_END) return table[code] ?? SEPARATOR;
  let folded = beyondTable.get(code);
  if (folded === undefined) {
    folded = foldByUnicode(code);
    beyondTable.set(code, folded);
  }
  return folded;
}

function buildTable(): Uint16Array {
  const result = new Uint16Array(FOLD_TABLE_END);
  for (let code = 0; code < FOLD_TABLE_END; code++) result[code] = foldByUnicode(code);
  return result;
}

function foldByUnicode(code: number): number {
  if (code >= 0xd800 && code <= 0xdfff) return SEPARATOR;
  if (/^\p{M}$/u.test(String.fromCharCode(code))) return IGNORED;
  const folded = String.fromCharCode(code).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const first = folded.charCodeAt(0);
  return folded.length > 0 && /^[\p{L}\p{N}]/u.test(folded) ? first : SEPARATOR;
}
