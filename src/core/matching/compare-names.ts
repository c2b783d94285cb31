import { SURNAME_CONNECTOR } from '../filename/split-surnames.js';
import { dropsFirstNameAcrossSexes } from './first-name-across-sexes.js';
import { splitGeneration } from './generation-suffix.js';
import type { GivenNameToken, NormalizedName, SurnameForm } from './normalize-name.js';
import { gradedSimilarity, isOneEdit } from './string-similarity.js';
import type { FieldMatch, FieldMatchKind, NameComparison } from './types.js';

/** Whether a word in the query is a real name in its own right (then one letter off is another person). */
export interface NameKnowledge {
  isRealGivenName(token: GivenNameToken): boolean;
  isRealSurname(surname: SurnameForm): boolean;
}

/**
 * Similarity given to each kind of difference. Light kinds are what a clerk's slip produces; their
 * product stays ≥ 0.90 for up to two slips, which (with an expediente match) reaches the 0.95 default.
 */
const SIMILARITY = {
  abbreviation: 0.99,
  particle: 0.99,
  enyeAsNi: 0.99,
  phonetic: 0.97,
  typoLong: 0.95,
  typoShort: 0.93,
  missingMaterno: 0.96,
  droppedLaterName: 0.96,
  droppedFirstName: 0.94,
  initialLater: 0.95,
  initialFirst: 0.9,
  split: 0.97,
  /** The same surname words, cut into paterno and materno at another place (or joined by Y on one side). */
  splitSameWords: 0.99,
  swapped: 0.97,
  near: 0.85,
  reordered: 0.85,
  distinctName: 0.7,
  gender: 0.6,
  generation: 0.6,
  missingGiven: 0.5,
  /** A pair that is not any kind of variant never scores above this. */
  differentCap: 0.8,
} as const;

const EXACT: FieldMatch = { kind: 'exact', similarity: 1, light: true };

function match(kind: FieldMatchKind, similarity: number, light: boolean): FieldMatch {
  return { kind, similarity, light };
}

/**
 * FRANCISCO/FRANCISCA, JUAN/JUANA, GABRIEL/GABRIELA: one letter apart, but a brother and a sister.
 * The O/A ending always counts. A final A added or dropped counts unless the shorter form is the
 * filename's word and no real name (MARGARIT for MARGARITA is a slip of the keyboard, JUAN for JUANA is
 * not); a registry word is always a real name — it is somebody's.
 */
export function isGenderPair(
  query: string,
  registered: string,
  queryIsRealName: () => boolean = () => true,
): boolean {
  const a = query;
  const b = registered;
  if (a.length === b.length && a.length >= 3) {
    const endA = a[a.length - 1];
    const endB = b[b.length - 1];
    return (
      a.slice(0, -1) === b.slice(0, -1) && ((endA === 'O' && endB === 'A') || (endA === 'A' && endB === 'O'))
    );
  }
  if (b === `${a}A`) return queryIsRealName();
  return a === `${b}A`;
}

function oneEditMatch(query: string, candidate: string, queryIsRealName: boolean): FieldMatch {
  if (queryIsRealName) return match('distinct_name', SIMILARITY.distinctName, false);
  // Judged on the registry's spelling: a letter dropped from JUAN leaves JAN, still a typo of a 4-letter name.
  if (candidate.length >= 5) return match('typo', SIMILARITY.typoLong, true);
  if (candidate.length >= 3) return match('typo', SIMILARITY.typoShort, true);
  return match('near', SIMILARITY.near, false);
}

function differentMatch(a: string, b: string): FieldMatch {
  return match('different', Math.min(SIMILARITY.differentCap, gradedSimilarity(a, b)), false);
}

