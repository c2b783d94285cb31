import { COMPOUND_SURNAMES, SURNAME_CONNECTOR, SURNAME_PARTICLES } from '../filename/split-surnames.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from '../matching/name-dictionary.js';
import type { NameFields } from '../matching/types.js';
import { foldWord, splitSurnamesOnce } from './fold-word.js';
import type { ContentName } from './types.js';

const isGivenName = (word: string): boolean => KNOWN_GIVEN_NAMES.has(word);
const isSurname = (word: string): boolean => KNOWN_SURNAMES.has(word);
/** A word that can only be a given name: JESUS in JOSE DE JESUS, CARLOS in JUAN CARLOS. */
const onlyGiven = (word: string): boolean => isGivenName(word) && !isSurname(word);
const onlySurname = (word: string): boolean => isSurname(word) && !isGivenName(word);

const COMPOUNDS = COMPOUND_SURNAMES.map((compound) => compound.split(' '));

/** Folded words: what the dictionaries and particles are keyed by. */
function foldedWords(words: readonly string[]): string[] {
  return words.map(foldWord);
}

function fields(surnames: readonly string[], given: readonly string[]): NameFields {
  const { apellidoPaterno, apellidoMaterno } = splitSurnamesOnce(surnames.join(' '));
  return { apellidoPaterno, apellidoMaterno, nombres: given.join(' ') };
}

interface Unit {
  start: number;
  end: number;
  /** Led by particles (DE LA GARZA, DEL ANGEL, DE JESUS). */
  particle: boolean;
}

/**
 * The name's units, left to right: a known compound (PONCE DE LEON), or particles with the word they lead
 * to. The connector Y and the unit after it join the unit before: alone, Y was read as a surname of its
 * own (Y SALDÍVAR, MARÍA FERNANDA VILLASEÑOR DE LA PEÑA).
 */
function unitsOf(folded: readonly string[]): Unit[] {
  const units: Unit[] = [];
  let i = 0;
  while (i < folded.length) {
    const previous = units[units.length - 1];
    if (previous !== undefined && folded[i] === SURNAME_CONNECTOR && i < folded.length - 1) {
      const next = unitsOf(folded.slice(i + 1))[0]!;
      i += 1 + next.end;
      previous.end = i;
      continue;
    }
    const start = i;
    const compound = COMPOUNDS.find((c) => c.every((word, k) => folded[i + k] === word));
    if (compound !== undefined) i += compound.length;
    else {
      while (i < folded.length - 1 && SURNAME_PARTICLES.has(folded[i]!)) i++;
      i++;
    }
    units.push({ start, end: i, particle: SURNAME_PARTICLES.has(folded[start]!) && compound === undefined });
  }
  return units;
}

interface Reading {
  fields: NameFields;
  order: 'given_first' | 'surnames_first';
  score: number;
}

/** Two surnames is the rule in Mexico; one surname the exception (about 3 % of a registry). */
const TWO_SURNAMES_BONUS = 1.5;
/** A name whose capitals and title case show its order (María Esther GARZA TIJERINA). */
const CASE_BONUS = 3;
/** Readings this close to the best are kept as the alternative. */
const CLOSE = 1;

/**
 * How well the words sit where a reading puts them: a word that can only be a given name scores in the
 * given names and costs among the surnames, and the other way round. A surname led by particles (DEL
 * ANGEL, DE JESUS) may well hold a given name's word, so it costs nothing there.
 */
function scoreReading(
  folded: readonly string[],
  units: readonly Unit[],
  surnameUnits: ReadonlySet<number>,
): number {
  let score = surnameUnits.size === 2 ? TWO_SURNAMES_BONUS : 0;
  units.forEach((unit, index) => {
    const core = folded[unit.end - 1]!;
    if (surnameUnits.has(index)) score += onlySurname(core) ? 1 : onlyGiven(core) && !unit.particle ? -1 : 0;
    else
      for (let k = unit.start; k < unit.end; k++) {
        const word = folded[k]!;
        if (SURNAME_PARTICLES.has(word) && k < unit.end - 1) continue;
        score += onlyGiven(word) ? 1 : onlySurname(word) ? -1 : 0;
      }
  });
  return score;
}

function readingsOf(words: readonly string[], folded: readonly string[]): Reading[] {
  const units = unitsOf(folded);
  const n = units.length;
  const readings: Reading[] = [];
  const add = (order: Reading['order'], surnameUnits: number[]) => {
    const set = new Set(surnameUnits);
    const first = units[surnameUnits[0]!]!.start;
    const last = units[surnameUnits[surnameUnits.length - 1]!]!.end;
    const surnames = words.slice(first, last);
    const given = order === 'given_first' ? words.slice(0, first) : words.slice(last);
    if (given.length === 0) return;
    readings.push({ fields: fields(surnames, given), order, score: scoreReading(folded, units, set) });
  };
  if (n >= 2) {
    add('given_first', [n - 1]);
    add('surnames_first', [0]);
  }
  if (n >= 3) {
    add('given_first', [n - 2, n - 1]);
    add('surnames_first', [0, 1]);
  }
  return readings;
}

