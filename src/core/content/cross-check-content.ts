import { compareNames } from '../matching/compare-names.js';
import { matchPatient, resolveThresholds } from '../matching/match-patient.js';
import { normalizeName } from '../matching/normalize-name.js';
import { isNearExpediente } from '../matching/near-expediente.js';
import { DICTIONARY_KNOWLEDGE, judgeSamePerson, type PersonJudgement } from '../matching/same-person.js';
import type {
  MatchDecision,
  MatchSuggestion,
  MatchThresholds,
  NameFields,
  NameQuery,
  PatientRecord,
  ScoredCandidate,
  TermFrequencies,
} from '../matching/types.js';
import { isIdentityAbsent } from './read-content-identity.js';
import type {
  ContentCheckDetails,
  ContentIdentity,
  ContentVerdict,
  FieldAgreement,
  PatientSummary,
} from './types.js';

/**
 * What the registry holds for the document's own identity: the patients retrieved for each query of
 * `contentLookupQueries` exactly as for a filename (the expediente's patient, or the ones a keystroke
 * from it; the patients under the name's blocking keys), and the term frequencies of those queries'
 * `tokenFrequencyKeys` (other keys may answer 0).
 */
export interface ContentLookup {
  candidates: readonly PatientRecord[];
  frequencies: TermFrequencies;
}

export interface CrossCheckContentInput {
  /** The filename's expediente and name (a ParsedFilename fits). */
  filename: NameQuery;
  /** `matchPatient`'s decision for the filename. */
  decision: MatchDecision;
  /** `readContentIdentity(text)`. */
  identity: ContentIdentity;
  /** Required whenever `contentLookupQueries` returned queries; otherwise ignored. */
  lookup?: ContentLookup | null;
  /** Opt-in: attach a review case whose document names its patient beyond doubt (`content_confirmed`). */
  trustContent?: boolean;
  thresholds?: Partial<MatchThresholds>;
}

export interface CrossCheckContentResult {
  verdict: ContentVerdict;
  /** The decision to act on: the filename's, a review (`content_mismatch`), or an attach (`content_confirmed`). */
  decision: MatchDecision;
  /** Also in `decision.matchingDetails.content`. */
  details: ContentCheckDetails;
}

const JUDGEMENT_RANK: Record<PersonJudgement, number> = { same: 2, uncertain: 1, another: 0 };

function nameReadings(identity: ContentIdentity): NameFields[] {
  const { name } = identity;
  if (name === null) return [];
  return name.alternative === null ? [name] : [name, name.alternative];
}

/**
 * Judgements already made, per identity and per person object: the wiring asks contentLookupQueries and
 * then crossCheckContent about the same document, and both compare the same names.
 */
const judged = new WeakMap<ContentIdentity, WeakMap<NameFields, PersonJudgement>>();

/** The kindest judgement over the readings of a name written without a comma. */
function judgeName(identity: ContentIdentity, person: NameFields): PersonJudgement {
  let memo = judged.get(identity);
  if (memo === undefined) judged.set(identity, (memo = new WeakMap()));
  let judgement = memo.get(person);
  if (judgement === undefined) {
    judgement = judgeReadings(identity, person);
    memo.set(person, judgement);
  }
  return judgement;
}

function judgeReadings(identity: ContentIdentity, person: NameFields): PersonJudgement {
  let best: PersonJudgement = 'another';
  for (const reading of nameReadings(identity)) {
    const judgement = judgeSamePerson(reading, person);
    if (JUDGEMENT_RANK[judgement] > JUDGEMENT_RANK[best]) best = judgement;
  }
  return best;
}

const REGISTRY_SEX: Readonly<Record<string, 'F' | 'M'>> = {
  F: 'F',
  FEMENINO: 'F',
  MUJER: 'F',
  M: 'M',
  MASCULINO: 'M',
  H: 'M',
  HOMBRE: 'M',
};

function registrySex(sexo: string | null | undefined): 'F' | 'M' | null {
  return sexo ? (REGISTRY_SEX[sexo.trim().toUpperCase()] ?? null) : null;
}

/**
 * The document's birth date as it may be read: one reading, or two for a numeric date under an English
 * label whose day and month could be either way round (see NumericDateOrder). The registry's date agrees
 * when it is either reading and contradicts only when it is neither, so no verdict rests on a guessed order.
 */
