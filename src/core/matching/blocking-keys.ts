import {
  normalizeGivenNames,
  normalizeName,
  normalizeSurname,
  type NormalizedName,
  type SurnameForm,
} from './normalize-name.js';
import { foldText, foldWords } from './fold-text.js';
import { PARTICLES } from './name-dictionary.js';
import { phoneticCode } from './phonetic-code.js';
import type { NameFields } from './types.js';

/**
 * Blocking keys: short strings stored per patient in `patient_blocking_keys(key, patient_id)` and looked
 * up by exact match. Candidate keys are made of phonetic codes (see phoneticCode), so accents, Ñ, S/Z,
 * B/V… collide.
 *
 * Candidate keys (query with `queryBlockingKeys`):
 * - `a:` both surnames as an unordered pair + first given name  — exact, swapped, particle variants;
 * - `m:` both surnames as an unordered pair + first letter of the first given name — a typo in the given
 *   name, an abbreviation that does not expand the same way, for surname pairs too common for `p:`;
 * - `p:` both surnames as an unordered pair — any difference in the given names (rare surname pairs;
 *   a common pair overflows the per-key cap and should be skipped by the repository);
 * - `s:` one surname + one given name (paterno+1st, materno+1st, paterno+2nd) — a typo in either surname,
 *   a missing materno, a dropped first given name (MARIA GUADALUPE → GUADALUPE).
 * Every key combines at least two fields, so a one-letter typo in any single field of a patient with
 * two surnames still meets the patient under a key made of the other fields.
 *
 * Frequency keys (`t:`): one folded word each, `t:s:<surname>` and `t:g:<given name>`, counted to weigh
 * how common a name is and to tell a real name from a typo. Never used to fetch candidates.
 */
export const CANDIDATE_KEY_PREFIXES = ['a:', 'm:', 'p:', 's:'] as const;
export const FREQUENCY_KEY_PREFIX = 't:';

export function isFrequencyKey(key: string): boolean {
  return key.startsWith(FREQUENCY_KEY_PREFIX);
}

/**
 * A surname in both of its spellings: without particles (GARZA) and run together (DELAGARZA). A query's
 * NI before a vowel is also tried as Ñ (MUNIOZ as MUNOZ, Ñ being folded to N in the stored keys), so a
 * name typed without Ñ still meets its patient; stored keys stay as they are.
 */
function surnameVariants(surname: SurnameForm, forQuery = false): string[] {
  if (surname.core === '') return [];
  const spellings =
    surname.joinedPhonetic === surname.corePhonetic
      ? [surname.corePhonetic]
      : [surname.corePhonetic, surname.joinedPhonetic];
  // Only for a query: an import keys a million patients, and their stored keys must not change.
  if (!forQuery || !NI_BEFORE_VOWEL.test(surname.core)) return spellings;
  const asEnye = phoneticCode(surname.core.replace(NI_BEFORE_VOWEL_ALL, 'N'));
  return spellings.includes(asEnye) ? spellings : [...spellings, asEnye];
}

const NI_BEFORE_VOWEL = /NI(?=[AEOU])/;
const NI_BEFORE_VOWEL_ALL = /NI(?=[AEOU])/g;

