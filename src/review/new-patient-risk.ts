import type { AttachRisk, CandidateEvidence, ReviewCase } from './types.js';

/**
 * The registry patient a new patient for this case would most likely duplicate, and why: the one the document's
 * own text names, else one with the filename's name and the document's birth date and sex (an exact homonym
 * under another expediente). Null when there is none, and when the filename's expediente belongs to a registry
 * patient: a new patient is then impossible (refused, with no confirmation first). The terminal review asks
 * before creating; the HTTP API lists it with the case.
 */
export function duplicatedByNewPatient(
  current: ReviewCase,
): { candidate: CandidateEvidence; risks: AttachRisk[] } | null {
  if (current.expedienteOwner) return null;
  const named = current.evidence.find((candidate) => candidate.patientId === current.documentPatientId);
  if (named) return { candidate: named, risks: ['document_names_registry_patient'] };
  const same = current.evidence.find((candidate) => candidate.sameIdentity);
  return same ? { candidate: same, risks: ['same_identity_registered'] } : null;
}
