import { foldText } from '../core/matching/fold-text.js';
import { differOnlyInLeadingZeros } from '../core/matching/near-expediente.js';
import { isClearlyAnotherPerson } from '../core/matching/same-person.js';
import type { FieldMatch, MatchThresholds, NameFields, ScoredCandidate } from '../core/matching/types.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import type { PatientDocumentsSummary } from '../db/repositories/document-repository.js';
import { compareBirthDates, compareNames, compareValues } from './document-identity.js';
import type { AttachRisk, CandidateEvidence, DocumentIdentity, NameFieldEvidence } from './types.js';

export interface CandidateContext {
  /** The filename's expediente and name; null when the filename does not parse. */
  filename: (NameFields & { expediente: string }) | null;
  document: DocumentIdentity | null;
  thresholds: MatchThresholds;
  documents: ReadonlyMap<string, PatientDocumentsSummary>;
}

/** One candidate as the review shows it (see CandidateEvidence). Pure. */
export function describeCandidate(
  candidate: ScoredCandidate,
  rank: number,
  context: CandidateContext,
): CandidateEvidence {
  const p = candidate.patient;
  const { filename, document } = context;
  // The very number, or it with other leading zeros (a spreadsheet drops them): either way the patient's own.
  const holdsExpediente =
    filename !== null &&
    (p.expediente === filename.expediente || differOnlyInLeadingZeros(p.expediente, filename.expediente));
  const held = context.documents.get(p.id);
  const agreement = {
    expediente: compareValues(document?.expediente, p.expediente),
    name: compareNames(document?.nameFields, p),
    birthDate: compareBirthDates(document, p.fechaNacimiento),
    sex: compareValues(document?.sex, p.sexo),
  };
  const risks: AttachRisk[] = [];
  if (holdsExpediente && filename && isClearlyAnotherPerson(filename, p)) risks.push('id_conflict');
  if (candidate.scores.combined < context.thresholds.review) risks.push('below_review_threshold');
  if (agreement.birthDate === 'differs') risks.push('birth_date_contradicts');
  if (agreement.sex === 'differs') risks.push('sex_contradicts');
  // The document's own identity against this patient: one keystroke must not attach a misfiled document.
  if (agreement.expediente === 'differs') risks.push('expediente_contradicts');
  if (agreement.name === 'differs') risks.push('name_contradicts');
  // Whoever the first pages name, an attach files the whole file: another patient's pages go with it.
  if (document && (document.otherExpedientes.length > 0 || document.otherNames.length > 0))
    risks.push('second_patient_in_file');
  const swapped = candidate.name.alignment === 'swapped';
  const field = (match: FieldMatch, query: string, registry: string): NameFieldEvidence => ({
    kind: match.kind,
    filename: foldText(query),
    candidate: foldText(registry),
  });
  return {
    rank,
    patientId: p.id,
    expediente: p.expediente,
    name: formatPatientName(p),
    birthDate: p.fechaNacimiento ?? null,
    sex: p.sexo ?? null,
    confidence: candidate.scores.combined,
    scores: candidate.scores,
    documents: { count: held?.count ?? 0, latestTypes: held?.latestTypes ?? [] },
    holdsExpediente,
    expedienteRelation:
      candidate.scores.idMatch === 1 ? 'same' : candidate.scores.nearId === 1 ? 'near' : 'different',
    nameExact: candidate.name.exact,
    alignment: candidate.name.alignment,
    nameFields: {
      paterno: field(
        candidate.name.fields.paterno,
        filename?.apellidoPaterno ?? '',
        swapped ? p.apellidoMaterno : p.apellidoPaterno,
      ),
      materno: field(
        candidate.name.fields.materno,
        filename?.apellidoMaterno ?? '',
        swapped ? p.apellidoPaterno : p.apellidoMaterno,
      ),
      nombres: field(candidate.name.fields.nombres, filename?.nombres ?? '', p.nombres),
    },
    agreement,
    risks,
    sameIdentity:
      !holdsExpediente &&
      candidate.name.exact &&
      agreement.birthDate === 'agrees' &&
      agreement.sex === 'agrees',
  };
}
