import { parsePersonName } from '../filename/parse-person-name.js';
import { COMPOUND_SURNAMES, SURNAME_PARTICLES, splitSurnames } from '../filename/split-surnames.js';
import { foldText } from '../matching/fold-text.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from '../matching/name-dictionary.js';
import type { NameFields } from '../matching/types.js';
import { GIVEN_NAME_HINTS } from './given-name-hints.js';
import type { ContentName } from './types.js';

const isGivenName = (word: string): boolean => KNOWN_GIVEN_NAMES.has(word) || GIVEN_NAME_HINTS.has(word);
const isSurname = (word: string): boolean => KNOWN_SURNAMES.has(word);
/** A word that can only be a given name: JESUS in JOSE DE JESUS, CARLOS in JUAN CARLOS. */
const onlyGiven = (word: string): boolean => isGivenName(word) && !isSurname(word);
const onlySurname = (word: string): boolean => isSurname(word) && !isGivenName(word);

const COMPOUNDS = COMPOUND_SURNAMES.map((compound) => compound.split(' '));

/** Folded words: what the dictionaries and particles are keyed by. */
function foldedWords(words: readonly string[]): string[] {
  return words.map((word) => foldText(word).replace(/ /g, ''));
}

/**
 * Surname units from `from`: a known compound (PONCE DE LEON) or particles with the word they lead to
 * (DE LA GARZA). Returns the end index of each unit.
 */
function unitEnds(folded: readonly string[], from: number): number[] {
  const ends: number[] = [];
  let i = from;
  while (i < folded.length) {
    const compound = COMPOUNDS.find((c) => c.every((word, k) => folded[i + k] === word));
    if (compound !== undefined) i += compound.length;
    else {
      while (i < folded.length - 1 && SURNAME_PARTICLES.has(folded[i]!)) i++;
      i++;
    }
    ends.push(i);
  }
  return ends;
}

function fields(surnames: readonly string[], given: readonly string[]): NameFields {
  const { apellidoPaterno, apellidoMaterno } = splitSurnames(surnames.join(' '));
  return { apellidoPaterno, apellidoMaterno, nombres: given.join(' ') };
}

/** `MARIA ESTHER GARZA TIJERINA`: the given names end where at most two surnames are left. */
function givenFirst(words: readonly string[], folded: readonly string[]): NameFields {
  let k = 1;
  for (; k < words.length - 1; k++) {
    const units = unitEnds(folded, k);
    if (units.length > 2) continue;
    // A word that can only be a given name is not a surname (JUAN CARLOS PEREZ, JOSE DE JESUS GARZA).
    const firstUnitCore = folded[units[0]! - 1]!;
    if (units.length >= 1 && onlyGiven(firstUnitCore) && k + 1 < words.length) continue;
    break;
  }
  return fields(words.slice(k), words.slice(0, k));
}

/** `GARZA TIJERINA MARIA ESTHER`: a paterno, a materno unless the word is a given name, then the given names. */
function surnamesFirst(words: readonly string[], folded: readonly string[]): NameFields {
  const units = unitEnds(folded, 0);
  const paternoEnd = units[0]!;
  let surnameEnd = paternoEnd;
  const secondEnd = units[1];
  if (secondEnd !== undefined && secondEnd < words.length && !onlyGiven(folded[secondEnd - 1]!)) {
    surnameEnd = secondEnd;
  }
  if (surnameEnd >= words.length) surnameEnd = Math.max(1, words.length - 1);
  return fields(words.slice(0, surnameEnd), words.slice(surnameEnd));
}

/**
 * Which end of the name holds the given names. A typed document often writes the surnames in capitals
 * and the given names in title case (María Esther GARZA TIJERINA); otherwise the dictionaries decide
 * (MARIA at the start, TIJERINA at the end). `null` when nothing tells.
 */
function guessOrder(
  written: readonly string[],
  folded: readonly string[],
): 'given_first' | 'surnames_first' | null {
  const capitals = written.map((word) => /\p{Lu}{2}/u.test(word) && !/\p{Ll}/u.test(word));
  const titled = written.map((word) => /^\p{Lu}\p{Ll}/u.test(word));
  if (capitals.some(Boolean) && titled.some(Boolean)) {
    const firstCapital = capitals.indexOf(true);
    const lastTitled = titled.lastIndexOf(true);
    if (lastTitled < firstCapital) return 'given_first';
    const lastCapital = capitals.lastIndexOf(true);
    const firstTitled = titled.indexOf(true);
    if (lastCapital < firstTitled) return 'surnames_first';
  }
  const first = folded[0]!;
  const last = folded[folded.length - 1]!;
  const score =
    (onlyGiven(first) ? 1 : 0) +
    (onlySurname(last) ? 1 : 0) -
    (onlySurname(first) ? 1 : 0) -
    (onlyGiven(last) ? 1 : 0);
  if (score > 0) return 'given_first';
  if (score < 0) return 'surnames_first';
  return null;
}

/** Title-case words kept as written; everything else upper-cased the way the registry stores names. */
function upper(word: string): string {
  return word.normalize('NFC').toUpperCase().normalize('NFC');
}

/**
 * Reads a written name into paterno, materno and given names: `APELLIDOS, NOMBRES` by its comma (the
 * filename parser's rules), otherwise by the order the words' case or the name dictionaries show. When
 * nothing shows the order, both readings are kept: capitals first as the surnames (how hospital systems
 * print a name), the other as `alternative`.
 */
export function readNameWords(written: string): ContentName | null {
  const text = written.replace(/\s+/g, ' ').trim();
  if (text.includes(',')) {
    const parsed = parsePersonName(text);
    if (!parsed.ok) return null;
    const { apellidoPaterno, apellidoMaterno, nombres } = parsed.name;
    return { apellidoPaterno, apellidoMaterno, nombres, written: text, order: 'comma', alternative: null };
  }
  const words = text.split(' ');
  if (words.length < 2) return null;
  const folded = foldedWords(words);
  const upperWords = words.map(upper);
  const guessed = guessOrder(words, folded);
  const order = guessed ?? (words.every((w) => !/\p{Ll}/u.test(w)) ? 'surnames_first' : 'given_first');
  const read = (o: 'given_first' | 'surnames_first') =>
    o === 'given_first' ? givenFirst(upperWords, folded) : surnamesFirst(upperWords, folded);
  const primary = read(order);
  const alternative =
    guessed === null ? read(order === 'given_first' ? 'surnames_first' : 'given_first') : null;
  return { ...primary, written: text, order, alternative };
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
    const split = splitSurnames(upper(parts.surnames.replace(/\s+/g, ' ').trim()));
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
