/**
 * Index-aligned views of a page's text. Labels and values are found in a view that is upper-case, free of
 * accents and corrected for OCR's commonest slips, while every index still points at the same character
 * of the original: a value is then read (with its accents and case) from the original at the same place.
 */

const foldedCache = new Map<string, string>();

/** One character upper-cased and stripped of its accent, always one character long (Ñ → N, ß → S). */
function foldChar(ch: string): string {
  let folded = foldedCache.get(ch);
  if (folded === undefined) {
    if (/\s/u.test(ch)) folded = ch === '\n' || ch === '\t' ? ch : ' ';
    else {
      const upper = (ch.normalize('NFD')[0] ?? ch).toUpperCase();
      folded = upper.length === 1 ? upper : (upper[0] ?? ' ');
    }
    foldedCache.set(ch, folded);
  }
  return folded;
}

const isLetter = (ch: string | undefined): boolean => ch !== undefined && ch >= 'A' && ch <= 'Z';
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/** OCR reads these letters for digits inside words (N0MBRE, EXPED1ENTE, T1JERINA). */
const LETTER_FOR_DIGIT: Readonly<Record<string, string>> = {
  '0': 'O',
  '1': 'I',
  '5': 'S',
  '8': 'B',
  '|': 'I',
};
/** …and these digits for letters inside numbers (30000O3799, 15/O3/1985). */
const DIGIT_FOR_LETTER: Readonly<Record<string, string>> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  '|': '1',
  S: '5',
  B: '8',
  Z: '2',
};

const ACCENTED_CAPITALS = /[\u0080-\uffff]/g;
const OTHER_SPACES = /[\r\v\f]/g;
const DIGIT_IN_WORD = /(?<=[A-Z])[0158|](?=[A-Z])/g;
const HAS_DIGIT_IN_WORD = /[A-Z][0158|][A-Z]/;

/**
 * The label view: upper-case, accents folded, any whitespace but newlines and tabs as a space, and a
 * digit standing between two letters read as the letter OCR took it for. Same length as `text`.
 */
export function labelView(text: string): string {
  // Native upper-casing and one replace per concern: this runs over every page's first characters.
  let view = text.toUpperCase();
  if (view.length !== text.length) view = slowUpper(text);
  view = view.replace(ACCENTED_CAPITALS, foldChar).replace(OTHER_SPACES, ' ');
  // Clean text has no digit inside a word: test first, a look-behind scan is dear.
  return HAS_DIGIT_IN_WORD.test(view) ? view.replace(DIGIT_IN_WORD, (d) => LETTER_FOR_DIGIT[d]!) : view;
}

/** Character by character, for the rare text whose upper case changes its length (ß → SS). */
function slowUpper(text: string): string {
  let out = '';
  for (const ch of text) {
    const upper = ch.toUpperCase();
    out += upper.length === ch.length ? upper : ch;
  }
  return out;
}

/**
 * Reads a run of digits the way OCR may have written it: in a run of digits and look-alike letters
 * (O, I, l, S, B…) bounded by anything else, the look-alikes become digits when real digits make at
 * least `minDigitShare` of the run. Letters at the edge of a run that touches a word are left alone (1985SEXO stays 1985).
 * Same length as `segment`; expects the label view.
 */
export function digitView(segment: string, minDigitShare = 0.6): string {
  const chars = [...segment];
  let i = 0;
  while (i < chars.length) {
    if (!(isDigit(chars[i]) || DIGIT_FOR_LETTER[chars[i]!] !== undefined)) {
      i++;
      continue;
    }
    let start = i;
    let end = i;
    while (end < chars.length && (isDigit(chars[end]) || DIGIT_FOR_LETTER[chars[end]!] !== undefined)) end++;
    i = end;
    // A run glued to a word keeps its look-alike letters on that side: they belong to the word.
    if (isLetter(chars[start - 1])) while (start < end && !isDigit(chars[start])) start++;
    if (isLetter(chars[end])) while (end > start && !isDigit(chars[end - 1])) end--;
    let digits = 0;
    for (let k = start; k < end; k++) if (isDigit(chars[k])) digits++;
    if (digits === 0 || digits < minDigitShare * (end - start)) continue;
    for (let k = start; k < end; k++) if (!isDigit(chars[k])) chars[k] = DIGIT_FOR_LETTER[chars[k]!]!;
  }
  return chars.join('');
}

export interface Line {
  /** Offset of the line's first character in the page. */
  start: number;
  /** Offset just past the line's last character (before the newline). */
  end: number;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      lines.push({ start, end: text.length });
      return lines;
    }
    lines.push({ start, end: newline });
    start = newline + 1;
  }
}