export function compareSurnames(
  query: SurnameForm,
  candidate: SurnameForm,
  knowledge: NameKnowledge,
  missingIsLight: boolean,
): FieldMatch {
  if (query.core === '' && candidate.core === '') return EXACT;
  if (query.core === '' || candidate.core === '') {
    return match('missing', SIMILARITY.missingMaterno, missingIsLight);
  }
  if (
    query.core === candidate.core ||
    query.joined === candidate.joined ||
    query.core === candidate.joined ||
    query.joined === candidate.core
  ) {
    if (query.abbreviated || candidate.abbreviated)
      return match('abbreviation', SIMILARITY.abbreviation, true);
    if (query.folded === candidate.folded) return EXACT;
    return match('particle', SIMILARITY.particle, true);
  }
  // Ñ typed NI is how the name is written without Ñ, as sure as a dropped accent.
  if (query.core === candidate.coreWithNi || query.coreWithNi === candidate.core) {
    return match('enye_as_ni', SIMILARITY.enyeAsNi, true);
  }
  if (query.corePhonetic === candidate.corePhonetic || query.joinedPhonetic === candidate.joinedPhonetic) {
    return match('phonetic', SIMILARITY.phonetic, true);
  }
  if (isOneEdit(query.core, candidate.core) || isOneEdit(query.joined, candidate.joined)) {
    return oneEditMatch(query.core, candidate.core, knowledge.isRealSurname(query));
  }
  return differentMatch(query.core, candidate.core);
}

/**
 * Given names that rhyme differ in their first letter only (NORA/DORA, KELLY/NELLY, JOEL/NOEL: sisters and
 * brothers), and no dictionary lists them all: a first letter replaced is another name until a person says
 * otherwise. A first letter dropped, added or swapped with the next stays a slip; one that sounds the same
 * (YVONNE/IVONNE) matched as phonetic before this is asked.
 */
function replacesFirstLetter(a: string, b: string): boolean {
  return a.length === b.length && a[0] !== b[0] && a.slice(1) === b.slice(1);
}

function compareGivenToken(
  query: GivenNameToken,
  candidate: GivenNameToken,
  knowledge: NameKnowledge,
  position: number,
): FieldMatch {
  if (query.text === candidate.text) {
    return query.expandedFrom !== null || candidate.expandedFrom !== null
      ? match('abbreviation', SIMILARITY.abbreviation, true)
      : EXACT;
  }
  if (isGenderPair(query.text, candidate.text, () => knowledge.isRealGivenName(query))) {
    return match('gender', SIMILARITY.gender, false);
  }
  if (
    (query.initial !== null && candidate.text.startsWith(query.initial)) ||
    (candidate.initial !== null && query.text.startsWith(candidate.initial))
  ) {
    return position === 0
      ? match('initial', SIMILARITY.initialFirst, false)
      : match('initial', SIMILARITY.initialLater, true);
  }
  if (query.phonetic === candidate.phonetic) return match('phonetic', SIMILARITY.phonetic, true);
  if (isOneEdit(query.text, candidate.text)) {
    const realName = knowledge.isRealGivenName(query);
    if (!realName && replacesFirstLetter(query.text, candidate.text)) {
      return match('first_letter', SIMILARITY.distinctName, false);
    }
    return oneEditMatch(query.text, candidate.text, realName);
  }
  return differentMatch(query.text, candidate.text);
}

/**
 * Whether one list of given names leaves out the other's first word (CARLOS for JUAN CARLOS) rather than a
 * later one (JUAN for JUAN CARLOS): the first words are not variants of each other, as compareGivenNames
 * judges them when it prices the word left out.
 */
export function leavesOutFirstGivenName(
  query: readonly GivenNameToken[],
  candidate: readonly GivenNameToken[],
  knowledge: NameKnowledge,
): boolean {
  const [first, registeredFirst] = [query[0], candidate[0]];
  if (query.length === candidate.length || first === undefined || registeredFirst === undefined) return false;
  return !compareGivenToken(first, registeredFirst, knowledge, 0).light;
}

/** Folds per-word matches into one field match: the product of similarities, the weakest word's kind. */
function combineWordMatches(matches: FieldMatch[]): FieldMatch {
  let similarity = 1;
  let light = true;
  let weakest: FieldMatch = EXACT;
  for (const m of matches) {
    similarity *= m.similarity;
    light &&= m.light;
    if (m.similarity < weakest.similarity) weakest = m;
  }
  return match(weakest.kind, similarity, light);
}

