import { compareNames, leavesOutFirstGivenName, type NameKnowledge } from './compare-names.js';
import { describeNameComparison } from './describe-match.js';
import { describeNameFrequency } from './name-frequency.js';
import { differOnlyInLeadingZeros, isNearExpediente } from './near-expediente.js';
import { normalizeName, type NormalizedName } from './normalize-name.js';
import { isClearlyAnotherPerson } from './same-person.js';
import {
  contradictsRegisteredSex,
  describeSexContradiction,
  type SexContradiction,
} from './sex-of-given-names.js';
import { jaroWinkler, levenshteinRatio, tokenSortRatio, wordIntersection } from './string-similarity.js';
import type {
  MatchDecision,
  MatchDecisionKind,
  MatchPatientInput,
  MatchReason,
  MatchThresholds,
  NameComparison,
  NameFields,
  PatientRecord,
  ScoredCandidate,
} from './types.js';
import { formatPatientName } from '../registry/patient-name.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

export { DEFAULT_THRESHOLDS };
export const MATCHING_ALGORITHM =
  'tecsalud-batch/1: expediente + name (levenshtein, jaro-winkler, token, word-intersection, phonetic, term-frequency)';

const MAX_CANDIDATES = 5;
/** A name-only match is never proof: even a perfect, rare name stays below auto. */
const NAME_ONLY_WEIGHT = 0.9;
/**
 * Without the expediente, only the same name (accents, particles and abbreviations aside) is evidence
 * enough for a review: a duplicate would need both an expediente that is not a typo and a misspelt name.
 * Anything weaker is scaled below the review threshold, so new patients with similar names stay `new`.
 */
const NAME_ONLY_MIN_SIMILARITY = 0.98;
const WEAK_NAME_WEIGHT = 0.6;
/** Below this a near expediente is a neighbour, not a typo of the same patient. */
const EXPEDIENTE_TYPO_MIN_NAME = 0.75;
/**
 * A name expected on fewer registry patients than this (by chance) is rare: somebody carrying it exactly
 * is then a surprise (1 − e^−0.25 ≈ 22 %), not the ordinary company of a common name.
 */
const RARE_NAME_HOMONYMS = 0.25;

export function resolveThresholds(overrides: Partial<MatchThresholds> = {}): MatchThresholds {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...overrides };
  const { auto, review } = thresholds;
  if (!(review >= 0 && review <= auto && auto <= 1)) {
    throw new RangeError(
      `Matching thresholds must satisfy 0 ≤ review ≤ auto ≤ 1 (got review ${review}, auto ${auto})`,
    );
  }
  return thresholds;
}

function surnamesSwapped(name: NormalizedName): string {
  return [name.materno.core, name.paterno.core, ...name.given.map((t) => t.text)].filter(Boolean).join(' ');
}

/** Stage one, for every candidate: the structural comparison and the confidence that decides. */
interface Ranked {
  patient: PatientRecord;
  normalized: NormalizedName;
  name: NameComparison;
  idMatch: boolean;
  nearId: boolean;
  /** The filename's first given name marks the sex the registry does not record for this patient. */
  sexContradiction: SexContradiction | null;
  combined: number;
}

function compareCandidate(
  query: NormalizedName,
  expediente: string,
  patient: PatientRecord,
  knowledge: NameKnowledge,
): Ranked {
  const idMatch = expediente !== '' && patient.expediente === expediente;
  const normalized = normalizeName(patient);
  return {
    patient,
    normalized,
    name: compareNames(query, normalized, knowledge),
    idMatch,
    nearId: !idMatch && isNearExpediente(expediente, patient.expediente),
    sexContradiction: contradictsRegisteredSex(query.given, normalized.given, patient.sexo),
    combined: 0,
  };
}

function confidenceOf(c: Ranked, frequencyWeight: number): number {
  if (c.idMatch) return 0.5 + 0.5 * c.name.score;
  if (c.nearId && c.name.light) return NAME_ONLY_WEIGHT * c.name.score;
  const strong = c.name.light && c.name.score >= NAME_ONLY_MIN_SIMILARITY;
  return NAME_ONLY_WEIGHT * c.name.score * frequencyWeight * (strong ? 1 : WEAK_NAME_WEIGHT);
}

