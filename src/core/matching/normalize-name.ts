import { foldWords } from './fold-text.js';
import {
  AMBIGUOUS_INITIALS,
  GIVEN_NAME_ABBREVIATIONS,
  PARTICLES,
  SURNAME_ABBREVIATIONS,
} from './name-dictionary.js';
import { phoneticCode } from './phonetic-code.js';
import type { NameFields } from './types.js';

/** One surname (paterno or materno) in the forms the matcher compares. */
export interface SurnameForm {
  /** Folded words with particles, abbreviations expanded: `DE LA GARZA`. Empty when the surname is missing. */
  folded: string;
  /** Without particles or spaces: `GARZA`. Equals `joined` when the surname is only particles. */
  core: string;
  /** Every word joined, particles included: `DELAGARZA`. */
  joined: string;
  corePhonetic: string;
  joinedPhonetic: string;
  hasParticles: boolean;
  /** Written as an abbreviation such as `GZZ` or `HDZ`. */
  abbreviated: boolean;
  /** `core` with Ñ spelt NI, as a keyboard without Ñ writes it (MUNIOZ for MUÑOZ); `core` when there is no Ñ. */
  coreWithNi: string;
}

/** One given name after folding and abbreviation expansion (particles such as DEL in MA. DEL CARMEN dropped). */
export interface GivenNameToken {
  text: string;
  phonetic: string;
  /** The letter this token may stand for when it was written as an initial (`J.`, `C.`); otherwise null. */
  initial: string | null;
  /** The abbreviation as written (`MA`, `GPE`), when this token was expanded from one. */
  expandedFrom: string | null;
}

export interface NormalizedName {
  paterno: SurnameForm;
  materno: SurnameForm;
  given: GivenNameToken[];
  /** `PATERNO MATERNO NOMBRES` in core forms, for whole-string similarity. */
  key: string;
  /** The fields as given, to tell "only accents differ" apart from "identical" (see sameWriting). */
  written: string;
}

const EMPTY_SURNAME: SurnameForm = {
  folded: '',
  core: '',
  joined: '',
  corePhonetic: '',
  joinedPhonetic: '',
  hasParticles: false,
  abbreviated: false,
  coreWithNi: '',
};

/**
 * Per-field memo: a million-patient registry has a few thousand distinct surnames and given-name strings,
 * so keying an import normalises each once instead of once per patient. Results are shared between
 * names and treated as immutable. A plain bound rather than an LRU (clearing is O(1)).
 */
const FIELD_CACHE_LIMIT = 100_000;
const surnameCache = new Map<string, SurnameForm>();
const givenNamesCache = new Map<string, GivenNameToken[]>();

/** Normalises one surname field: `DE LA GARZA`, `GZZ`, `Treviño`. */
export function normalizeSurname(surname: string): SurnameForm {
  let form = surnameCache.get(surname);
  if (form === undefined) {
    form = normalizeSurnameText(surname);
    if (surnameCache.size >= FIELD_CACHE_LIMIT) surnameCache.clear();
    surnameCache.set(surname, form);
  }
  return form;
}

function normalizeSurnameText(surname: string): SurnameForm {
  const words = foldWords(surname);
  if (words.length === 0) return EMPTY_SURNAME;
  let abbreviated = false;
  const expanded = words.map((word) => {
    const full = SURNAME_ABBREVIATIONS.get(word);
    if (full === undefined) return word;
    abbreviated = true;
    return full;
  });
  const core = coreOf(expanded);
  const joined = expanded.join('');
  const coreWords = expanded.filter((word) => !PARTICLES.has(word));
  return {
    folded: expanded.join(' '),
    core,
    joined,
    corePhonetic: phoneticCode(core),
    joinedPhonetic: phoneticCode(joined),
    hasParticles: coreWords.length !== expanded.length,
    abbreviated,
    coreWithNi: ENYE.test(surname)
      ? coreOf(foldWords(surname.normalize('NFC').replace(ENYE_ALL, 'NI')))
      : core,
  };
}

const ENYE = /[Ññ]|[Nn]\u0303/;
const ENYE_ALL = /[Ññ]|[Nn]\u0303/g;

/** The surname without its particles, run together; the particles themselves when it is nothing else. */
function coreOf(words: string[]): string {
  const coreWords = words.filter((word) => !PARTICLES.has(word));
  return coreWords.length > 0 ? coreWords.join('') : words.join('');
}

/** Normalises the given names: `MA. DEL CARMEN` → MARIA, CARMEN; `J. LUIS` → JOSE (initial J), LUIS. */
export function normalizeGivenNames(nombres: string): GivenNameToken[] {
  let tokens = givenNamesCache.get(nombres);
  if (tokens === undefined) {
    tokens = normalizeGivenNamesText(nombres);
    if (givenNamesCache.size >= FIELD_CACHE_LIMIT) givenNamesCache.clear();
    givenNamesCache.set(nombres, tokens);
  }
  return tokens;
}

function normalizeGivenNamesText(nombres: string): GivenNameToken[] {
  const tokens: GivenNameToken[] = [];
  for (const word of foldWords(nombres)) {
    const full = GIVEN_NAME_ABBREVIATIONS.get(word);
    const text = full ?? word;
    const initial = word.length === 1 && (full === undefined || AMBIGUOUS_INITIALS.has(word)) ? word : null;
    tokens.push({
      text,
      phonetic: phoneticCode(text),
      initial,
      expandedFrom: full === undefined ? null : word,
    });
  }
  const withoutParticles = tokens.filter((token) => !PARTICLES.has(token.text));
  return withoutParticles.length > 0 ? withoutParticles : tokens;
}

const CACHE_LIMIT = 50_000;
const cache = new Map<string, NormalizedName>();
const byRecord = new WeakMap<object, NormalizedName>();

/**
 * Normalises a name for matching. Memoised per record object (a repository that keeps its rows hits
 * this; records are treated as immutable) and by the name's text (common names repeat across patients and rows come back for many files).
 */
export function normalizeName(name: NameFields): NormalizedName {
  const known = byRecord.get(name);
  if (known !== undefined) return known;
  const normalized = normalizeNameText(name);
  byRecord.set(name, normalized);
  return normalized;
}

function normalizeNameText(name: NameFields): NormalizedName {
  const cacheKey = `${name.apellidoPaterno}\u0000${name.apellidoMaterno}\u0000${name.nombres}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const paterno = normalizeSurname(name.apellidoPaterno);
  const materno = normalizeSurname(name.apellidoMaterno);
  const given = normalizeGivenNames(name.nombres);
  const normalized: NormalizedName = {
    paterno,
    materno,
    given,
    key: [paterno.core, materno.core, ...given.map((token) => token.text)].filter(Boolean).join(' '),
    written: `${name.apellidoPaterno} ${name.apellidoMaterno} ${name.nombres}`,
  };
  // A plain bound rather than an LRU: a batch re-reads the same few thousand names, and clearing is O(1).
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, normalized);
  return normalized;
}

/** Whether two names are written identically, accents included (macOS decomposed accents count as equal). */
export function sameWriting(a: NormalizedName, b: NormalizedName): boolean {
  if (a.written === b.written) return true;
  const canonical = (text: string) => text.normalize('NFC').toUpperCase().replace(/\s+/g, ' ').trim();
  return canonical(a.written) === canonical(b.written);
}
