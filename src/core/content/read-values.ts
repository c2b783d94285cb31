/**
 * Typed values read at a position of a page: an expediente, a date, a sex, the extent and clean-up of a
 * name. Each reader takes the label view (see text-view.ts) and returns where the value ends.
 */
import { SURNAME_PARTICLES } from '../filename/split-surnames.js';
import {
  GIVEN_NAME_ABBREVIATIONS,
  KNOWN_GIVEN_NAMES,
  KNOWN_SURNAMES,
  SURNAME_ABBREVIATIONS,
} from '../matching/name-dictionary.js';
import { foldWord } from './fold-word.js';
import { FIELD_WORDS } from './labels.js';
import { readDate, type NumericDateOrder } from './read-date.js';
import { digitView } from './text-view.js';

export interface ReadValue<T> {
  value: T;
  /** Offset of the value's first character in the page. */
  start: number;
  /** Offset just past the value in the page. */
  end: number;
}

const EXPEDIENTE_PREFIX = /^[ \t]*(?:(?:N[O0]\b\.?|NUM\b\.?|N\s?[°º]|#)[ \t]*[:.]?[ \t]*)?/;
const DIGIT_GROUPS = /^\d+(?:-\d+)*/;
/**
 * Groups separated by single spaces: a form that prints the expediente grouped (3000 0037 99), or OCR that
 * read a wide gap inside the number (30000 03799). Only when the first group is too short to be one alone,
 * so that a whole expediente followed by an age or a date is never glued to it.
 */
const SPACED_GROUPS = /^\d{1,7}(?: \d{1,7}){1,4}(?![\d/.\-:])/;

/**
 * A labelled value OCR read with more look-alikes than digits (`3OOOOO38OO` for 3000003800): the whole
 * token, 8–12 characters of digits and only the look-alikes OCR has no other reading for — O (o) for 0,
 * I, l and | for 1. Not S or B: an S may be a 5, 6 or 8 and a B an 8 or 3, and a digit guessed wrong could
 * land on another patient's expediente. At least one real digit, so that no word passes for a number.
 */
const LOOK_ALIKE_TOKEN = /^(?=[OIL|]*\d)[\dOIL|]{8,12}(?=$|[\s,;)\]]|\.(?!\S))/;
const ONE_FOR = /[IL|]/g;

/** 8–12 digits at `from` (a `No.` or `#` before them allowed, hyphens between groups dropped). */
export function readExpedienteAt(view: string, from: number, to: number): ReadValue<string> | null {
  const segment = view.slice(from, to);
  const prefix = EXPEDIENTE_PREFIX.exec(segment)?.[0].length ?? 0;
  const read = readDigitsAfterLabel(segment.slice(prefix)) ?? readLookAlikeToken(segment.slice(prefix));
  if (read === null) return null;
  return { value: read.digits, start: from + prefix, end: from + prefix + read.length };
}

function readDigitsAfterLabel(value: string): { digits: string; length: number } | null {
  // Right after its label a number may carry more look-alikes than a number found anywhere.
  const fixed = digitView(value, 0.4);
  const grouped = DIGIT_GROUPS.exec(fixed);
  const m = grouped !== null && grouped[0].length < 8 ? (SPACED_GROUPS.exec(fixed) ?? grouped) : grouped;
  if (m === null) return null;
  // Glued to a letter, it is a code (RFC, CURP, a lot number), not an expediente.
  const next = fixed[m[0].length];
  if (next !== undefined && /[A-Z]/.test(next)) return null;
  const digits = m[0].replace(/[- ]/g, '');
  if (digits.length < 8 || digits.length > 12) return null;
  return { digits, length: m[0].length };
}

/**
 * Only ever after a label, never in a row searched by type: a value read this way is still compared
 * exactly with the registry, so a misreading can send a document to review but never agree for it.
 */
function readLookAlikeToken(value: string): { digits: string; length: number } | null {
  const token = LOOK_ALIKE_TOKEN.exec(value)?.[0];
  if (token === undefined) return null;
  return { digits: token.replace(/O/g, '0').replace(ONE_FOR, '1'), length: token.length };
}

/** The first 8–12-digit number anywhere in [from, to) that is not part of a date: for table rows. */
export function findExpedienteIn(view: string, from: number, to: number): ReadValue<string> | null {
  const fixed = digitView(view.slice(from, to));
  const pattern = /(?<![\d/.-])\d{8,12}(?![\d/.-]|[A-Z])/g;
  const m = pattern.exec(fixed);
  return m === null ? null : { value: m[0], start: from + m.index, end: from + m.index + m[0].length };
}

