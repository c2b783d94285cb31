import type { Transaction } from 'kysely';
import { isFrequencyKey, patientBlockingKeys } from '../../../core/matching/blocking-keys.js';
import { sameNumberWithOtherZeros, withoutLeadingZeros } from '../../../core/matching/near-expediente.js';
import { isRename } from '../../../core/registry/is-rename.js';
import { keepStoredDetails, type PatientInput } from '../../../core/registry/registry-row.js';
import { AuditRepository, type AuditEvent } from '../audit-repository.js';
import { encodeExpediente, hashBlockingKey } from '../../blocking-key-codes.js';
import { newId } from '../../new-id.js';
import type { Database, Patient, PatientSource } from '../../schema.js';
import { applyTermDeltas, forEachKey, KeyColumns, keyRowsInOrder } from './blocking-key-rows.js';
import type { PatientStatements } from './patient-statements.js';
import { toPatient } from './to-patient.js';

export interface UpsertSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A row that gives a patient with documents another name (see core/registry/is-rename). */
export interface PatientRename {
  before: Patient;
  after: PatientInput;
  /** The patient's documents, which a wrong rename would put under another person's name. */
  documents: number;
  /** False: refused (the registry keeps the old name); true: written (the import allows renames). */
  applied: boolean;
}

/** A birth date or sex changed for a patient who has documents (the content check compares documents with them). */
export interface PatientDetailChange {
  before: Patient;
  after: Patient;
  documents: number;
}

/**
 * A patient an ingest or a review created (its name read from a file name, its details unknown) that the
 * registry now holds under the same expediente: the registry's row is written and becomes its origin.
 */
export interface PatientConfirmation {
  before: Patient;
  after: Patient;
}

/**
 * A new expediente that is a stored one's number with other leading zeros (12345678 beside 0012345678): a
 * spreadsheet that dropped them, not a new patient. Not inserted.
 */
export interface ExpedienteNumberClash {
  row: PatientInput;
  existing: Patient;
}

/**
 * A patient this import added whose full name and birth date another patient already has under another
 * expediente: perhaps one person given a new expediente, whose documents would then be split between the two.
 * Inserted all the same (namesakes born the same day exist); reported so that someone checks.
 */
export interface SameDetailsPair {
  added: Patient;
  other: Patient;
}

export interface UpsertResult extends UpsertSummary {
  /** Renames of patients who have documents, applied or refused; not counted in `updated` when refused. */
  renames: PatientRename[];
  /** Birth date or sex changes written for patients who have documents (audited by the import). */
  detailChanges: PatientDetailChange[];
  /** Patients created by an ingest or a review that this import's rows now stand for (counted in `updated`). */
  confirmations: PatientConfirmation[];
  /** New expedientes refused as a stored one with other leading zeros (not counted in the other fields). */
  numberClashes: ExpedienteNumberClash[];
}

/** How an import treats a row that would rename a patient who already has documents. */
export interface RegistryImportPolicy {
  /** Write such renames (they are audited); otherwise they are refused and reported. */
  allowRename: boolean;
  /** Write such renames of these expedientes only (a person checked each one). */
  allowRenameOf?: ReadonlySet<string>;
}

/** One registry import in progress (see PatientRepository.importRegistry). */
export interface RegistryImport {
  /** Upserts one batch of rows (the last row of an expediente wins) and says what it did. */
  upsert(rows: PatientInput[]): Promise<UpsertResult>;
  /** Audit rows written in the import's transaction: they exist exactly when what they describe does. */
  audit(events: AuditEvent[]): Promise<void>;
  /** The patients this import added that share name and birth date with another expediente (at most `limit`). */
  sameDetailsAsAnother(limit: number): Promise<SameDetailsPair[]>;
}

/**
 * The batches of one import, inside its transaction. Inserts new expedientes and updates changed ones;
 * identical rows are left alone, so re-importing a file is idempotent. Blocking keys follow every insert
 * and change; the name-term counters are summed over the import and written once, in finish().
 */
