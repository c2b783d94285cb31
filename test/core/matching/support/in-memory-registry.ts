import {
  isFrequencyKey,
  nearExpedientes,
  patientBlockingKeys,
  queryBlockingKeys,
  tokenFrequencyKeys,
} from '../../../../src/core/matching/index.js';
import type { NameQuery, PatientRecord, TermFrequencies } from '../../../../src/core/matching/types.js';

export interface CandidateLimits {
  /** Patients read per blocking key. */
  perKey: number;
  total: number;
  /**
   * What to do with a key carrying more than `perKey` patients: `skip` it (too common to discriminate,
   * the recommended behaviour) or `truncate` it to an arbitrary `perKey` of them.
   */
  overflow: 'skip' | 'truncate';
  /** Also fetch the patients one keystroke from an expediente that is not in the registry. */
  nearExpedientes: boolean;
}

export const DEFAULT_LIMITS: CandidateLimits = {
  perKey: 200,
  total: 500,
  overflow: 'skip',
  nearExpedientes: true,
};

/**
 * The retrieval the database will do, in memory: the expediente's patient, patients sharing a
 * candidate blocking key, and — when the expediente is not in the registry — the patients one keystroke
 * away from it. A reference for the repository and the harness for the labelled tests.
 */
export class InMemoryRegistry {
  private readonly byExpediente = new Map<string, PatientRecord>();
  private readonly byKey = new Map<string, PatientRecord[]>();
  private readonly termCounts = new Map<string, number>();

  constructor(patients: Iterable<PatientRecord>) {
    for (const patient of patients) this.add(patient);
  }

  add(patient: PatientRecord): void {
    this.byExpediente.set(patient.expediente, patient);
    for (const key of patientBlockingKeys(patient)) {
      if (isFrequencyKey(key)) this.termCounts.set(key, (this.termCounts.get(key) ?? 0) + 1);
      else {
        const bucket = this.byKey.get(key);
        if (bucket === undefined) this.byKey.set(key, [patient]);
        else bucket.push(patient);
      }
    }
  }

  get size(): number {
    return this.byExpediente.size;
  }

  findByExpediente(expediente: string): PatientRecord | undefined {
    return this.byExpediente.get(expediente);
  }

  candidatesFor(query: NameQuery, limits: CandidateLimits = DEFAULT_LIMITS): PatientRecord[] {
    const found = new Map<string, PatientRecord>();
    const own = this.byExpediente.get(query.expediente);
    if (own !== undefined) found.set(own.id, own);
    else if (limits.nearExpedientes) {
      for (const expediente of nearExpedientes(query.expediente)) {
        const near = this.byExpediente.get(expediente);
        if (near !== undefined) found.set(near.id, near);
      }
    }
    for (const key of queryBlockingKeys(query)) {
      let bucket = this.byKey.get(key) ?? [];
      if (bucket.length > limits.perKey) {
        if (limits.overflow === 'skip') continue;
        bucket = bucket.slice(0, limits.perKey);
      }
      for (const patient of bucket) {
        if (found.size >= limits.total) return [...found.values()];
        found.set(patient.id, patient);
      }
    }
    return [...found.values()];
  }

  /** Counts for every `t:` key; `tokenFrequencyKeys(query)` are the ones the matcher reads. */
  frequencies(): TermFrequencies {
    return { totalPatients: this.size, count: (key) => this.termCounts.get(key) ?? 0 };
  }

  /** Only the query's own frequency keys, as a repository that prefetches them would answer. */
  prefetchedFrequencies(query: NameQuery): TermFrequencies {
    const counts = new Map(tokenFrequencyKeys(query).map((key) => [key, this.termCounts.get(key) ?? 0]));
    return { totalPatients: this.size, count: (key) => counts.get(key) ?? 0 };
  }
}