export function birthDateReadings(
  identity: Pick<ContentIdentity, 'birthDate' | 'birthDateAlternative'>,
): string[] {
  if (!identity.birthDate) return [];
  return identity.birthDateAlternative === null
    ? [identity.birthDate]
    : [identity.birthDate, identity.birthDateAlternative];
}

function birthDateText(identity: ContentIdentity): string {
  return (
    birthDateReadings(identity).join(' or ') +
    (identity.birthDateAlternative === null ? '' : ' (day and month order unclear)')
  );
}

function fullName(p: NameFields): string {
  const surnames = [p.apellidoPaterno, p.apellidoMaterno].filter(Boolean).join(' ');
  return `${surnames}, ${p.nombres}`;
}

function summarize(p: PatientRecord): PatientSummary {
  return {
    patient_id: p.id,
    expediente: p.expediente,
    nombre_completo: fullName(p),
    fecha_nacimiento: p.fechaNacimiento ?? null,
    sexo: p.sexo ?? null,
  };
}

/**
 * The patient the filename leads to: the one attached, or the one a reviewer is shown first. A review's first
 * candidate under another expediente (a homonym, a typo's neighbour) is only a suggestion: the document is
 * compared with it when it states that candidate's expediente (the typo the document resolves), and otherwise
 * with the filename itself — a document that states the filename's expediente, or no expediente, agrees with
 * its filename and tells against that candidate (see candidateNotes) rather than contradicting the filename.
 */
function filenameTarget(
  decision: MatchDecision,
  filename: NameQuery,
  identity: ContentIdentity,
): PatientRecord | null {
  if (decision.decision === 'new') return null;
  const candidate = decision.patient;
  if (
    decision.decision === 'review' &&
    candidate !== null &&
    candidate.expediente !== filename.expediente &&
    identity.expediente !== candidate.expediente
  )
    return null;
  return candidate;
}

/** What the document says against (or for) a review's candidate under another expediente, for the reviewer. */
function candidateNotes(identity: ContentIdentity, candidate: PatientRecord): string[] {
  const notes: string[] = [];
  const who = `candidate ${candidate.expediente}`;
  if (identity.birthDate !== null && candidate.fechaNacimiento) {
    notes.push(
      birthDateReadings(identity).includes(candidate.fechaNacimiento)
        ? `the document's birth date is ${who}'s (${candidate.fechaNacimiento})`
        : `the document's birth date ${birthDateText(identity)} is not ${who}'s (${candidate.fechaNacimiento})`,
    );
  }
  const sex = registrySex(candidate.sexo);
  if (identity.sex !== null && sex !== null) {
    notes.push(
      identity.sex === sex
        ? `the document's sex is ${who}'s (${sex})`
        : `the document's sex ${identity.sex} is not ${who}'s (${sex})`,
    );
  }
  return notes;
}

/** No registry needed when everything the document states is the filename's patient (or the filename itself). */
function agreesWithoutRegistry(input: Omit<CrossCheckContentInput, 'lookup'>): boolean {
  const { identity, filename, decision } = input;
  if (identity.otherExpedientes.length > 0 || identity.otherNames.length > 0) return false;
  if (identity.expediente === null && identity.name === null) return true;
  const target = filenameTarget(decision, filename, identity);
  const reference: NameFields & { expediente: string } = target ?? filename;
  const expedienteFits = identity.expediente === null || identity.expediente === reference.expediente;
  // Only the very name: a variant (surnames swapped, a given name more or less) may be exactly another
  // patient's, whom only the registry knows (see nameIsExactlyAnothers).
  const nameFits = identity.name === null || writtenExactly(identity, reference);
  return expedienteFits && nameFits;
}

/** Whether a reading of the document's name is this person's name (accents, case and spacing aside). */
function writtenExactly(identity: ContentIdentity, person: NameFields): boolean {
  const normalized = normalizeName(person);
  return nameReadings(identity).some(
    (reading) => compareNames(normalizeName(reading), normalized, DICTIONARY_KNOWLEDGE).exact,
  );
}

/**
 * A registry patient other than the filename's whose name the document writes exactly, while it writes the
 * filename's patient's only as a variant: `GARCIA HERNANDEZ, JOSE` under `HERNANDEZ GARCIA, JOSE`, `MARTINEZ
 * GOMEZ, ANA LUISA` under `MARTINEZ GOMEZ, ANA` — one person written two ways, or the other patient's document.
 */