/** Stage two, only for the candidates shown: the string signals and the reasons, for people to read. */
function explainCandidate(
  query: NormalizedName,
  expediente: string,
  c: Ranked,
  frequencyWeight: number,
): ScoredCandidate {
  const candidateKey = c.name.alignment === 'swapped' ? surnamesSwapped(c.normalized) : c.normalized.key;
  const reasons = [
    c.idMatch
      ? 'expediente matches'
      : c.nearId
        ? differOnlyInLeadingZeros(c.patient.expediente, expediente)
          ? `expediente the same number but for leading zeros (${c.patient.expediente})`
          : `expediente one keystroke from the filename's (${c.patient.expediente})`
        : `expediente differs (${c.patient.expediente})`,
    ...describeNameComparison(query, c.normalized, c.name),
    ...(c.sexContradiction === null ? [] : [describeSexContradiction(c.sexContradiction)]),
  ];
  return {
    patient: c.patient,
    scores: {
      idMatch: c.idMatch ? 1 : 0,
      nearId: c.nearId ? 1 : 0,
      levenshtein: levenshteinRatio(query.key, candidateKey),
      jaroWinkler: jaroWinkler(query.key, candidateKey),
      token: tokenSortRatio(query.key, candidateKey),
      wordIntersection: wordIntersection(query.key, candidateKey),
      nameSimilarity: c.name.score,
      frequencyWeight: c.idMatch ? 1 : frequencyWeight,
      combined: c.combined,
    },
    name: c.name,
    reasons,
  };
}

function byConfidence(a: Ranked, b: Ranked): number {
  return (
    b.combined - a.combined ||
    Number(b.idMatch) - Number(a.idMatch) ||
    (a.patient.expediente < b.patient.expediente
      ? -1
      : a.patient.expediente > b.patient.expediente
        ? 1
        : 0) ||
    (a.patient.id < b.patient.id ? -1 : a.patient.id > b.patient.id ? 1 : 0)
  );
}

function uniqueById(candidates: readonly PatientRecord[]): PatientRecord[] {
  const seen = new Set<string>();
  return candidates.filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
}

interface Verdict {
  decision: MatchDecisionKind;
  reason: MatchReason;
  chosen: Ranked | null;
  confidence: number;
}

/**
 * A light variant that still leaves the registered patient in doubt, which the expediente alone must not
 * settle: the filename's MA GUADALUPE on a man registered as GUADALUPE is a sister as likely as him
 * (GUADALUPE alone is given to both sexes); DE LA GARZA, CARLOS on JUAN CARLOS DE LA GARZA TREVIÑO leaves
 * out both the first given name and the materno, and what is left is his father's name as much as his (a
 * son is named JUAN CARLOS after a CARLOS, and the materno is what tells them apart).
 */
function leavesPatientInDoubt(query: NormalizedName, c: Ranked, knowledge: NameKnowledge): boolean {
  if (c.name.exact) return false;
  if (c.sexContradiction !== null) return true;
  const { materno, nombres } = c.name.fields;
  return (
    materno.kind === 'missing' &&
    nombres.kind === 'dropped_name' &&
    leavesOutFirstGivenName(query.given, c.normalized.given, knowledge)
  );
}

/** Expediente found: attach, or review — never `new`, which would duplicate the expediente. */
function decideWithExpediente(
  query: NameFields,
  idCandidate: Ranked,
  others: Ranked[],
  thresholds: MatchThresholds,
  expectedHomonyms: number,
  inDoubt: boolean,
): Verdict {
  const { name, combined } = idCandidate;
  const belowAuto = Math.min(combined, thresholds.auto - 0.01);
  // JUAN vs JUAN CARLOS with the same rare surnames may be father and son: then the file's exact name on
  // another patient is a warning. For a common name, somebody carries it exactly by chance, which says
  // nothing about this file.
  const someoneElseExactly =
    !name.exact && expectedHomonyms < RARE_NAME_HOMONYMS && others.some((o) => o.name.exact);
  // Twins and siblings get neighbouring expedientes. When the name fits the patient one keystroke away at
  // least as well (JUAN for JUAN PABLO and for his twin JUAN CARLOS), only the expediente tells them
  // apart, and one slipped digit would file the document with the other, however common the name.
  const neighbourFitsAsWell =
    !name.exact && others.some((o) => o.nearId && o.name.light && o.name.score >= name.score);
  if (name.light && combined >= thresholds.auto && !someoneElseExactly && !neighbourFitsAsWell && !inDoubt) {
    const reason = name.exact ? 'exact_id_and_name' : 'exact_id_name_variant';
    return { decision: 'auto', reason, chosen: idCandidate, confidence: combined };
  }
  let reason: MatchReason;
  if (name.light && someoneElseExactly) reason = 'id_match_name_fits_other';
  else if (name.light && neighbourFitsAsWell) reason = 'id_match_name_fits_neighbour';
  // `id_conflict` is DECISIONS 5's "clearly another person", the same predicate as the review's banner:
  // a sibling on the same surnames or a typo the structure misses (GRABIELA/GABRIELA) is only partial.
  else if (name.light || !isClearlyAnotherPerson(query, idCandidate.patient))
    reason = 'id_match_name_partial';
  else reason = 'id_conflict';
  return { decision: 'review', reason, chosen: idCandidate, confidence: belowAuto };
}

