import { isFrequencyKey, matchPatient, patientBlockingKeys } from '../../../../src/core/matching/index.js';
import type {
  MatchDecision,
  MatchThresholds,
  NameQuery,
  PatientRecord,
  TermFrequencies,
} from '../../../../src/core/matching/types.js';

/** A registry patient; the id is derived from the expediente so tests can refer to it. */
export function person(expediente: string, paterno: string, materno: string, nombres: string): PatientRecord {
  return { id: `p-${expediente}`, expediente, apellidoPaterno: paterno, apellidoMaterno: materno, nombres };
}

export function nameQuery(expediente: string, paterno: string, materno: string, nombres: string): NameQuery {
  return { expediente, apellidoPaterno: paterno, apellidoMaterno: materno, nombres };
}

/**
 * Term frequencies counted from `patients`, as if they sat in a registry of `totalPatients` (default
 * 100,000) whose other patients share none of their words: small registries then behave like large ones.
 */
export function frequenciesFrom(
  patients: readonly PatientRecord[],
  totalPatients = 100_000,
): TermFrequencies {
  const counts = new Map<string, number>();
  for (const patient of patients) {
    for (const key of patientBlockingKeys(patient)) {
      if (isFrequencyKey(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { totalPatients: Math.max(totalPatients, patients.length), count: (key) => counts.get(key) ?? 0 };
}

/** Runs the matcher with every registry patient as a candidate (retrieval is tested separately). */
export function decide(
  query: NameQuery,
  registry: readonly PatientRecord[],
  options: { thresholds?: Partial<MatchThresholds>; frequencies?: TermFrequencies } = {},
): MatchDecision {
  return matchPatient({
    query,
    candidates: registry,
    frequencies: options.frequencies ?? frequenciesFrom(registry),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
  });
}
