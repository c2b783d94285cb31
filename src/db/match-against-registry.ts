import { matchPatient, queryBlockingKeys, tokenFrequencyKeys } from '../core/matching/match-patient.js';
import type { MatchDecision, NameQuery } from '../core/matching/types.js';
import type { PatientRepository } from './repositories/patient-repository.js';
import type { MatchThresholds } from '../core/matching/types.js';

/**
 * Candidate retrieval (indexed blocking keys) + term frequencies + the pure decision. Shared by
 * ingest, `ingest --dry-run` and `match`, so all three decide the same way.
 */
export async function matchAgainstRegistry(
  patients: PatientRepository,
  query: NameQuery,
  context: { totalPatients: number; thresholds: MatchThresholds },
): Promise<MatchDecision> {
  const fields: NameQuery = {
    expediente: query.expediente,
    apellidoPaterno: query.apellidoPaterno,
    apellidoMaterno: query.apellidoMaterno,
    nombres: query.nombres,
  };
  const [candidates, counts] = await Promise.all([
    patients.findCandidates({ expediente: fields.expediente, keys: queryBlockingKeys(fields) }),
    patients.countKeys(tokenFrequencyKeys(fields)),
  ]);
  return matchPatient({
    query: fields,
    candidates,
    frequencies: { totalPatients: context.totalPatients, count: (key) => counts.get(key) ?? 0 },
    thresholds: context.thresholds,
  });
}
