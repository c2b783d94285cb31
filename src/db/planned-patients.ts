import { patientBlockingKeys } from '../core/matching/blocking-keys.js';
import { isNearExpediente } from '../core/matching/near-expediente.js';
import type { NameQuery, PatientRecord } from '../core/matching/types.js';
import type { CandidateSource } from './match-against-registry.js';
import type { CandidateQuery } from './repositories/patient-repository.js';

const PLANNED = 'planned:';

/** The id a planned patient carries (no registry patient's: those are UUIDs). */
export function plannedPatientId(expediente: string): string {
  return `${PLANNED}${expediente}`;
}

export function isPlannedPatientId(id: string): boolean {
  return id.startsWith(PLANNED);
}

/**
 * The patients a dry run's own `new` files would create, shown to the files planned after them as the run
 * shows them the patients it has just created: four documents of one new patient plan one new patient and
 * three attachments, a second name under that expediente plans a review — not five new patients. Nothing is
 * written; the registry is read as before. The run asks it too, before creating a patient named after another
 * file of the folder (see FileProcessor.nameOfNewPatient).
 */
export class PlannedPatients implements CandidateSource {
  private readonly planned: Array<{ patient: PatientRecord; keys: ReadonlySet<string> }> = [];

  constructor(private readonly registry: CandidateSource) {}

  get size(): number {
    return this.planned.length;
  }

  /** The patient a file planned as `new` would create, under the filename's expediente and name. */
  add(query: NameQuery): void {
    const patient: PatientRecord = {
      id: plannedPatientId(query.expediente),
      expediente: query.expediente,
      apellidoPaterno: query.apellidoPaterno,
      apellidoMaterno: query.apellidoMaterno,
      nombres: query.nombres,
    };
    this.planned.push({ patient, keys: new Set(patientBlockingKeys(patient)) });
  }

  async findCandidates(query: CandidateQuery): Promise<PatientRecord[]> {
    const found: PatientRecord[] = await this.registry.findCandidates(query);
    const wanted = new Set(query.keys);
    for (const { patient, keys } of this.planned) {
      const meets =
        patient.expediente === query.expediente ||
        isNearExpediente(query.expediente, patient.expediente) ||
        [...keys].some((key) => wanted.has(key));
      if (meets) found.push(patient);
    }
    return found;
  }

  async countKeys(keys: string[]): Promise<Map<string, number>> {
    const counts = await this.registry.countKeys(keys);
    for (const { keys: carried } of this.planned) {
      for (const key of new Set(keys)) if (carried.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }
}