/** A date read: the ISO date, and the other reading of a numeric date that reads both ways round. */
export interface ReadDateValue extends ReadValue<string> {
  alternative: string | null;
}

export function readDateAt(
  view: string,
  from: number,
  to: number,
  referenceYear: number | undefined,
  order: NumericDateOrder,
): ReadDateValue | null {
  const segment = digitView(view.slice(from, to), 0.4);
  const date = readDate(segment, referenceYear, order);
  if (date === null) return null;
  const skipped = segment.length - segment.trimStart().length;
  return { value: date.iso, alternative: date.alternative, start: from + skipped, end: from + date.length };
}

/** The first date anywhere in [from, to): for table rows. */
export function findDateIn(
  view: string,
  from: number,
  to: number,
  referenceYear: number | undefined,
  order: NumericDateOrder,
): ReadDateValue | null {
  const segment = digitView(view.slice(from, to));
  for (const m of segment.matchAll(/(?<![\d])\d{1,4}(?=\s*[/\-.]|\s+(?:DE\s+)?[A-Z]{3})/g)) {
    const date = readDate(segment.slice(m.index), referenceYear, order);
    if (date !== null) {
      const start = from + m.index;
      return { value: date.iso, alternative: date.alternative, start, end: start + date.length };
    }
  }
  return null;
}

/**
 * A lone M is masculino, under a Spanish label as under an English one (Male): the registry import's
 * convention. A document that meant Mujer by it then contradicts a woman's registry row and goes to
 * review; it never passes unchecked.
 */
const SEX_WORDS: Readonly<Record<string, 'F' | 'M'>> = {
  FEMENINO: 'F',
  FEMENINA: 'F',
  FEMALE: 'F',
  FEM: 'F',
  MUJER: 'F',
  F: 'F',
  MASCULINO: 'M',
  MALE: 'M',
  MASC: 'M',
  HOMBRE: 'M',
  H: 'M',
  M: 'M',
};
// An age may come first under `Edad/Sexo:` (39 a / F) or `Age/Sex:` (62 Y / M).
// The words are SEX_WORDS' own (each stands as a whole word, so their order in the alternation is no matter).
const SEX_AT = new RegExp(
  String.raw`^[ \t]*(?:\d{1,3}[ \t]*(?:A(?:NOS)?\b\.?|M(?:ESES)?\b\.?|Y(?:EARS?|RS?)?\b\.?)?[ \t]*\/[ \t]*)?` +
    String.raw`(${Object.keys(SEX_WORDS).join('|')})(?![A-Z])(?!\.[ \t]*[A-Z]{2})`,
);
/** In a table row, a sex written as a word of its own: the abbreviations (Fem., Masc.) only after a label. */
const SEX_IN_ROW = new RegExp(
  String.raw`(?:^|\s)(${Object.keys(SEX_WORDS)
    .filter((word) => word !== 'FEM' && word !== 'MASC')
    .join('|')})(?=\s|$)`,
);

/** F or M at `from`: F, M, H, Femenino, Masculino, Mujer, Hombre, Fem., Masc., Female, Male. */
export function readSexAt(view: string, from: number, to: number): ReadValue<'F' | 'M'> | null {
  const m = SEX_AT.exec(view.slice(from, to));
  if (m === null) return null;
  return { value: SEX_WORDS[m[1]!]!, start: from + m[0].length - m[1]!.length, end: from + m[0].length };
}

/** A sex written as a word of its own anywhere in [from, to): for table rows. */
export function findSexIn(view: string, from: number, to: number): ReadValue<'F' | 'M'> | null {
  const m = SEX_IN_ROW.exec(view.slice(from, to));
  if (m === null) return null;
  const end = from + m.index + m[0].length;
  return { value: SEX_WORDS[m[1]!]!, start: end - m[1]!.length, end };
}

