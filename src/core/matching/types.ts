import type { ContentCheckDetails } from '../content/types.js';

/** A patient as the matcher sees it: registry data only, no database types. */
export interface PatientRecord {
  id: string;
  expediente: string;
  apellidoPaterno: string;
  /** Empty string when the patient has a single surname. */
  apellidoMaterno: string;
  nombres: string;
  fechaNacimiento?: string | null;
  sexo?: string | null;
}

/** The name fields the matcher needs from a parsed filename (or any other source). */
export interface NameQuery {
  expediente: string;
  apellidoPaterno: string;
  apellidoMaterno: string;
  nombres: string;
}

/** The three name fields, from a filename or from the registry. */
export type NameFields = Pick<NameQuery, 'apellidoPaterno' | 'apellidoMaterno' | 'nombres'>;

export type MatchDecisionKind = 'auto' | 'review' | 'new';

/**
 * Why the matcher decided what it did. Safety rules come first: an `id_*` reason never comes with `new`,
 * and only `exact_id_and_name` / `exact_id_name_variant` (and, opted in, `content_confirmed`) come with `auto`.
 */
export type MatchReason =
  /** auto: the expediente is in the registry and the name is the same after normalisation. */
  | 'exact_id_and_name'
  /** auto: the expediente is in the registry and the name is a light variant (typo, accents, abbreviation…). */
  | 'exact_id_name_variant'
  /** review: the expediente matches, the name is close but not close enough to attach unseen. */
  | 'id_match_name_partial'
  /** review: the expediente matches a light variant, but another patient carries exactly this name. */
  | 'id_match_name_fits_other'
  /**
   * review: the expediente matches a light variant that is not the exact name, and a patient whose
   * expediente is one keystroke away fits the name at least as well (twins, siblings).
   */
  | 'id_match_name_fits_neighbour'
  /** review: the expediente is in the registry, but the name clearly belongs to someone else (isClearlyAnotherPerson). */
  | 'id_conflict'
  /** review: the expediente is absent, and a patient with this name has an expediente one keystroke away. */
  | 'expediente_typo'
  /** review: the expediente is absent, but the name (rare enough to mean something) is in the registry. */
  | 'name_only_match'
  /** new: the expediente is absent; patients with this name exist, but the name is too common to mean it. */
  | 'common_name_homonyms'
  /** new: the expediente is absent and no candidate is close enough. */
  | 'no_plausible_candidate'
  /** new: the expediente is absent and there were no candidates at all. */
  | 'no_candidates'
  /** review: the document's own text names another patient than the filename (content cross-check). */
  | 'content_mismatch'
  /** auto (opt-in `trustContent`): the document's expediente and full name confirmed a review case's patient. */
  | 'content_confirmed';

/** How one name field of the query compares with the same field of a candidate. */
export type FieldMatchKind =
  | 'exact'
  | 'abbreviation'
  | 'particle'
  | 'enye_as_ni'
  | 'phonetic'
  | 'typo'
  | 'initial'
  | 'missing'
  | 'dropped_name'
  | 'split'
  | 'near'
  | 'gender'
  | 'generation'
  | 'distinct_name'
  | 'first_letter'
  | 'reordered'
  | 'different';

export interface FieldMatch {
  kind: FieldMatchKind;
  /** 0–1; 1 only for `exact`. */
  similarity: number;
  /** A light variant: on its own, never a reason to doubt an expediente match. */
  light: boolean;
}

export interface NameComparison {
  /** Structural name similarity 0–1: the product of the field similarities and an alignment factor. */
  score: number;
  /** Every field is a light variant and the alignment is one a clerk would produce. */
  light: boolean;
  /** Identical after normalisation (accents, punctuation and spacing aside). */
  exact: boolean;
  alignment: 'straight' | 'swapped' | 'merged_surnames';
  fields: { paterno: FieldMatch; materno: FieldMatch; nombres: FieldMatch };
}

/** Per-signal scores for one candidate, all 0–1. */
export interface CandidateScores {
  /** 1 when the candidate's expediente equals the query's. */
  idMatch: number;
  /** 1 when the candidate's expediente is one keystroke from the query's (and not equal). */
  nearId: number;
  /** 1 − normalised Levenshtein distance between the aligned, normalised full names. */
  levenshtein: number;
  /** Jaro-Winkler on the same strings (reported; its prefix bias never decides an auto-assign). */
  jaroWinkler: number;
  /** Levenshtein ratio of the sorted words (word order ignored). */
  token: number;
  /** Dice coefficient of the word sets. */
  wordIntersection: number;
  /** Structural similarity from field-by-field comparison (see NameComparison.score). */
  nameSimilarity: number;
  /** How much a name-only match on this name is worth, 1 for rare names down toward 0 for very common ones. */
  frequencyWeight: number;
  /** The candidate's confidence: what the decision thresholds are applied to. */
  combined: number;
}

export interface ScoredCandidate {
  patient: PatientRecord;
  scores: CandidateScores;
  name: NameComparison;
  /** Human-readable, Spanish-registry-aware explanations, e.g. "one-letter typo in apellido materno". */
  reasons: string[];
}

export interface MatchSuggestion {
  patient_id: string;
  expediente: string;
  nombre_completo: string;
  confidence: number;
  reasons: string[];
}

/** Shaped like the hospital service's `matching_details` column. */
export interface MatchingDetails {
  algorithm: string;
  /** Name similarity of the decided patient (or of the best candidate when none was decided). */
  name_similarity: number;
  id_match: boolean;
  suggestions: MatchSuggestion[];
  reason: MatchReason;
  thresholds: MatchThresholds;
  /** Registry patients expected to share this name by chance, from term frequencies. */
  expected_homonyms: number;
  /** The content cross-check (crossCheckContent), when the document's text was read. */
  content?: ContentCheckDetails;
}

export interface MatchThresholds {
  /** Confidence at or above which an expediente match is attached automatically (default 0.95). */
  auto: number;
  /** Confidence at or above which a file goes to review rather than creating a patient (default 0.60). */
  review: number;
}

export interface MatchDecision {
  decision: MatchDecisionKind;
  /** 0–1. Safety rules may override it: a review can carry a low confidence (id_conflict), never ≥ auto. */
  confidence: number;
  reason: MatchReason;
  /** The patient to attach (auto) or the one to check first (review); null for new. */
  patient: PatientRecord | null;
  /** Best first, at most 5; the expediente's patient is always included when there is one. */
  candidates: ScoredCandidate[];
  matchingDetails: MatchingDetails;
}

/** Registry term frequencies: number of patients carrying a `t:` key (see tokenFrequencyKeys). */
export interface TermFrequencies {
  totalPatients: number;
  count(key: string): number;
}

export interface MatchPatientInput {
  query: NameQuery;
  /** The expediente's patient (if any), patients sharing a blocking key, and near-expediente patients. */
  candidates: readonly PatientRecord[];
  frequencies: TermFrequencies;
  thresholds?: Partial<MatchThresholds>;
}
