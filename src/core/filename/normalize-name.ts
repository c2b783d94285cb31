/**
 * The one normal form for names in the registry and in filenames: uppercase, single spaces, NFC.
 * `toUpperCase` (not `toLocaleUpperCase`) so a Turkish or Lithuanian locale on the server cannot change
 * the result; NFC both before and after because macOS hands us decomposed accents and uppercasing can
 * leave combining marks behind. Accents and Ñ stay: folding them is the matcher's decision.
 */
export function normalizeName(text: string): string {
  return text
    .normalize('NFC')
    .toUpperCase()
    .normalize('NFC')
    .replace(/\p{Zs}+/gu, ' ')
    .trim();
}

/**
 * Trims only space separators (including no-break spaces pasted from Word), never control characters:
 * a stray tab or newline at the edge of a part must be reported, not silently dropped.
 */
export function trimSpaces(text: string): string {
  return text.replace(/^\p{Zs}+|\p{Zs}+$/gu, '');
}