function nameIsExactlyAnothers(
  identity: ContentIdentity,
  target: PatientRecord,
  lookup: ContentLookup | null,
): PatientRecord | null {
  if (lookup === null || writtenExactly(identity, target)) return null;
  return lookup.candidates.find((p) => p.id !== target.id && writtenExactly(identity, p)) ?? null;
}

/**
 * The registry look-ups the cross-check needs, as filename-like queries: none when the document states
 * nothing, or only what agrees with the patient the filename leads to (the common case, so ingest does
 * no extra query for it). Retrieve each as `matchAgainstRegistry` does and pass the union as `lookup`.
 */
export function contentLookupQueries(input: Omit<CrossCheckContentInput, 'lookup'>): NameQuery[] {
  const { identity, decision, trustContent } = input;
  if (isIdentityAbsent(identity) || (identity.expediente === null && identity.name === null)) return [];
  const confirmable =
    trustContent === true &&
    decision.decision !== 'auto' &&
    identity.expediente !== null &&
    identity.name !== null;
  if (!confirmable && agreesWithoutRegistry(input)) return [];
  const expediente = identity.expediente ?? '';
  const readings = nameReadings(identity);
  if (readings.length === 0) return [{ expediente, apellidoPaterno: '', apellidoMaterno: '', nombres: '' }];
  return readings.map((r) => ({
    expediente,
    apellidoPaterno: r.apellidoPaterno,
    apellidoMaterno: r.apellidoMaterno,
    nombres: r.nombres,
  }));
}

const DECISION_RANK = { auto: 2, review: 1, new: 0 } as const;

interface Resolved {
  /** The matcher's decision for the document's identity as if it were a filename. */
  decision: MatchDecision | null;
  patient: PatientRecord | null;
  by: 'expediente' | 'name';
}

/** Whom the document names in the registry: the matcher run on its identity, under the same rules. */
function resolveInRegistry(
  identity: ContentIdentity,
  lookup: ContentLookup,
  thresholds: MatchThresholds,
): Resolved {
  const expediente = identity.expediente ?? '';
  const readings = nameReadings(identity);
  if (readings.length === 0) {
    const patient = lookup.candidates.find((p) => p.expediente === expediente) ?? null;
    return { decision: null, patient, by: 'expediente' };
  }
  let best: MatchDecision | null = null;
  for (const reading of readings) {
    const decision = matchPatient({
      query: { expediente, ...pickName(reading) },
      candidates: lookup.candidates,
      frequencies: lookup.frequencies,
      thresholds,
    });
    if (
      best === null ||
      DECISION_RANK[decision.decision] > DECISION_RANK[best.decision] ||
      (decision.decision === best.decision && decision.confidence > best.confidence)
    )
      best = decision;
  }
  const patient = best !== null && best.decision !== 'new' ? best.patient : null;
  return {
    decision: best,
    patient,
    by: patient !== null && patient.expediente === expediente ? 'expediente' : 'name',
  };
}

function pickName(n: NameFields): NameFields {
  return { apellidoPaterno: n.apellidoPaterno, apellidoMaterno: n.apellidoMaterno, nombres: n.nombres };
}

interface Assessment {
  fields: ContentCheckDetails['fields'];
  /** A registry patient whose name the document writes, besides the one it resolves to (a reviewer's candidate). */
  namedByName: PatientRecord | null;
  reasons: string[];
  differs: boolean;
  agrees: boolean;
}

