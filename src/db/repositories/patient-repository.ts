import { sql, type Kysely, type Transaction } from 'kysely';
import { foldAccents } from '../../core/filename/fold-accents.js';
import { isFrequencyKey, patientBlockingKeys } from '../../core/matching/blocking-keys.js';
import { nearExpedientes } from '../../core/matching/near-expediente.js';
import type { PatientInput } from '../../core/registry/registry-row.js';
import { foldedUpperSql } from '../fold-accents-sql.js';
import { decodeExpediente, encodeExpediente, hashBlockingKey } from '../blocking-key-codes.js';
import { CompiledOnce } from '../compiled-query.js';
import { newId } from '../new-id.js';
import type { OpenDatabase } from '../open-database.js';
import type { Database, Patient, PatientSource } from '../schema.js';
import { applyTermDeltas, keyRowsInOrder } from './patients/blocking-key-rows.js';
import {
  kyselyStatements,
  sqliteStatements,
  type PatientStatementsFor,
} from './patients/patient-statements.js';
import {
  RegistryWriter,
  type PatientConfirmation,
  type PatientDetailChange,
  type PatientRename,
  type RegistryImport,
  type RegistryImportPolicy,
  type UpsertResult,
  type UpsertSummary,
} from './patients/registry-writer.js';
import { toPatient } from './patients/to-patient.js';

export type {
  PatientConfirmation,
  PatientDetailChange,
  PatientInput,
  PatientRename,
  RegistryImport,
  RegistryImportPolicy,
  UpsertResult,
  UpsertSummary,
};

export interface CandidateQuery {
  expediente: string;
  keys: string[];
  /** Patients fetched at most per key: a very common key must not flood the matcher. */
  perKeyLimit?: number;
}

/** The ingest re-reads each matched patient before attaching a file to it: compiled once. */
const BY_ID = new CompiledOnce((db: Kysely<Database>, id: string) =>
  db.selectFrom('patients').selectAll().where('id', '=', id),
);

/**
 * The patient registry: lookups for matching and for people, insert-or-get for the pipeline, and the
 * bulk import (see RegistryWriter). Its hot queries run through PatientStatements: kysely's on any database,
 * or better-sqlite3's prepared statements on an embedded one (see forDatabase).
 */
export class PatientRepository {
  /** `db` may be a transaction; `statements` defaults to kysely's, which every database runs. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly statementsFor: PatientStatementsFor = kyselyStatements,
  ) {}

  /** The repository with the fastest statements the database offers (SQLite: prepared, on the raw handle). */
  static forDatabase(database: OpenDatabase): PatientRepository {
    return new PatientRepository(
      database.db,
      database.sqlite ? sqliteStatements(database.sqlite) : kyselyStatements,
    );
  }

  private get statements() {
    return this.statementsFor(this.db);
  }

  /**
   * Runs a whole registry import in ONE transaction: a killed import leaves the registry as it was,
   * and running it again is idempotent. That lets the import defer its index work to the end: on
   * SQLite the blocking keys of every batch are gathered and merged once, in key order, into the
   * (WITHOUT ROWID) key table — several times cheaper than a sorted insert per batch into a growing
   * B-tree; the name-term counters are summed over the import and written once. Runs in the caller's
   * transaction when given one (`patients import --dry-run` rolls it back).
   */
  async importRegistry<T>(
    source: PatientSource,
    work: (registryImport: RegistryImport) => Promise<T>,
    policy?: RegistryImportPolicy,
  ): Promise<T> {
    const run = async (trx: Transaction<Database>): Promise<T> => {
      const writer = new RegistryWriter(trx, this.statementsFor(trx), source, policy);
      await writer.begin();
      const result = await work(writer);
      await writer.finish();
      return result;
    };
    return this.db.isTransaction ? run(this.db as Transaction<Database>) : this.db.transaction().execute(run);
  }