/**
 * The order the words' case shows: a typed document often writes the surnames in capitals and the given
 * names in title case (María Esther GARZA TIJERINA). Null when the case says nothing.
 */
function orderFromCase(written: readonly string[]): Reading['order'] | null {
  const capitals = written.map((word) => /\p{Lu}{2}/u.test(word) && !/\p{Ll}/u.test(word));
  const titled = written.map((word) => /^\p{Lu}\p{Ll}/u.test(word));
  if (!capitals.some(Boolean) || !titled.some(Boolean)) return null;
  if (titled.lastIndexOf(true) < capitals.indexOf(true)) return 'given_first';
  if (capitals.lastIndexOf(true) < titled.indexOf(true)) return 'surnames_first';
  return null;
}

const sameFields = (a: NameFields, b: NameFields): boolean =>
  a.apellidoPaterno === b.apellidoPaterno &&
  a.apellidoMaterno === b.apellidoMaterno &&
  a.nombres === b.nombres;

/** Title-case words kept as written; everything else upper-cased the way the registry stores names. */
function upper(word: string): string {
  return word.normalize('NFC').toUpperCase().normalize('NFC');
}

/**
 * Reads a written name into paterno, materno and given names: `APELLIDOS, NOMBRES` by its comma (the
 * surnames split by the filename parser's splitSurnames); otherwise each way of reading the words (given names first or surnames first,
 * one or two surnames) is scored by where the name dictionaries and the words' case put them, and the
 * best kept, with the runner-up as `alternative` when it comes close. All capitals with nothing to tell
 * the order reads surnames first, as hospital systems print a name.
 */
export function readNameWords(written: string): ContentName | null {
  // A header repeated on every page, and the same patients' documents across a batch, read the same text.
  const known = readCache.get(written);
  if (known !== undefined) return known;
  const read = readNameWordsUncached(written);
  if (readCache.size >= READ_CACHE_LIMIT) readCache.clear();
  readCache.set(written, read);
  return read;
}

/** Results are shared between callers and treated as immutable. A plain bound, as in normalize-name.ts. */
const READ_CACHE_LIMIT = 10_000;
const readCache = new Map<string, ContentName | null>();

function readNameWordsUncached(written: string): ContentName | null {
  const text = written.replace(/\s+/g, ' ').trim();
  const comma = text.indexOf(',');
  if (comma >= 0) {
    // cleanName has checked the words already; the filename parser's checks are for filenames.
    if (text.indexOf(',', comma + 1) >= 0) return null;
    const apellidos = upper(text.slice(0, comma).trim());
    const nombres = upper(text.slice(comma + 1).trim());
    if (apellidos === '' || nombres === '') return null;
    const { apellidoPaterno, apellidoMaterno } = splitSurnamesOnce(apellidos);
    return { apellidoPaterno, apellidoMaterno, nombres, written: text, order: 'comma', alternative: null };
  }
  const words = text.split(' ');
  if (words.length < 2) return null;
  const folded = foldedWords(words);
  const readings = readingsOf(words.map(upper), folded);
  if (readings.length === 0) return null;
  const byCase = orderFromCase(words);
  const tieBreak: Reading['order'] = words.some((w) => /\p{Ll}/u.test(w)) ? 'given_first' : 'surnames_first';
  for (const r of readings) {
    if (r.order === byCase) r.score += CASE_BONUS;
    if (r.order === tieBreak) r.score += 0.1;
  }
  readings.sort((a, b) => b.score - a.score);
  const [best, ...rest] = readings as [Reading, ...Reading[]];
  const runnerUp = rest.find((r) => !sameFields(r.fields, best.fields));
  const alternative = runnerUp !== undefined && best.score - runnerUp.score < CLOSE ? runnerUp.fields : null;
  return { ...best.fields, written: text, order: best.order, alternative };
}

/** Assembles a name from separate fields (`Apellido paterno:`, `Apellido materno:`, `Nombre(s):`). */
export function nameFromFields(parts: {
  paterno?: string;
  materno?: string;
  surnames?: string;
  given: string;
}): ContentName | null {
  const given = upper(parts.given.replace(/\s+/g, ' ').trim());
  let paterno = upper((parts.paterno ?? '').trim());
  let materno = upper((parts.materno ?? '').trim());
  if (parts.surnames !== undefined && paterno === '') {
    const split = splitSurnamesOnce(upper(parts.surnames.replace(/\s+/g, ' ').trim()));
    paterno = split.apellidoPaterno;
    materno = split.apellidoMaterno;
  }
  if (paterno === '' || given === '') return null;
  const surnames = materno === '' ? paterno : `${paterno} ${materno}`;
  return {
    apellidoPaterno: paterno,
    apellidoMaterno: materno,
    nombres: given,
    written: `${surnames}, ${given}`,
    order: 'fields',
    alternative: null,
  };
}