/** Field by field against the filename's patient (or, for a new patient, against the filename itself). */
function assess(
  input: CrossCheckContentInput,
  target: PatientRecord | null,
  resolved: Resolved | null,
  lookup: ContentLookup | null,
): Assessment {
  const { identity, filename } = input;
  const reasons: string[] = [];
  let differs = false;
  let agrees = false;
  const against = target === null ? "the filename's" : "the filename's patient's";
  const reference: NameFields & { expediente: string } = target ?? filename;
  const other =
    resolved?.patient !== undefined && resolved.patient !== null && resolved.patient.id !== target?.id
      ? resolved.patient
      : null;

  let expediente: FieldAgreement = 'not_stated';
  if (identity.expediente !== null) {
    if (identity.expediente === reference.expediente) {
      expediente = 'agrees';
      agrees = true;
    } else if (other !== null && other.expediente === identity.expediente) {
      expediente = 'differs';
      differs = true;
      reasons.push(
        `the document's expediente ${identity.expediente} is another registry patient's (${fullName(other)})`,
      );
    } else if (target !== null && isNearExpediente(identity.expediente, target.expediente)) {
      expediente = 'near';
      reasons.push(
        `the document's expediente ${identity.expediente} is one keystroke from ${target.expediente}`,
      );
    } else {
      expediente = 'differs';
      differs = true;
      reasons.push(
        `the document's expediente ${identity.expediente} is not ${against} (${reference.expediente})`,
      );
    }
  }

  let nombre: FieldAgreement = 'not_stated';
  let namedByName: PatientRecord | null = null;
  if (identity.name !== null) {
    const judgement = judgeName(identity, reference);
    const written = identity.name.written;
    if (judgement === 'same') {
      nombre = 'agrees';
      agrees = true;
    } else {
      nombre = judgement === 'another' ? 'differs' : 'uncertain';
      differs = true;
      reasons.push(
        judgement === 'another'
          ? `the document names ${written}, clearly another person than ${fullName(reference)}`
          : `the document names ${written}, not the same name as ${fullName(reference)}`,
      );
    }
    // Another registry patient the name points to: the one the document resolves to by its name, or, when the
    // name agrees with the filename's patient only as a variant, one whose name it writes exactly.
    let namesOther: PatientRecord | null = null;
    if (other !== null && resolved?.by === 'name') namesOther = other;
    else if (target !== null && nombre === 'agrees')
      namesOther = nameIsExactlyAnothers(identity, target, lookup);
    if (namesOther !== null) {
      namedByName = namesOther;
      if (nombre === 'agrees') nombre = 'uncertain';
      differs = true;
      reasons.push(
        `the document's name is registry patient ${namesOther.expediente}'s (${fullName(namesOther)})`,
      );
    }
  }
  if (other !== null && target === null && !reasons.some((r) => r.includes(other.expediente))) {
    differs = true;
    reasons.push(namesRegistryPatient(input.decision, other));
  }

  let fechaNacimiento: FieldAgreement = identity.birthDate === null ? 'not_stated' : 'not_comparable';
  if (identity.birthDate !== null && target?.fechaNacimiento) {
    if (birthDateReadings(identity).includes(target.fechaNacimiento)) {
      fechaNacimiento = 'agrees';
      agrees = true;
    } else {
      fechaNacimiento = 'differs';
      differs = true;
      reasons.push(`the document's birth date ${birthDateText(identity)} is not ${target.fechaNacimiento}`);
    }
  }

  let sexo: FieldAgreement = identity.sex === null ? 'not_stated' : 'not_comparable';
  const targetSex = registrySex(target?.sexo);
  if (identity.sex !== null && targetSex !== null) {
    if (identity.sex === targetSex) {
      sexo = 'agrees';
      agrees = true;
    } else {
      sexo = 'differs';
      differs = true;
      reasons.push(`the document's sex ${identity.sex} is not the registry's ${targetSex}`);
    }
  }

  if (identity.otherExpedientes.length > 0 || identity.otherNames.length > 0) {
    differs = true;
    const others = [...identity.otherExpedientes, ...identity.otherNames].join(', ');
    reasons.push(`the document also names another patient (${others}): pages of two patients?`);
  }
  return {
    fields: { expediente, nombre, fecha_nacimiento: fechaNacimiento, sexo },
    namedByName,
    reasons,
    differs,
    agrees,
  };
}

/**
 * A registry patient the document names while the filename leads to none of its own: a new patient's
 * filename, or a review whose first candidate is under another expediente (compared with the filename).
 */
function namesRegistryPatient(decision: MatchDecision, other: PatientRecord): string {
  if (decision.decision === 'new')
    return `the filename describes a new patient, the document names registry patient ${other.expediente}`;
  return decision.patient === null
    ? `the document names registry patient ${other.expediente}, whom the filename's match did not find`
    : `the document names registry patient ${other.expediente}, not the review's candidate ${decision.patient.expediente}`;
}