function unorderedPair(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

/** The parts of a normalised name that keys are made of. */
type KeyedName = Pick<NormalizedName, 'paterno' | 'materno' | 'given'>;

function addPairKeys(keys: Set<string>, name: KeyedName, forQuery: boolean): void {
  const first = name.given[0]?.phonetic;
  if (first === undefined) return;
  const paternos = surnameVariants(name.paterno, forQuery);
  const maternos = surnameVariants(name.materno, forQuery);
  for (const p of paternos) {
    if (maternos.length === 0) keys.add(`a:${unorderedPair(p, '')}|${first}`);
    for (const m of maternos) {
      const pair = unorderedPair(p, m);
      keys.add(`a:${pair}|${first}`);
      keys.add(`m:${pair}|${first[0] ?? ''}`);
      keys.add(`p:${pair}`);
    }
  }
}

function addSingleSurnameKeys(keys: Set<string>, name: KeyedName, forQuery: boolean): void {
  const [first, second] = name.given.map((token) => token.phonetic);
  const paternos = surnameVariants(name.paterno, forQuery);
  const maternos = surnameVariants(name.materno, forQuery);
  for (const p of paternos) {
    if (first !== undefined) keys.add(`s:${p}|${first}`);
    if (second !== undefined) keys.add(`s:${p}|${second}`);
  }
  for (const m of maternos) {
    if (first !== undefined) keys.add(`s:${m}|${first}`);
    // Stored keys stay few; the query also tries this one so that swapped surnames meet `s:paterno|2nd`.
    if (forQuery && second !== undefined) keys.add(`s:${m}|${second}`);
  }
}

function addFrequencyKeys(keys: Set<string>, name: KeyedName): void {
  if (name.paterno.core !== '') keys.add(surnameFrequencyKey(name.paterno));
  if (name.materno.core !== '') keys.add(surnameFrequencyKey(name.materno));
  for (const token of name.given) keys.add(givenNameFrequencyKey(token.text));
}

/** Every key to store for a patient: candidate keys and frequency keys, without duplicates. */
export function patientBlockingKeys(name: NameFields): string[] {
  // Field by field rather than through normalizeName: an import keys a million short-lived records, and
  // neither the per-record memo nor the whole-name strings would ever be used again.
  const normalized: KeyedName = {
    paterno: normalizeSurname(name.apellidoPaterno),
    materno: normalizeSurname(name.apellidoMaterno),
    given: normalizeGivenNames(name.nombres),
  };
  const keys = new Set<string>();
  addPairKeys(keys, normalized, false);
  addSingleSurnameKeys(keys, normalized, false);
  addFrequencyKeys(keys, normalized);
  return [...keys];
}

/** Candidate keys to look up for a filename's name (no frequency keys). */
export function queryBlockingKeys(name: NameFields): string[] {
  const normalized = normalizeName(name);
  const keys = new Set<string>();
  addPairKeys(keys, normalized, true);
  addSingleSurnameKeys(keys, normalized, true);
  for (const cut of otherSurnameCuts(name)) {
    const other: KeyedName = { ...cut, given: normalized.given };
    addPairKeys(keys, other, true);
    addSingleSurnameKeys(keys, other, true);
  }
  return [...keys];
}

/**
 * The query's surname words cut into paterno and materno at every other place a registry may have cut
 * them (VILLASEÑOR | DE LA PEÑA Y SALDÍVAR for VILLASEÑOR DE LA PEÑA Y SALDÍVAR, GARZA | TIJERINA LEAL for
 * GARZA-TIJERINA LEAL), everything as one paterno included. Only the query varies: stored keys stay as
 * they are, so a registry imported before needs no re-keying. A particle or the connector Y stays with
 * the word after it, never ends a paterno.
 */
function otherSurnameCuts(name: NameFields): Array<Pick<KeyedName, 'paterno' | 'materno'>> {
  const words = foldWords(`${name.apellidoPaterno} ${name.apellidoMaterno}`);
  const asWritten = `${foldText(name.apellidoPaterno)}|${foldText(name.apellidoMaterno)}`;
  const cuts: Array<Pick<KeyedName, 'paterno' | 'materno'>> = [];
  // A surname field rarely holds more than five words; the bound keeps a garbled name from fanning out.
  if (words.length < 2 || words.length > MAX_CUT_WORDS) return cuts;
  for (let at = 1; at <= words.length; at++) {
    if (PARTICLES.has(words[at - 1] ?? '')) continue;
    const paterno = words.slice(0, at).join(' ');
    const materno = words.slice(at).join(' ');
    if (`${paterno}|${materno}` === asWritten) continue;
    cuts.push({ paterno: normalizeSurname(paterno), materno: normalizeSurname(materno) });
  }
  return cuts;
}

const MAX_CUT_WORDS = 8;

/** The `t:` keys whose counts `matchPatient` asks for this query: one per surname and per given name. */
export function tokenFrequencyKeys(name: NameFields): string[] {
  const keys = new Set<string>();
  addFrequencyKeys(keys, normalizeName(name));
  return [...keys];
}

/**
 * Frequency keys use the folded spelling, not the sound: whether BEERRA is a real surname or a slip for
 * BECERRA must not depend on it sounding like VERA.
 */
export function surnameFrequencyKey(surname: SurnameForm): string {
  return `t:s:${surname.core}`;
}

export function givenNameFrequencyKey(text: string): string {
  return `t:g:${text}`;
}