/**
 * Finds the shorter list of given names inside the longer one, in order, word by word as light variants
 * (JUAN in JUAN CARLOS, GUADALUPE in MARIA GUADALUPE), over the precomputed word-pair matches.
 * Returns the matches along the alignment, or null when there is none.
 */
function alignSubsequence(pairs: FieldMatch[][], longerLength: number): FieldMatch[] | null {
  const aligned: FieldMatch[] = [];
  const search = (i: number, from: number): boolean => {
    if (i === pairs.length) return true;
    const row = pairs[i]!;
    for (let j = from; j <= longerLength - (pairs.length - i); j++) {
      const m = row[j]!;
      if (!m.light) continue;
      aligned.push(m);
      if (search(i + 1, j + 1)) return true;
      aligned.pop();
    }
    return false;
  };
  return search(0, 0) ? aligned : null;
}

/**
 * Compares the given names, a generational suffix apart: ROBERTO JR and ROBERTO are a son and his father,
 * never a given name left out, so a suffix on one side only is a difference no expediente can settle
 * alone. JR and JUNIOR are the same word.
 */
export function compareGivenNames(
  query: GivenNameToken[],
  candidate: GivenNameToken[],
  knowledge: NameKnowledge,
): FieldMatch {
  const q = splitGeneration(query);
  const c = splitGeneration(candidate);
  if (q.generation === null && c.generation === null) return compareGivenWords(query, candidate, knowledge);
  const names = compareGivenWords(q.given, c.given, knowledge);
  if (q.generation !== c.generation) {
    return combineWordMatches([names, match('generation', SIMILARITY.generation, false)]);
  }
  if (q.writtenAs !== c.writtenAs) {
    return combineWordMatches([names, match('abbreviation', SIMILARITY.abbreviation, true)]);
  }
  return names;
}

function compareGivenWords(
  query: GivenNameToken[],
  candidate: GivenNameToken[],
  knowledge: NameKnowledge,
): FieldMatch {
  if (query.length === 0 && candidate.length === 0) return EXACT;
  if (query.length === 0 || candidate.length === 0) {
    return match('missing', SIMILARITY.missingGiven, false);
  }
  if (query.length === candidate.length) {
    if (query.length === 1) return compareGivenToken(query[0]!, candidate[0]!, knowledge, 0);
    const positional = combineWordMatches(
      query.map((token, i) => compareGivenToken(token, candidate[i]!, knowledge, i)),
    );
    if (positional.light) return positional;
    const sortedQuery = query.map((t) => t.text).sort();
    const sortedCandidate = candidate.map((t) => t.text).sort();
    if (sortedQuery.every((text, i) => text === sortedCandidate[i])) {
      return match('reordered', SIMILARITY.reordered, false);
    }
    return positional;
  }
  if (dropsFirstNameAcrossSexes(query, candidate)) return match('gender', SIMILARITY.gender, false);
  const queryIsShorter = query.length < candidate.length;
  const [shorter, longer] = queryIsShorter ? [query, candidate] : [candidate, query];
  // pairs[i][j]: word i of the shorter list against word j of the longer, always judged query-first.
  const pairs = shorter.map((s, i) =>
    longer.map((l, j) =>
      queryIsShorter ? compareGivenToken(s, l, knowledge, i) : compareGivenToken(l, s, knowledge, j),
    ),
  );
  const aligned = alignSubsequence(pairs, longer.length);
  if (aligned !== null) {
    const dropped = pairs[0]![0]!.light ? SIMILARITY.droppedLaterName : SIMILARITY.droppedFirstName;
    return match('dropped_name', combineWordMatches(aligned).similarity * dropped, true);
  }
  // No clean alignment: grade each word of the shorter list by its best partner, and pay for the rest.
  const best = pairs.map((row) => row.reduce((top, m) => (m.similarity > top.similarity ? m : top)));
  const combined = combineWordMatches(best);
  const coverage = Math.sqrt(shorter.length / longer.length);
  const kind = combined.kind === 'gender' ? 'gender' : 'different';
  return match(kind, Math.min(SIMILARITY.differentCap, combined.similarity * coverage), false);
}