export class RegistryWriter implements RegistryImport {
  /**
   * Every row this import writes carries this one timestamp, so a row met again later in the same
   * import (the expediente repeated across batches) is recognised by it without remembering a million
   * expedientes. A row of another writer that happens to carry the same timestamp is merely re-keyed.
   */
  private readonly stamp = new Date().toISOString();
  private readonly termDeltas = new Map<string, number>();
  /** SQLite: the candidate-key rows of the whole import, written to the key table in finish(). */
  private readonly staged = new KeyColumns();
  /** Expedientes updated after this import had staged their keys: those staged keys are stale. */
  private readonly restaged = new Set<string>();
  /**
   * The registry was empty when this import began: the only rows it can meet are its own, so it
   * inserts without looking up a million absent expedientes first, and looks up only on a conflict.
   */
  private registryWasEmpty = false;

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly statements: PatientStatements,
    private readonly source: PatientSource,
    private readonly policy: RegistryImportPolicy = { allowRename: false },
  ) {}

  /** Keys are staged and merged at the end (SQLite) rather than inserted batch by batch. */
  private get stagesKeys(): boolean {
    return this.statements.mergeStagedKeys !== null;
  }

  async begin(): Promise<void> {
    this.registryWasEmpty =
      (await this.trx.selectFrom('patients').select('id').limit(1).executeTakeFirst()) === undefined;
  }

  async upsert(rows: PatientInput[]): Promise<UpsertResult> {
    const summary: UpsertResult = {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      renames: [],
      detailChanges: [],
      confirmations: [],
      numberClashes: [],
    };
    if (rows.length === 0) return summary;
    const latest = new Map<string, PatientInput>();
    for (const row of rows) latest.set(row.expediente, row); // the last row of a batch wins
    const { inserts, existing, numberClashes } = this.registryWasEmpty
      ? { ...(await this.insertOptimistically([...latest.values()])), numberClashes: [] }
      : await this.insertAbsent([...latest.values()]);
    summary.numberClashes = numberClashes;
    const updates: { before: Patient; after: Patient }[] = [];
    for (const before of existing.values()) {
      const row = keepStoredDetails(latest.get(before.expediente)!, before);
      latest.set(before.expediente, row); // as written: renames report it so
      // A patient an ingest created from a file name, now in the registry: the registry's row is its record
      // from here on, even when it writes the same name (the origin tells who vouches for the patient).
      if (differs(before, row) || before.source !== this.source) {
        updates.push({
          before,
          after: toPatient(before.id, row, this.source, before.createdAt, this.stamp),
        });
      } else summary.unchanged++;
    }
    summary.renames = await this.renamesOfPatientsWithDocuments(updates, latest);
    const refused = new Set(
      summary.renames.filter((rename) => !rename.applied).map((rename) => rename.before.id),
    );
    if (refused.size > 0)
      updates.splice(0, updates.length, ...updates.filter((u) => !refused.has(u.before.id)));
    const detailChanged = updates.filter(
      ({ before, after }) => before.fechaNacimiento !== after.fechaNacimiento || before.sexo !== after.sexo,
    );
    const withDocuments = await this.documentCounts(detailChanged.map(({ before }) => before.id));
    summary.detailChanges = detailChanged
      .filter(({ before }) => withDocuments.has(before.id))
      .map(({ before, after }) => ({ before, after, documents: withDocuments.get(before.id)! }));
    summary.confirmations = updates.filter(({ before, after }) => before.source !== after.source);
    for (const { before, after } of updates) {
      await this.statements.updatePatient(after);
      await this.removeKeys(before);
      if (this.stagesKeys && before.updatedAt === this.stamp) this.restaged.add(before.expediente);
    }
    await this.addKeys([...inserts, ...updates.map((u) => u.after)]);
    summary.inserted = inserts.length;
    summary.updated = updates.length;
    return summary;
  }

  async audit(events: AuditEvent[]): Promise<void> {
    await new AuditRepository(this.trx).recordMany(events);
  }

  async sameDetailsAsAnother(limit: number): Promise<SameDetailsPair[]> {
    // One join over the whole registry, at the end: SQLite builds one automatic index on the name columns
    // for it (no per-batch scans), PostgreSQL hashes. A pair of two added rows is given once.
    const rows = await this.trx
      .selectFrom('patients as added')
      .innerJoin('patients as other', (join) =>
        join
          .onRef('other.apellidoPaterno', '=', 'added.apellidoPaterno')
          .onRef('other.apellidoMaterno', '=', 'added.apellidoMaterno')
          .onRef('other.nombres', '=', 'added.nombres')
          .onRef('other.fechaNacimiento', '=', 'added.fechaNacimiento')
          .onRef('other.id', '<>', 'added.id'),
      )
      .where('added.createdAt', '=', this.stamp)
      .where('added.fechaNacimiento', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('other.createdAt', '<>', this.stamp),
          eb('other.expediente', '<', eb.ref('added.expediente')),
        ]),
      )
      .select(['added.id as addedId', 'other.id as otherId'])
      .orderBy('added.expediente')
      .orderBy('other.expediente')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.flatMap((row) => [row.addedId, row.otherId]))];
    const byId = new Map<string, Patient>();
    for (let i = 0; i < ids.length; i += 500) {
      const patients = await this.trx
        .selectFrom('patients')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const patient of patients) byId.set(patient.id, patient);
    }
    return rows.map((row) => ({ added: byId.get(row.addedId)!, other: byId.get(row.otherId)! }));
  }

  /**
   * The updates that rename a patient who already has documents: refused unless the policy allows them.
   * Documents are counted only for the patients whose name changes, which in a registry export are few.
   */
  private async renamesOfPatientsWithDocuments(
    updates: { before: Patient; after: Patient }[],
    rows: Map<string, PatientInput>,
  ): Promise<PatientRename[]> {
    const renamed = updates.filter(({ before, after }) => isRename(before, after));
    if (renamed.length === 0) return [];
    const documents = await this.documentCounts(renamed.map(({ before }) => before.id));
    return renamed
      .filter(({ before }) => documents.has(before.id))
      .map(({ before }) => ({
        before,
        after: rows.get(before.expediente)!,
        documents: documents.get(before.id)!,
        applied: this.policy.allowRename || (this.policy.allowRenameOf?.has(before.expediente) ?? false),
      }));
  }

  /** How many documents each of these patients has; patients with none are absent from the map. */
  private async documentCounts(patientIds: string[]): Promise<Map<string, number>> {
    const documents = new Map<string, number>();
    for (let i = 0; i < patientIds.length; i += 500) {
      const counts = await this.trx
        .selectFrom('medicalDocuments')
        .select((eb) => ['patientId', eb.fn.countAll<number | string>().as('n')])
        .where('patientId', 'in', patientIds.slice(i, i + 500))
        .groupBy('patientId')
        .execute();
      for (const row of counts) documents.set(row.patientId, Number(row.n));
    }
    return documents;
  }

  /**
   * Looks the expedientes up, inserts the absent ones — except those whose number a stored patient already
   * has with other leading zeros; returns those inserted, those found and those refused.
   */
  private async insertAbsent(
    rows: PatientInput[],
  ): Promise<{ inserts: Patient[]; existing: Map<string, Patient>; numberClashes: ExpedienteNumberClash[] }> {
    const existing = new Map<string, Patient>();
    const found = await this.statements.patientsByExpediente(rows.map((row) => row.expediente));
    for (const patient of found) existing.set(patient.expediente, patient);
    const absent = rows.filter((row) => !existing.has(row.expediente));
    const sameNumber = await this.storedWithOtherZeros(absent);
    const numberClashes = absent
      .filter((row) => sameNumber.has(withoutLeadingZeros(row.expediente)))
      .map((row) => ({ row, existing: sameNumber.get(withoutLeadingZeros(row.expediente))! }));
    const inserts = absent
      .filter((row) => !sameNumber.has(withoutLeadingZeros(row.expediente)))
      .map((row) => toPatient(newId(), row, this.source, this.stamp, this.stamp));
    await this.statements.insertPatients(inserts);
    return { inserts, existing, numberClashes };
  }

  /**
   * The stored patients whose expediente is one of these new ones written with other leading zeros, by the
   * number without them. Looked up by every other padding of the number an expediente may have (8 to 12
   * digits), on the expediente index: a few lookups per new row, none per known one.
   */
  private async storedWithOtherZeros(rows: PatientInput[]): Promise<Map<string, Patient>> {
    const variants = new Set(rows.flatMap((row) => sameNumberWithOtherZeros(row.expediente)));
    const byNumber = new Map<string, Patient>();
    if (variants.size === 0) return byNumber;
    for (const patient of await this.statements.patientsByExpediente([...variants])) {
      byNumber.set(withoutLeadingZeros(patient.expediente), patient);
    }
    return byNumber;
  }

  /**
   * Inserts every row; when some conflict (an expediente an earlier batch of this import wrote), reads
   * the stored rows back: a stored id that is not the one just given means the row was already there.
   */
  private async insertOptimistically(
    rows: PatientInput[],
  ): Promise<{ inserts: Patient[]; existing: Map<string, Patient> }> {
    const existing = new Map<string, Patient>();
    const candidates = rows.map((row) => toPatient(newId(), row, this.source, this.stamp, this.stamp));
    const count = await this.statements.insertPatients(candidates);
    if (count === candidates.length) return { inserts: candidates, existing };
    const stored = await this.statements.patientsByExpediente(rows.map((row) => row.expediente));
    const ours = new Set(candidates.map((patient) => patient.id));
    for (const patient of stored) if (!ours.has(patient.id)) existing.set(patient.expediente, patient);
    return { inserts: candidates.filter((patient) => !existing.has(patient.expediente)), existing };
  }

  async finish(): Promise<void> {
    if (this.statements.mergeStagedKeys) {
      if (this.restaged.size > 0) await this.restageKeys();
      await this.statements.mergeStagedKeys(this.staged);
    }
    await applyTermDeltas(this.trx, this.termDeltas);
  }

  /** Candidate keys staged (SQLite) or inserted (elsewhere); term counts summed for finish(). */
  private async addKeys(patients: Patient[]): Promise<void> {
    if (this.stagesKeys)
      forEachKey(patients, this.termDeltas, (keyHash, code) => this.staged.push(keyHash, code));
    else await this.statements.insertKeys(keyRowsInOrder(patients, this.termDeltas));
  }

  /** The keys a patient was stored under, recomputed from its old name (no patient_id index needed). */
  private async removeKeys(before: Patient): Promise<void> {
    const expedienteCode = encodeExpediente(before.expediente);
    for (const key of patientBlockingKeys(before)) {
      if (isFrequencyKey(key)) this.termDeltas.set(key, (this.termDeltas.get(key) ?? 0) - 1);
      else await this.statements.deleteKey(hashBlockingKey(key), expedienteCode);
    }
  }

  /**
   * An expediente written earlier in this import and changed again: the keys staged for its earlier
   * names must not reach the key table. Drop every staged key of it and stage those of its last name.
   */
  private async restageKeys(): Promise<void> {
    const expedientes = [...this.restaged];
    this.staged.removeExpedientes(new Set(expedientes.map(encodeExpediente)));
    const finalNames = await this.statements.patientsByExpediente(expedientes);
    // Term counts are already right: every update moved them from the old name to the new one.
    forEachKey(finalNames, new Map(), (keyHash, code) => this.staged.push(keyHash, code));
  }
}

function differs(before: Patient, row: PatientInput): boolean {
  return (
    before.apellidoPaterno !== row.apellidoPaterno ||
    before.apellidoMaterno !== row.apellidoMaterno ||
    before.nombres !== row.nombres ||
    (before.fechaNacimiento ?? null) !== (row.fechaNacimiento ?? null) ||
    (before.sexo ?? null) !== (row.sexo ?? null)
  );
}
