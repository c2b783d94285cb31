import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { patientBlockingKeys } from '../../core/matching/blocking-keys.js';
import type { PatientInput } from '../../core/registry/registry-row.js';
import type { Database, Patient, PatientSource } from '../schema.js';

export type { PatientInput };


export interface UpsertSummary {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface CandidateQuery {
  expediente: string;
  keys: string[];
  /** Patients fetched at most per key: a very common key must not flood the matcher. */
  perKeyLimit?: number;
}

type Db = Kysely<Database> | Transaction<Database>;

// Stay well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const ROWS_PER_STATEMENT = 500;

export class PatientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts new expedientes and updates changed ones in one transaction; identical rows are left
   * alone, so re-importing a file is idempotent. Blocking keys follow every insert and change.
   */
  async upsertMany(rows: PatientInput[], source: PatientSource): Promise<UpsertSummary> {
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
    if (rows.length === 0) return summary;
    const latest = new Map<string, PatientInput>();
    for (const row of rows) latest.set(row.expediente, row); // the last row of a file wins
    await this.db.transaction().execute(async (trx) => {
      const existing = new Map<string, Patient>();
      for (const part of chunk([...latest.keys()], ROWS_PER_STATEMENT)) {
        const found = await trx.selectFrom('patients').selectAll().where('expediente', 'in', part).execute();
        for (const patient of found) existing.set(patient.expediente, patient);
      }
      const now = new Date().toISOString();
      const inserts: Patient[] = [];
      const updates: Patient[] = [];
      for (const row of latest.values()) {
        const before = existing.get(row.expediente);
        if (!before) {
          inserts.push(toPatient(randomUUID(), row, source, now, now));
        } else if (differs(before, row)) {
          updates.push(toPatient(before.id, row, before.source, before.createdAt, now));
        } else {
          summary.unchanged++;
        }
      }
      for (const part of chunk(inserts, ROWS_PER_STATEMENT)) {
        await trx.insertInto('patients').values(part).execute();
      }
      for (const patient of updates) {
        await trx
          .updateTable('patients')
          .set({
            apellidoPaterno: patient.apellidoPaterno,
            apellidoMaterno: patient.apellidoMaterno,
            nombres: patient.nombres,
            fechaNacimiento: patient.fechaNacimiento,
            sexo: patient.sexo,
            updatedAt: now,
          })
          .where('id', '=', patient.id)
          .execute();
      }
      for (const part of chunk(updates, ROWS_PER_STATEMENT)) {
        await trx
          .deleteFrom('patientBlockingKeys')
          .where(
            'patientId',
            'in',
            part.map((p) => p.id),
          )
          .execute();
      }
      await insertBlockingKeys(trx, [...inserts, ...updates]);
      summary.inserted = inserts.length;
      summary.updated = updates.length;
    });
    return summary;
  }

  /**
   * Returns the patient with this expediente, creating it when absent. The unique index on
   * expediente makes this safe under concurrency: of two racing inserts one wins, and the loser
   * reads the winner's row — never a second patient.
   */
  async insertOrGet(input: PatientInput, source: PatientSource): Promise<{ patient: Patient; created: boolean }> {
    const now = new Date().toISOString();
    const candidate = toPatient(randomUUID(), input, source, now, now);
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('patients')
        .values(candidate)
        .onConflict((oc) => oc.column('expediente').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        await insertBlockingKeys(trx, [inserted]);
        return { patient: inserted, created: true };
      }
      const existing = await trx
        .selectFrom('patients')
        .selectAll()
        .where('expediente', '=', input.expediente)
        .executeTakeFirstOrThrow();
      return { patient: existing, created: false };
    });
  }

  async findByExpediente(expediente: string): Promise<Patient | undefined> {
    return this.db.selectFrom('patients').selectAll().where('expediente', '=', expediente).executeTakeFirst();
  }

  async findById(id: string): Promise<Patient | undefined> {
    return this.db.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(options: { limit: number; offset: number }): Promise<Patient[]> {
    return this.db
      .selectFrom('patients')
      .selectAll()
      .orderBy('apellidoPaterno')
      .orderBy('apellidoMaterno')
      .orderBy('nombres')
      .orderBy('expediente')
      .limit(options.limit)
      .offset(options.offset)
      .execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Substring search over "APELLIDOS, NOMBRES" as written (uppercase), for the `patients search` command. */
  async searchByName(text: string, limit: number): Promise<Patient[]> {
    const needle = `%${text.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .selectFrom('patients')
      .selectAll()
      .where((eb) =>
        eb(
          eb.fn('concat', [
            eb.ref('apellidoPaterno'),
            eb.val(' '),
            eb.ref('apellidoMaterno'),
            eb.val(', '),
            eb.ref('nombres'),
          ]),
          'like',
          needle,
        ),
      )
      .orderBy('apellidoPaterno')
      .orderBy('nombres')
      .limit(limit)
      .execute();
  }

  /**
   * Candidate patients for matching: the owner of the expediente plus patients sharing a blocking
   * key, each key capped so that a very common name cannot flood the matcher.
   */
  async findCandidates(query: CandidateQuery): Promise<Patient[]> {
    const perKeyLimit = query.perKeyLimit ?? 100;
    const byId = new Map<string, Patient>();
    const owner = await this.findByExpediente(query.expediente);
    if (owner) byId.set(owner.id, owner);
    const keys = [...new Set(query.keys)];
    if (keys.length > 0) {
      const ids = new Set<string>();
      // One indexed range scan per key (on the primary key), each with its own cap.
      const perKey = await Promise.all(
        keys.map((key) =>
          this.db
            .selectFrom('patientBlockingKeys')
            .select('patientId')
            .where('key', '=', key)
            .limit(perKeyLimit)
            .execute(),
        ),
      );
      for (const rows of perKey) for (const row of rows) if (!byId.has(row.patientId)) ids.add(row.patientId);
      for (const part of chunk([...ids], ROWS_PER_STATEMENT)) {
        const found = await this.db.selectFrom('patients').selectAll().where('id', 'in', part).execute();
        for (const patient of found) byId.set(patient.id, patient);
      }
    }
    return [...byId.values()];
  }

  /** How many patients carry each key (name-term frequencies for weighting rare against common names). */
  async countKeys(keys: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const part of chunk([...new Set(keys)], ROWS_PER_STATEMENT)) {
      const rows = await this.db
        .selectFrom('patientBlockingKeys')
        .select(['key', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('key', 'in', part)
        .groupBy('key')
        .execute();
      for (const row of rows) counts.set(row.key, Number(row.n));
    }
    return counts;
  }
}

async function insertBlockingKeys(trx: Db, patients: Patient[]): Promise<void> {
  const rows: { key: string; patientId: string }[] = [];
  for (const patient of patients) {
    for (const key of new Set(patientBlockingKeys(patient))) rows.push({ key, patientId: patient.id });
  }
  for (const part of chunk(rows, ROWS_PER_STATEMENT * 2)) {
    await trx
      .insertInto('patientBlockingKeys')
      .values(part)
      .onConflict((oc) => oc.columns(['key', 'patientId']).doNothing())
      .execute();
  }
}

function toPatient(id: string, row: PatientInput, source: PatientSource, createdAt: string, updatedAt: string): Patient {
  return {
    id,
    expediente: row.expediente,
    apellidoPaterno: row.apellidoPaterno,
    apellidoMaterno: row.apellidoMaterno,
    nombres: row.nombres,
    fechaNacimiento: row.fechaNacimiento ?? null,
    sexo: row.sexo ?? null,
    source,
    createdAt,
    updatedAt,
  };
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

function chunk<T>(items: T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