const PARTICLES: ReadonlySet<string> = new Set([...SURNAME_PARTICLES, 'Y', 'E']);
/** Words that put a sentence, not a name, after the label (`Paciente refiere…`, `Paciente con…`). */
const PROSE = new Set(
  (
    'AL ACUDE CON CUAL EL EN ES ESTA FUE HA HAN INGRESA MAS MUY NO POR PARA PRESENTA QUE QUIEN REFIERE ' +
    'SE SI SIN SU SUS UN UNA ANOS EDAD SEXO FEMENINO MASCULINO MUJER HOMBRE PACIENTE NOMBRE FECHA MEDICO NOTA ' +
    'CONSULTA URGENCIAS DIAGNOSTICO TRATAMIENTO HOSPITAL SERVICIO FIRMA TIPO EXPEDIENTE DATOS NINGUNO NINGUNA ' +
    'DESCONOCIDO DESCONOCIDA SIN NOMBRE IDENTIFICAR'
  ).split(' '),
);
const FIELD_WORD_START = new RegExp(`^(?:${FIELD_WORDS.source})`);
/** Characters that end a name: a number, brackets, a field separator. */
const NAME_STOP = /[\d|;()[\]{}<>=_*#/\\:"“”]/;

/** A gap this wide (or a tab) is the next column of a laid-out page, not extra spaces inside a name. */
const COLUMN_GAP = 4;

/**
 * Where a name written from `from` ends, before `to`: at a tab or a wide gap (the next column), a word
 * followed by a colon or a field word (`Expediente`, `Edad`, `Sexo`…: the next field), a word of a
 * sentence, a digit or a separator, or the end of a sentence (`JORGE ACOSTA MORALES. Acude por…`: a full
 * word's period, then a word in lower case). Trailing spaces and punctuation excluded, but for a period
 * after a letter (an abbreviation's; cleanName drops any other). `text` is the page as written, for case.
 */
export function nameExtent(view: string, text: string, from: number, to: number): number {
  const words = /\S+/g;
  const segment = view.slice(from, to);
  let end = 0;
  let previousEnd = 0;
  let first = true;
  let sentenceMayEnd = false;
  let capitals = 0;
  for (let m = words.exec(segment); m !== null; m = words.exec(segment)) {
    const gap = segment.slice(previousEnd, m.index);
    if (!first && (gap.includes('\t') || gap.length >= COLUMN_GAP)) break;
    const word = m[0];
    const written = text.slice(from + m.index, from + m.index + word.length);
    // The view is upper case: the case of the word as written tells a new sentence from the name's next word.
    if (sentenceMayEnd && /\p{Ll}/u.test(written)) break;
    // A word all in lower case after a name all in capitals is not the name's: OCR's reading of a smudged
    // label (`MUÑOZ PEÑA inode 3000123456`, where `Expediente:` was) or the text that follows. Particles
    // (`de la`) are written in lower case inside names.
    if (capitals >= 2 && /^\p{Ll}+[.,]?$/u.test(written) && !PARTICLES.has(word.replace(/[.,]$/, ''))) break;
    if (/\p{Lu}/u.test(written) && !/\p{Ll}/u.test(written)) capitals++;
    else if (!PARTICLES.has(word)) capitals = -Infinity;
    if (word.endsWith(':') || FIELD_WORD_START.test(word)) break;
    if (PROSE.has(word.replace(/[^A-Z]/g, ''))) break;
    // A semicolon ending a word is OCR's reading of a comma (`MUÑOZ OLVERA; XOCHITL`): the name goes on.
    const stop = NAME_STOP.exec(word.replace(/(?<=\p{L});$/u, ','));
    if (stop !== null) {
      if (stop.index > 0) end = m.index + stop.index;
      break;
    }
    end = m.index + word.length;
    previousEnd = end;
    first = false;
    sentenceMayEnd = word.endsWith('.') && !keepsItsPeriod(word);
  }
  while (end > 0 && /[\s,;.\-–—]/.test(segment[end - 1]!) && !/[A-Z]\.$/.test(segment.slice(end - 2, end)))
    end--;
  return from + end;
}

const COURTESY_TITLES = /^(?:SR|SRA|SRTA|SENOR|SENORA|C|LIC|ING|PROF|MTRO|MTRA|ARQ|DR|DRA)$/;
const DOCTOR_TITLES = /^(?:DR|DRA|DOCTOR|DOCTORA)$/;

/** OCR slips inside a word: a digit among letters, a lower-case l among capitals. */
function cleanWord(word: string): string {
  if (!/[0158|l]/.test(word)) return word;
  let cleaned = word.replace(
    /(?<=\p{L})[0158|](?=\p{L})/gu,
    (d) => ({ 0: 'O', 1: 'I', 5: 'S', 8: 'B' })[d] ?? 'I',
  );
  if (/^[\p{Lu}l'’.-]+$/u.test(cleaned) && /\p{Lu}{2}/u.test(cleaned) && cleaned.includes('l'))
    cleaned = cleaned.replace(/l/g, 'I');
  return cleaned;
}

/**
 * A name as written, cleaned and checked: OCR slips fixed, a courtesy title dropped, and rejected (null)
 * when it reads as a sentence, holds fewer than two words or more than nine, a word is not a name word,
 * or (with `rejectDoctors`) it is a physician's.
 */
export function cleanName(
  raw: string,
  options: { minWords?: number; rejectDoctors?: boolean } = {},
): string | null {
  // The same header on every page: clean its name once.
  const key = `${options.minWords ?? 2}${options.rejectDoctors ? 'd' : ''}\u0000${raw}`;
  const known = cleanCache.get(key);
  if (known !== undefined) return known;
  const cleaned = cleanNameUncached(raw, options);
  if (cleanCache.size >= CLEAN_CACHE_LIMIT) cleanCache.clear();
  cleanCache.set(key, cleaned);
  return cleaned;
}

const CLEAN_CACHE_LIMIT = 10_000;
const cleanCache = new Map<string, string | null>();

/**
 * A word whose final period belongs to it: an initial (`J.`), initials run together (`J.L.`), an
 * abbreviation the matcher expands (`Ma.`, `Gpe.`, `Hdz.`), a courtesy title (dropped later). Any other
 * word's period ends a sentence or stands for a comma (`ACOSTA MORALES., JORGE`, `… MORALES. JORGE`).
 */
function keepsItsPeriod(word: string): boolean {
  const stem = word.replace(/[.,]+$/, '');
  if (stem.includes('.')) return true;
  const folded = foldWord(stem);
  return (
    folded.length === 1 ||
    GIVEN_NAME_ABBREVIATIONS.has(folded) ||
    SURNAME_ABBREVIATIONS.has(folded) ||
    COURTESY_TITLES.test(folded)
  );
}

/** `MORALES.` → `MORALES`, `MORALES.,` → `MORALES,`; `Ma.` and `J.` kept as written. */
function dropStrayPeriod(word: string): string {
  if (!/\.,?$/.test(word) || keepsItsPeriod(word)) return word;
  return word.replace(/\.+(,?)$/, '$1');
}

function cleanNameUncached(
  raw: string,
  options: { minWords?: number; rejectDoctors?: boolean },
): string | null {
  // A comma separates surnames from given names however it is spaced or dotted around
  // (`ACOSTA MORALES ,JORGE`, `ACOSTA MORALES,. JORGE`); a period on its own separates nothing.
  let words = raw
    .replace(/(?<=\p{L});/gu, ',')
    .replace(/\s+/g, ' ')
    .replace(/\s*,[\s,.]*/g, ', ')
    .trim()
    .split(' ')
    .filter((w) => w !== '' && !/^\.+$/.test(w))
    .map(dropStrayPeriod)
    .map(cleanWord);
  const folded = foldWord;
  while (words.length > 0 && COURTESY_TITLES.test(folded(words[0]!))) {
    if (options.rejectDoctors && DOCTOR_TITLES.test(folded(words[0]!))) return null;
    words = words.slice(1);
  }
  const minWords = options.minWords ?? 2;
  if (words.length < minWords || words.length > 9) return null;
  let uncapitalised = 0;
  let knownNameWords = 0;
  for (const word of words) {
    if (!/^\p{L}[\p{L}\p{M}'’.-]*,?$/u.test(word)) return null;
    const f = folded(word.replace(/,$/, ''));
    if (PARTICLES.has(f)) continue;
    if (PROSE.has(f)) return null;
    if (KNOWN_GIVEN_NAMES.has(f) || KNOWN_SURNAMES.has(f)) knownNameWords++;
    if (!/^\p{Lu}/u.test(word)) uncapitalised++;
  }
  // A name's words start with a capital; a sentence's mostly do not. But a name typed all in lower case
  // (`Paciente: jorge acosta morales`) is still a patient's name, and missing it would let a misfiled
  // document through unchecked: words without capitals count as a name when the name dictionaries know
  // two of them (`refiere dolor`, `dolor abdominal` know none).
  if (uncapitalised > 0 && knownNameWords < Math.min(2, words.length)) return null;
  return words
    .join(' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/,\s*$/, '');
}
