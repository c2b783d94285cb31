import {
  contentLookupQueries,
  crossCheckContent,
  type ContentLookup,
} from '../core/content/cross-check-content.js';
import type { CrossCheckContentResult } from '../core/content/cross-check-content.js';
import type { ContentIdentity } from '../core/content/types.js';
import { matchPatient, queryBlockingKeys, tokenFrequencyKeys } from '../core/matching/match-patient.js';
import type {
  MatchDecision,
  MatchThresholds,
  NameQuery,
  PatientRecord,
  ScoredCandidate,
} from '../core/matching/types.js';
import type { CandidateQuery, PatientRepository } from './repositories/patient-repository.js';

/** What matching reads from the registry: the repository, or a dry run's view of it (see PlannedPatients). */
export interface CandidateSource {
  findCandidates(query: CandidateQuery): Promise<PatientRecord[]>;
  countKeys(keys: string[]): Promise<Map<string, number>>;
}

export interface RegistryMatchContext {
  totalPatients: number;
  thresholds: MatchThresholds;
}

/**
 * Candidate retrieval (indexed blocking keys) + term frequencies + the pure decision. Shared by
 * ingest, `ingest --dry-run` and `match`, so all three decide the same way.
 */
export async function matchAgainstRegistry(
  patients: CandidateSource,
  query: NameQuery,
  context: RegistryMatchContext,
): Promise<MatchDecision> {
  const fields = nameQuery(query);
  const { candidates, counts } = await retrieve(patients, fields);
  return matchPatient({
    query: fields,
    candidates,
    frequencies: { totalPatients: context.totalPatients, count: (key) => counts.get(key) ?? 0 },
    thresholds: context.thresholds,
  });
}

/**
 * One registry patient scored against the query as the matcher scores its candidates (the registry's term
 * frequencies): for a patient that retrieval did not bring, such as the one a document's own text names.
 */
export async function scorePatient(
  patients: PatientRepository,
  query: NameQuery,
  patient: PatientRecord,
  context: RegistryMatchContext,
): Promise<ScoredCandidate | undefined> {
  const fields = nameQuery(query);
  const counts = await patients.countKeys(tokenFrequencyKeys(fields));
  return matchPatient({
    query: fields,
    candidates: [patient],
    frequencies: { totalPatients: context.totalPatients, count: (key) => counts.get(key) ?? 0 },
    thresholds: context.thresholds,
  }).candidates[0];
}

/**
 * The content cross-check (issue 15) against the registry: the identity the document states is compared
 * with the filename's decision, and whatever the document names is looked up through the very retrieval
 * the filename matching uses (`retrieve`). A document that states nothing, or only what agrees with the
 * filename's patient, costs no query. Shared by ingest and `match PATH`.
 */
export async function crossCheckAgainstRegistry(
  patients: PatientRepository,
  input: {
    filename: NameQuery;
    decision: MatchDecision;
    identity: ContentIdentity;
    trustContent: boolean;
  },
  context: RegistryMatchContext,
): Promise<CrossCheckContentResult> {
  const check = { ...input, filename: nameQuery(input.filename), thresholds: context.thresholds };
  const queries = contentLookupQueries(check);
  const lookup = queries.length > 0 ? await lookUp(patients, queries, context.totalPatients) : null;
  return crossCheckContent({ ...check, lookup });
}

/** The union of what the registry holds for each query, as `crossCheckContent` wants it. */
async function lookUp(
  patients: PatientRepository,
  queries: NameQuery[],
  totalPatients: number,
): Promise<ContentLookup> {
  const byId = new Map<string, PatientRecord>();
  const counts = new Map<string, number>();
  for (const query of queries) {
    const found = await retrieve(patients, query);
    for (const patient of found.candidates) byId.set(patient.id, patient);
    for (const [key, count] of found.counts) counts.set(key, count);
  }
  return {
    candidates: [...byId.values()],
    frequencies: { totalPatients, count: (key) => counts.get(key) ?? 0 },
  };
}

/** The expediente's patient and the ones a keystroke from it, the patients under the name's keys, and the counts. */
async function retrieve(
  patients: CandidateSource,
  query: NameQuery,
): Promise<{ candidates: PatientRecord[]; counts: Map<string, number> }> {
  const [candidates, counts] = await Promise.all([
    patients.findCandidates({ expediente: query.expediente, keys: queryBlockingKeys(query) }),
    patients.countKeys(tokenFrequencyKeys(query)),
  ]);
  return { candidates, counts };
}

/** Only the four fields: a ParsedFilename carries more, which the matcher must not see. */
function nameQuery(query: NameQuery): NameQuery {
  return {
    expediente: query.expediente,
    apellidoPaterno: query.apellidoPaterno,
    apellidoMaterno: query.apellidoMaterno,
    nombres: query.nombres,
  };
}