/** Expediente absent: never `auto`. Review only what a records clerk could resolve. */
function decideWithoutExpediente(
  query: NameFields,
  expediente: string,
  ranked: Ranked[],
  thresholds: MatchThresholds,
): Verdict {
  const belowAuto = (c: Ranked) => Math.min(c.combined, thresholds.auto - 0.01);
  const typo = ranked.find((c) => c.nearId && c.name.score >= EXPEDIENTE_TYPO_MIN_NAME);
  if (typo !== undefined) {
    return {
      decision: 'review',
      reason: 'expediente_typo',
      chosen: typo,
      confidence: Math.max(thresholds.review, belowAuto(typo)),
    };
  }
  // 30005001 is 0030005001 with its zeros lost (a spreadsheet's doing): the registry holds this number, so
  // a new patient would be a second one under it — the import refuses that too. Whoever else the name is,
  // this is the expediente-found case, reviewed as such.
  const sameNumber = ranked.find((c) => differOnlyInLeadingZeros(c.patient.expediente, expediente));
  if (sameNumber !== undefined) {
    return {
      decision: 'review',
      reason: isClearlyAnotherPerson(query, sameNumber.patient) ? 'id_conflict' : 'id_match_name_partial',
      chosen: sameNumber,
      confidence: belowAuto(sameNumber),
    };
  }
  const best = ranked[0];
  if (best === undefined) return { decision: 'new', reason: 'no_candidates', chosen: null, confidence: 0 };
  const strong = best.name.light && best.name.score >= NAME_ONLY_MIN_SIMILARITY;
  if (strong && best.combined >= thresholds.review) {
    return { decision: 'review', reason: 'name_only_match', chosen: best, confidence: belowAuto(best) };
  }
  return {
    decision: 'new',
    reason: strong ? 'common_name_homonyms' : 'no_plausible_candidate',
    chosen: null,
    confidence: best.combined,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/**
 * Decides whether a file belongs to a registry patient (`auto`), needs a person (`review`), or is a new
 * patient (`new`). Pure and synchronous. The safety rules outrank every score: only an expediente match
 * with a light name variant auto-assigns; an expediente match never creates a patient; common names
 * count for less than rare ones.
 */
export function matchPatient(input: MatchPatientInput): MatchDecision {
  const thresholds = resolveThresholds(input.thresholds);
  const query = normalizeName(input.query);
  const expediente = input.query.expediente.trim();
  const { knowledge, expectedHomonyms } = describeNameFrequency(query, input.frequencies);

  const compared = uniqueById(input.candidates).map((p) => compareCandidate(query, expediente, p, knowledge));
  // Other registry patients that carry this name are homonyms in fact; the estimate covers the rest.
  let lightNameOnly = 0;
  for (const c of compared) if (!c.idMatch && c.name.light) lightNameOnly++;
  const homonyms = Math.max(expectedHomonyms, lightNameOnly - 1);
  const frequencyWeight = 1 / (1 + homonyms);
  for (const c of compared) c.combined = confidenceOf(c, frequencyWeight);
  const ranked = compared.sort(byConfidence);

  const idCandidate = ranked.find((c) => c.idMatch);
  const verdict =
    idCandidate !== undefined
      ? decideWithExpediente(
          input.query,
          idCandidate,
          ranked.filter((c) => c !== idCandidate),
          thresholds,
          expectedHomonyms,
          leavesPatientInDoubt(query, idCandidate, knowledge),
        )
      : decideWithoutExpediente(input.query, expediente, ranked, thresholds);

  const shown = ranked.slice(0, MAX_CANDIDATES);
  // The patient the verdict names is always among those shown, however low its score.
  const chosen = verdict.chosen;
  if (chosen !== null && !shown.includes(chosen)) shown[shown.length - 1] = chosen;
  const top = shown.map((c) => explainCandidate(query, expediente, c, frequencyWeight));
  if (verdict.reason === 'common_name_homonyms') {
    top[0]?.reasons.push(`common name: about ${homonyms.toFixed(1)} other patients are expected to share it`);
  }
  const reference = verdict.chosen ?? ranked[0];
  return {
    decision: verdict.decision,
    confidence: round(verdict.confidence),
    reason: verdict.reason,
    patient: verdict.chosen?.patient ?? null,
    candidates: top,
    matchingDetails: {
      algorithm: MATCHING_ALGORITHM,
      name_similarity: round(reference?.name.score ?? 0),
      id_match: idCandidate !== undefined,
      suggestions: top.map((c) => ({
        patient_id: c.patient.id,
        expediente: c.patient.expediente,
        nombre_completo: formatPatientName(c.patient),
        confidence: round(c.scores.combined),
        reasons: c.reasons,
      })),
      reason: verdict.reason,
      thresholds,
      expected_homonyms: round(expectedHomonyms),
    },
  };
}

// Re-exported for callers that take the whole matching API from this module.
export { queryBlockingKeys, tokenFrequencyKeys } from './blocking-keys.js';