function comparison(
  alignment: NameComparison['alignment'],
  paterno: FieldMatch,
  materno: FieldMatch,
  nombres: FieldMatch,
  factor: number,
): NameComparison {
  const light = paterno.light && materno.light && nombres.light;
  return {
    score: paterno.similarity * materno.similarity * nombres.similarity * factor,
    light,
    exact:
      alignment === 'straight' &&
      paterno.kind === 'exact' &&
      materno.kind === 'exact' &&
      nombres.kind === 'exact',
    alignment,
    fields: { paterno, materno, nombres },
  };
}

function better(a: NameComparison, b: NameComparison): NameComparison {
  if (a.light !== b.light) return a.light ? a : b;
  return b.score > a.score ? b : a;
}

/**
 * Compares two normalised names field by field, trying the surnames as written, swapped, and run
 * together (a registry that stored GARZA TIJERINA as one paterno). Structural: the decision needs to
 * know *what kind* of difference it is looking at, not only how many letters differ.
 */
export function compareNames(
  query: NormalizedName,
  candidate: NormalizedName,
  knowledge: NameKnowledge,
): NameComparison {
  const nombres = compareGivenNames(query.given, candidate.given, knowledge);
  const straight = comparison(
    'straight',
    compareSurnames(query.paterno, candidate.paterno, knowledge, false),
    compareSurnames(query.materno, candidate.materno, knowledge, true),
    nombres,
    1,
  );
  if (straight.exact) return straight;
  // Swapping costs a factor, so it can only beat a straight reading that is not already light.
  if (straight.light) return straight;
  let best = straight;
  if (query.materno.core !== '' || candidate.materno.core !== '') {
    const swapped = comparison(
      'swapped',
      compareSurnames(query.paterno, candidate.materno, knowledge, false),
      compareSurnames(query.materno, candidate.paterno, knowledge, false),
      nombres,
      SIMILARITY.swapped,
    );
    // A swap that pairs no surname with its like explains nothing: DEL ANGEL GUERRERO against LUNA TORRES was
    // shown as "surnames swapped · paterno: different (DEL ANGEL / TORRES)", on letters alone.
    const pairsASurname =
      swapped.fields.paterno.kind !== 'different' || swapped.fields.materno.kind !== 'different';
    if (pairsASurname) best = better(best, swapped);
  }
  if (best.light) return best;
  // VILLASEÑOR DE LA PEÑA | SALDÍVAR and VILLASEÑOR | DE LA PEÑA Y SALDÍVAR are one person's surnames:
  // registries and filenames cut compound surnames at different places, and only the words say who it is.
  const similarity = sameSurnameWords(query, candidate)
    ? SIMILARITY.splitSameWords
    : query.paterno.core + query.materno.core === candidate.paterno.core + candidate.materno.core
      ? SIMILARITY.split
      : null;
  if (similarity !== null) {
    const split = match('split', similarity, true);
    best = better(best, comparison('merged_surnames', split, EXACT, nombres, 1));
  }
  return best;
}

/**
 * Both surnames' words in order, the connector Y left out (written on one side, left out on the other: LOPEZ
 * PORTILLO Y PACHECO): what stays the same however the surnames are cut.
 */
function surnameWords(name: NormalizedName): string {
  return `${name.paterno.folded} ${name.materno.folded}`
    .split(' ')
    .filter((word) => word !== '' && word !== SURNAME_CONNECTOR)
    .join(' ');
}

function sameSurnameWords(query: NormalizedName, candidate: NormalizedName): boolean {
  const words = surnameWords(query);
  return words !== '' && words === surnameWords(candidate);
}
