import { compareNames, isGenderPair, type NameKnowledge } from './compare-names.js';
import { dropsFirstNameAcrossSexes } from './first-name-across-sexes.js';
import { differentGenerations } from './generation-suffix.js';
import { KNOWN_GIVEN_NAMES, KNOWN_SURNAMES } from './name-dictionary.js';
import { normalizeName, type GivenNameToken, type SurnameForm } from './normalize-name.js';
import { isOneEdit, levenshteinRatio } from './string-similarity.js';
import type { NameFields } from './types.js';

/**
 * How two written names relate as people (DECISIONS 5):
 * - `same`: one person written two ways — typos, accents, case, a missing second surname, a dropped
 *   given name, an abbreviation, swapped surnames;
 * - `another`: clearly another person — the given names differ *and* a surname differs;
 * - `uncertain`: everything between, where only the given names or only the surnames differ (a sibling,
 *   a parent, a married name, a child re-registered with its father's surname): not the same name, but
 *   not proof of another person either.
 */
export type PersonJudgement = 'same' | 'uncertain' | 'another';

/**
 * Only the built-in dictionaries, never registry frequencies: the judgement is a property of the two
 * names, the same in the review screen and in the content cross-check whatever the registry holds.
 */
export const DICTIONARY_KNOWLEDGE: NameKnowledge = {
  isRealGivenName: (token) => KNOWN_GIVEN_NAMES.has(token.text),
  isRealSurname: (surname) => KNOWN_SURNAMES.has(surname.core),
};

/**
 * Two words within a slip of each other: one keystroke (a letter changed, dropped, added, two swapped),
 * or two for words long enough that two slips still leave three quarters of the word (GRABIELA for
 * GABRIELA: a letter moved).
 */
function withinTypos(a: string, b: string): boolean {
  if (isOneEdit(a, b)) return true;
  return Math.min(a.length, b.length) >= 6 && levenshteinRatio(a, b) >= 0.75;
}

/**
 * `same`; `near`: two real names a slip apart (MARTA and MARIA, ROSA and ROSAS), which may be a typo or
 * two people; `gender`: the masculine and feminine forms of one name, two people as given names go;
 * `different`.
 */
type WordRelation = 'same' | 'near' | 'gender' | 'different';

function givenWordRelation(a: GivenNameToken, b: GivenNameToken): WordRelation {
  if (a.text === b.text) return 'same';
  // JUAN/JUANA, FRANCISCO/FRANCISCA: a brother and a sister. A final A dropped from a word that is no
  // name (MARGARIT) is a slip, so the shorter word must be a real name for that form to count.
  const [short, long] = a.text.length <= b.text.length ? [a.text, b.text] : [b.text, a.text];
  if (isGenderPair(short, long, () => KNOWN_GIVEN_NAMES.has(short))) return 'gender';
  if (
    (a.initial !== null && b.text.startsWith(a.initial)) ||
    (b.initial !== null && a.text.startsWith(b.initial))
  )
    return 'same';
  if (a.phonetic === b.phonetic) return 'same';
  if (!withinTypos(a.text, b.text)) return 'different';
  return KNOWN_GIVEN_NAMES.has(a.text) && KNOWN_GIVEN_NAMES.has(b.text) ? 'near' : 'same';
}

function surnameWordRelation(a: SurnameForm, b: SurnameForm): WordRelation {
  if (a.core === b.core || a.joined === b.joined || a.core === b.joined || a.joined === b.core) return 'same';
  if (a.corePhonetic === b.corePhonetic || a.joinedPhonetic === b.joinedPhonetic) return 'same';
  if (a.core === b.coreWithNi || a.coreWithNi === b.core) return 'same';
  if (!withinTypos(a.core, b.core) && !withinTypos(a.joined, b.joined)) return 'different';
  return KNOWN_SURNAMES.has(a.core) && KNOWN_SURNAMES.has(b.core) ? 'near' : 'same';
}