/** The content's patient, scored against the filename so a reviewer can pick it beside the others. */
function candidateFor(
  patient: PatientRecord,
  filename: NameQuery,
  lookup: ContentLookup,
  thresholds: MatchThresholds,
): ScoredCandidate | undefined {
  const scored = matchPatient({
    query: filename,
    candidates: [patient],
    frequencies: lookup.frequencies,
    thresholds,
  }).candidates[0];
  if (scored === undefined) return undefined;
  return { ...scored, reasons: ["named by the document's own text", ...scored.reasons] };
}

function suggestionsOf(candidates: readonly ScoredCandidate[]): MatchSuggestion[] {
  return candidates.map((c) => ({
    patient_id: c.patient.id,
    expediente: c.patient.expediente,
    nombre_completo: fullName(c.patient),
    confidence: Math.round(c.scores.combined * 10_000) / 10_000,
    reasons: c.reasons,
  }));
}

/**
 * Opt-in confirmation (issue 15 point 3): the document's expediente and full name identify one registry
 * patient under the matcher's own attach rule, its birth date and sex do not contradict that patient,
 * the filename's name is a light variant of that patient's, and the filename's expediente does not
 * belong to somebody else of that name. The typical expediente typo.
 */
function confirmedPatient(input: CrossCheckContentInput, resolved: Resolved | null): PatientRecord | null {
  const { identity, filename, decision } = input;
  if (resolved?.decision == null || resolved.decision.decision !== 'auto' || resolved.by !== 'expediente')
    return null;
  if (identity.otherExpedientes.length > 0 || identity.otherNames.length > 0) return null;
  const patient = resolved.patient;
  if (patient === null || identity.name === null) return null;
  // A full name: a document that leaves out the materno the registry has is not enough on its own.
  const chosen = resolved.decision.candidates.find((c) => c.patient.id === patient.id);
  if (
    chosen === undefined ||
    (chosen.name.fields.materno.kind === 'missing' && patient.apellidoMaterno !== '')
  )
    return null;
  if (
    identity.birthDate !== null &&
    patient.fechaNacimiento &&
    !birthDateReadings(identity).includes(patient.fechaNacimiento)
  )
    return null;
  const sex = registrySex(patient.sexo);
  if (identity.sex !== null && sex !== null && identity.sex !== sex) return null;
  const known = decision.candidates.find((c) => c.patient.id === patient.id);
  const filenameFits =
    known?.name.light ??
    compareNames(normalizeName(filename), normalizeName(patient), DICTIONARY_KNOWLEDGE).light;
  if (!filenameFits) return null;
  // The filename's expediente is another patient of that name's, or one keystroke from it: the filename may
  // then be that homonym's and the document somebody else's — two signals that disagree, not a typo resolved.
  const homonym = decision.candidates.find(
    (c) =>
      c.patient.id !== patient.id &&
      (c.patient.expediente === filename.expediente ||
        isNearExpediente(c.patient.expediente, filename.expediente)) &&
      judgeSamePerson(filename, c.patient) === 'same',
  );
  if (homonym !== undefined) return null;
  return patient;
}

/**
 * The content cross-check (issue 15): compares the identity the document states with the patient the
 * filename leads to, and returns the verdict and the decision to act on. Content is never silently
 * overruled: a document naming someone else sends an automatic attachment (or a new patient) to review
 * as `content_mismatch`; a document that agrees is recorded as evidence and changes nothing; a document
 * that states nothing changes nothing. With `trustContent`, a review case is attached when the document
 * names its patient beyond doubt (`content_confirmed`). Pure and synchronous.
 */