  /**
   * Returns the patient with this expediente, creating it when absent. The unique index on
   * expediente makes this safe under concurrency: of two racing inserts one wins, and the loser
   * reads the winner's row — never a second patient.
   */
  /**
   * `onCreated` runs in the insert's own transaction when the patient is new, for what must be written with
   * it (its audit entry): a process killed between two transactions left a patient no audit entry names as
   * created, so its session counted no creation.
   */
  async insertOrGet(
    input: PatientInput,
    source: PatientSource,
    onCreated?: (trx: Transaction<Database>, patient: Patient) => Promise<void>,
  ): Promise<{ patient: Patient; created: boolean }> {
    const now = new Date().toISOString();
    const candidate = toPatient(newId(), input, source, now, now);
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('patients')
        .values(candidate)
        .onConflict((oc) => oc.column('expediente').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        const termDeltas = new Map<string, number>();
        await this.statementsFor(trx).insertKeys(keyRowsInOrder([inserted], termDeltas));
        await applyTermDeltas(trx, termDeltas);
        await onCreated?.(trx, inserted);
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

  /**
   * Deletes a patient with its blocking keys and its share of the name-term counters — only when no
   * document refers to it (a patient created by a review decision that is being undone). Says whether it
   * did. Runs in the caller's transaction when given one.
   */
  async deleteIfUnused(patientId: string): Promise<boolean> {
    const work = async (trx: Kysely<Database>): Promise<boolean> => {
      const patient = await trx
        .selectFrom('patients')
        .selectAll()
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) return false;
      const used = await trx
        .selectFrom('medicalDocuments')
        .select('id')
        .where('patientId', '=', patientId)
        .executeTakeFirst();
      if (used) return false;
      const termDeltas = new Map<string, number>();
      const expedienteCode = encodeExpediente(patient.expediente);
      const statements = this.statementsFor(trx);
      for (const key of new Set(patientBlockingKeys(patient))) {
        if (isFrequencyKey(key)) termDeltas.set(key, -1);
        else await statements.deleteKey(hashBlockingKey(key), expedienteCode);
      }
      await applyTermDeltas(trx, termDeltas);
      await trx.deleteFrom('patients').where('id', '=', patientId).execute();
      return true;
    };
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  async findByExpediente(expediente: string): Promise<Patient | undefined> {
    const [patient] = await this.statements.patientsByExpediente([expediente]);
    return patient;
  }

  /**
   * The expedientes that are this one's number written with more or fewer leading zeros (0012345678 and
   * 12345678): what someone holding a padded or a spreadsheet-stripped number was after. A scan of the
   * table, for a lookup that found nothing.
   */
  async expedientesOfTheSameNumber(expediente: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('patients')
      .select('expediente')
      .where(sql<string>`ltrim(expediente, '0')`, '=', expediente.replace(/^0+/, ''))
      .where('expediente', '!=', expediente)
      .orderBy('expediente')
      .limit(5)
      .execute();
    return rows.map((row) => row.expediente);
  }

  /**
   * The patient holding this expediente, or its number with other leading zeros (30007004 for the registry's
   * 0030007004, its zeros lost by a spreadsheet): either way no second patient may be made under it.
   */
  async findNumberHolder(expediente: string): Promise<Patient | undefined> {
    const owner = await this.findByExpediente(expediente);
    if (owner) return owner;
    const [same] = await this.expedientesOfTheSameNumber(expediente);
    return same === undefined ? undefined : this.findByExpediente(same);
  }

  async findById(id: string): Promise<Patient | undefined> {
    return BY_ID.executeTakeFirst(this.db, id);
  }

  async list(options: { limit: number; offset: number }): Promise<Patient[]> {
    return (
      this.db
        .selectFrom('patients')
        .selectAll()
        // One folded key per row, not one per name part: the fold is a function call per value on SQLite.
        .orderBy(foldedUpperSql(sql<string>`concat(apellido_paterno, ' ', apellido_materno, ', ', nombres)`))
        .orderBy('apellidoPaterno')
        .orderBy('expediente')
        .limit(options.limit)
        .offset(options.offset)
        .execute()
    );
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('patients')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The `patients search` command's search, blind to case and accents (`nunez` finds NÚÑEZ, `ávila` finds a
   * registry that wrote AVILA). Every word of the query must appear somewhere in "APELLIDOS, NOMBRES", in
   * any order: people say a name given name first ("CESAR RIOS") or leave out the comma and the second
   * surname ("RIOS CESAR"). A word of digits is part of an expediente instead (names hold no digits).
   * Patients whose name holds the query as typed come first.
   */
  async searchByName(text: string, limit: number): Promise<Patient[]> {
    const folded = foldAccents(text).toUpperCase();
    const words = folded.split(/[\s,]+/u).filter(Boolean);
    const nameWords = words.filter((word) => !/^\d+$/.test(word));
    const numberWords = words.filter((word) => /^\d+$/.test(word));
    // LIKE's wildcards typed in the query are literal; SQLite has no escape character unless told one.
    const contains = (part: string) =>
      sql<boolean>`like ${`%${part.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`;
    const fullName = foldedUpperSql(
      sql<string>`concat(apellido_paterno, ' ', apellido_materno, ', ', nombres)`,
    );
    const phrase = nameWords.length > 1 ? contains(folded.trim()) : null;
    return this.db
      .selectFrom('patients')
      .selectAll()
      .where((eb) =>
        eb.and([
          ...nameWords.map((word) => sql<boolean>`${fullName} ${contains(word)}`),
          ...numberWords.map((digits) => sql<boolean>`${eb.ref('expediente')} ${contains(digits)}`),
        ]),
      )
      .$if(phrase !== null, (query) => query.orderBy(sql`case when ${fullName} ${phrase} then 0 else 1 end`))
      .orderBy(fullName)
      .orderBy('expediente')
      .limit(limit)
      .execute();
  }

  /**
   * Candidate patients for matching: the owner of the expediente, the patients one keystroke from it,
   * plus patients sharing a blocking key, each key capped so that a very common name cannot flood the
   * matcher.
   */
  async findCandidates(query: CandidateQuery): Promise<Patient[]> {
    const perKeyLimit = query.perKeyLimit ?? 200;
    const statements = this.statements;
    const byId = new Map<string, Patient>();
    // The neighbours come even when the expediente has an owner: an absent expediente may be a typo of a
    // present one, and a present one may be a slip for the twin's next to it. The matcher holds a name
    // that fits the neighbour as well as the owner, and for a name common enough to overflow every
    // blocking key (JUAN HERNANDEZ GARCIA) the expediente is the only way the neighbour arrives.
    const byExpediente = await statements.patientsByExpediente([
      query.expediente,
      ...nearExpedientes(query.expediente),
    ]);
    for (const patient of byExpediente) byId.set(patient.id, patient);
    const hashes = [...new Set(query.keys.map(hashBlockingKey))];
    if (hashes.length > 0) {
      const expedientes = new Set<string>();
      // One primary-key range scan per key, reading one row past the cap: a key shared by more
      // patients than that (HERNANDEZ HERNANDEZ …) tells nothing about who this is, and is skipped
      // whole rather than truncated to an arbitrary subset. The other, more specific keys still apply.
      const perKey = await Promise.all(
        hashes.map((keyHash) => statements.keyMembers(keyHash, perKeyLimit + 1)),
      );
      for (const codes of perKey) {
        if (codes.length > perKeyLimit) continue;
        for (const code of codes) expedientes.add(decodeExpediente(code));
      }
      for (const patient of byExpediente) expedientes.delete(patient.expediente);
      for (const patient of await statements.patientsByExpediente([...expedientes])) {
        byId.set(patient.id, patient);
      }
    }
    return [...byId.values()];
  }

  /**
   * How many patients carry each key: frequency keys (`t:`) from the term counters, candidate keys
   * by counting their rows (an index-only range scan).
   */
  async countKeys(keys: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const unique = [...new Set(keys)];
    const terms = unique.filter(isFrequencyKey);
    const candidateKeys = unique.filter((key) => !isFrequencyKey(key));
    for (const row of await this.statements.termCounts(terms)) counts.set(row.term, Number(row.patients));
    for (const key of candidateKeys) {
      const row = await this.db
        .selectFrom('patientBlockingKeys')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('keyHash', '=', hashBlockingKey(key))
        .executeTakeFirst();
      counts.set(key, Number(row?.n ?? 0));
    }
    return counts;
  }
}
