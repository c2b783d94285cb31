const COMBINING_MARKS = /[\u0300-\u036f]/g;
const JOINING_PUNCTUATION = /['’‘`´]/g;
const NOT_A_LETTER = /[^A-Z]+/g;
const PLAIN = /^[A-Z ]*$/;
const MANY_SPACES = / +/g;

/**
 * Reduces a name to the letters a matcher can compare: NFKD (so `Mª` becomes `MA` and a decomposed
 * macOS accent is one mark), accents and the tilde dropped (Ñ≈N, Ü≈U), apostrophes joined (D'ACOSTA →
 * DACOSTA), any other punctuation or digit turned into a word break, upper case, single spaces.
 */
export function foldText(text: string): string {
  // Most registry rows are already plain upper-case ASCII; skipping ICU normalisation for them matters
  // when a million rows are keyed.
  if (PLAIN.test(text)) return text.includes('  ') ? text.replace(MANY_SPACES, ' ').trim() : text.trim();
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toUpperCase()
    .replace(JOINING_PUNCTUATION, '')
    .replace(NOT_A_LETTER, ' ')
    .trim();
}

/** `foldText` split into words. */
export function foldWords(text: string): string[] {
  const folded = foldText(text);
  return folded === '' ? [] : folded.split(' ');
}