export function crossCheckContent(input: CrossCheckContentInput): CrossCheckContentResult {
  const thresholds = resolveThresholds(input.thresholds);
  const { identity, decision: original, filename } = input;
  const trustContent = input.trustContent === true;
  const target = filenameTarget(original, filename, identity);
  const needsRegistry = contentLookupQueries(input).length > 0;
  const lookup = needsRegistry ? (input.lookup ?? null) : null;
  const resolved = lookup === null ? null : resolveInRegistry(identity, lookup, thresholds);

  const identityDetails: ContentCheckDetails['identity'] = {
    expediente: identity.expediente,
    nombre_completo: identity.name === null ? null : fullName(identity.name),
    nombre_escrito: identity.name?.written ?? null,
    fecha_nacimiento: identity.birthDate,
    fecha_nacimiento_alternativa: identity.birthDateAlternative,
    sexo: identity.sex,
    evidence: identity.evidence,
    other_expedientes: identity.otherExpedientes,
    other_names: identity.otherNames,
  };
  const base = {
    identity: identityDetails,
    compared_with: target === null ? null : summarize(target),
    filename_decision: {
      decision: original.decision,
      reason: original.reason,
      patient_id: target?.id ?? null,
    },
    registry_checked: lookup !== null,
    trust_content: trustContent,
  };

  if (isIdentityAbsent(identity)) {
    const details: ContentCheckDetails = {
      ...base,
      verdict: 'absent',
      fields: {
        expediente: 'not_stated',
        nombre: 'not_stated',
        fecha_nacimiento: 'not_stated',
        sexo: 'not_stated',
      },
      content_patient: null,
      reasons: ['the document states no patient identity'],
    };
    return { verdict: 'absent', decision: withDetails(original, details), details };
  }

  const assessment = assess(input, target, resolved, lookup);
  const compared: ContentVerdict = assessment.differs
    ? 'contradicts'
    : assessment.agrees
      ? 'agrees'
      : 'absent';
  const reasons = [...assessment.reasons];
  if (compared === 'agrees')
    reasons.unshift(
      target === null && original.decision === 'review'
        ? 'the document agrees with its filename (the filename leads to no registry patient of its own)'
        : "the document names the filename's patient",
    );
  if (compared === 'absent') reasons.unshift('nothing the document states can be compared');
  if (target === null && original.decision === 'review' && original.patient !== null)
    reasons.push(...candidateNotes(identity, original.patient));
  if (needsRegistry && lookup === null)
    reasons.push('the registry was not consulted for the document’s identity');
  const contentPatient = resolved?.patient ?? null;
  const details: ContentCheckDetails = {
    ...base,
    verdict: compared,
    fields: assessment.fields,
    content_patient: contentPatient === null ? null : { ...summarize(contentPatient), by: resolved!.by },
    reasons,
  };

  let decision = original;
  if (compared === 'contradicts') {
    let candidates = original.candidates;
    for (const named of [contentPatient, assessment.namedByName]) {
      if (named === null || lookup === null || candidates.some((c) => c.patient.id === named.id)) continue;
      const extra = candidateFor(named, filename, lookup, thresholds);
      if (extra !== undefined) candidates = [...candidates, extra];
    }
    if (original.decision !== 'review')
      reasons.push(`the filename's decision (${original.decision}) goes to review`);
    decision = {
      decision: 'review',
      reason: 'content_mismatch',
      confidence: Math.min(original.confidence, Math.round((thresholds.auto - 0.01) * 10_000) / 10_000),
      patient: target ?? (original.decision === 'review' ? original.patient : null) ?? contentPatient,
      candidates,
      matchingDetails: {
        ...original.matchingDetails,
        reason: 'content_mismatch',
        suggestions: suggestionsOf(candidates),
      },
    };
  }
  if (trustContent && decision.decision === 'review') {
    const confirmed = confirmedPatient(input, resolved);
    if (confirmed !== null) {
      // The patient is now the document's choice: a verdict left at `contradicts` (against the filename's
      // match) read as a wrong attachment. What the filename said stays in the reasons after this one.
      details.verdict = 'confirmed';
      reasons.unshift(
        `confirmed by the document's own expediente and full name: registry patient ${confirmed.expediente} ` +
          `(${fullName(confirmed)})`,
      );
      let candidates = decision.candidates;
      if (!candidates.some((c) => c.patient.id === confirmed.id) && lookup !== null) {
        const extra = candidateFor(confirmed, filename, lookup, thresholds);
        if (extra !== undefined) candidates = [extra, ...candidates];
      }
      decision = {
        decision: 'auto',
        reason: 'content_confirmed',
        confidence: Math.max(thresholds.auto, Math.min(1, decision.confidence)),
        patient: confirmed,
        candidates,
        matchingDetails: {
          ...decision.matchingDetails,
          reason: 'content_confirmed',
          suggestions: suggestionsOf(candidates),
        },
      };
    }
  }
  return { verdict: details.verdict, decision: withDetails(decision, details), details };
}

function withDetails(decision: MatchDecision, details: ContentCheckDetails): MatchDecision {
  return { ...decision, matchingDetails: { ...decision.matchingDetails, content: details } };
}