/** Both surnames fit, allowing a missing materno on either side, swapped order, or surnames run together. */
function sameSurnames(
  a: { paterno: SurnameForm; materno: SurnameForm },
  b: { paterno: SurnameForm; materno: SurnameForm },
): boolean {
  const fits = (x: SurnameForm, y: SurnameForm) =>
    x.core === '' || y.core === '' || surnameWordRelation(x, y) === 'same';
  if (surnameWordRelation(a.paterno, b.paterno) === 'same' && fits(a.materno, b.materno)) return true;
  if (
    a.materno.core !== '' &&
    b.materno.core !== '' &&
    surnameWordRelation(a.paterno, b.materno) === 'same' &&
    surnameWordRelation(a.materno, b.paterno) === 'same'
  )
    return true;
  return a.paterno.core + a.materno.core === b.paterno.core + b.materno.core;
}

/**
 * Both names carry a surname and not one surname of either is a surname of the other, even as a slip
 * (REYES MARTINEZ and ACOSTA MORALES): what `uncertain` leaves open for the same given names on other
 * surnames (a married name, a child re-registered) keeps one surname; none kept is another family. The
 * review reads a document's name so against a candidate, beside judgeSamePerson, never instead of it.
 */
export function shareNoSurname(a: NameFields, b: NameFields): boolean {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  const surnamesA = [na.paterno, na.materno].filter((s) => s.core !== '');
  const surnamesB = [nb.paterno, nb.materno].filter((s) => s.core !== '');
  if (surnamesA.length === 0 || surnamesB.length === 0) return false;
  // The same letters cut elsewhere (DE LA GARZA / DELAGARZA) are the same surnames.
  if (na.paterno.core + na.materno.core === nb.paterno.core + nb.materno.core) return false;
  return surnamesA.every((x) => surnamesB.every((y) => surnameWordRelation(x, y) === 'different'));
}

/**
 * `same`: the shorter list of given names is found in order in the longer, word by word (MARIA
 * GUADALUPE and GUADALUPE; J. LUIS and JOSE LUIS), or the same words in another order. `different`: no
 * word of one list is even a slip away from a word of the other (JUAN and JUANA are different given
 names: a brother's and a sister's). `overlap`: anything between.
 */
function givenNamesRelation(a: GivenNameToken[], b: GivenNameToken[]): 'same' | 'overlap' | 'different' {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 'same' : 'overlap';
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const relations = shorter.map((s) => longer.map((l) => givenWordRelation(s, l)));
  let from = 0;
  let inOrder = true;
  for (const row of relations) {
    let j = from;
    while (j < longer.length && row[j] !== 'same') j++;
    if (j === longer.length) {
      inOrder = false;
      break;
    }
    from = j + 1;
  }
  if (inOrder) return 'same';
  if (relations.every((row) => row.some((r) => r === 'same'))) return 'same';
  const related = (r: WordRelation) => r === 'same' || r === 'near';
  return relations.some((row) => row.some(related)) ? 'overlap' : 'different';
}

/**
 * Whether two names are one person written two ways, clearly two people, or uncertain (see
 * PersonJudgement). Symmetric, pure, and independent of the registry.
 */
export function judgeSamePerson(a: NameFields, b: NameFields): PersonJudgement {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  // The matcher's own light variants (abbreviations, particles, initials…) are the same person by definition.
  if (compareNames(na, nb, DICTIONARY_KNOWLEDGE).light || compareNames(nb, na, DICTIONARY_KNOWLEDGE).light)
    return 'same';
  const surnames = sameSurnames(na, nb);
  const given = givenNamesRelation(na.given, nb.given);
  // ROBERTO JR and ROBERTO: the son and the father, or one of them written without the suffix; MARIA and
  // JOSE MARIA: a sister and a brother, or one of them with a name left out.
  if (surnames && given === 'same') {
    const relatives =
      differentGenerations(na.given, nb.given) || dropsFirstNameAcrossSexes(na.given, nb.given);
    return relatives ? 'uncertain' : 'same';
  }
  if (!surnames && given === 'different') return 'another';
  return 'uncertain';
}

/**
 * DECISIONS 5, the one predicate behind the review's id-conflict banner and the content cross-check:
 * different given names *and* a different surname. Typos, accents, case, a missing second surname or a
 * dropped given name never make another person; neither do different given names alone (a sibling on
 * the same surnames) nor different surnames alone.
 */
export function isClearlyAnotherPerson(a: NameFields, b: NameFields): boolean {
  return judgeSamePerson(a, b) === 'another';
}
