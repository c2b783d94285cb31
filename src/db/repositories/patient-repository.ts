import { newId } from '../new-id.js';
import type { Kysely, Transaction } from 'kysely';
import { isFrequencyKey, patientBlockingKeys } from '../../core/matching/blocking-keys.js';
import { nearExpedientes } from '../../core/matching/near-expediente.js';
import type { PatientInput } from '../../core/registry/registry-row.js';
import type { Database, Patient, PatientSource } from '../schema.js';
import type { SqliteHandle } from '../open-database.js';
import { insertColumns, insertIgnoringConflicts, ROWS_PER_STATEMENT } from '../bulk-insert.js';
import { decodeExpediente, encodeExpediente, hashBlockingKey } from '../blocking-key-codes.js';

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

const PATIENTS_TABLE = {
  name: 'patients',
  sqlName: 'patients',
  columns: [
    'id',
    'expediente',
    'apellido_paterno',
    'apellido_materno',
    'nombres',
    'fecha_nacimiento',
    'sexo',
    'source',
    'created_at',
    'updated_at',
  ],
  conflictColumns: ['expediente'],
} as const;

const BLOCKING_KEYS_TABLE = {
  name: 'patientBlockingKeys',
  sqlName: 'patient_blocking_keys',
  columns: ['key_hash', 'expediente_code'],
  conflictColumns: ['key_hash', 'expediente_code'],
} as const;

export class PatientRepository {
  /** `sqlite`: the raw handle of an embedded database, for the bulk-insert fast path. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: SqliteHandle | null = null,
  ) {}

  /**
   * Inserts new expedientes and updates changed ones in one transaction; identical rows are left
   * alone, so re-importing a file is idempotent. Blocking keys follow every insert and change.
   */
  async upsertMany(rows: PatientInput[], source: PatientSource): Promise<UpsertSummary> {
    return this.importRegistry(source, (registryImport) => registryImport.upsert(rows));
  }

  /**
   * Runs a whole registry import in ONE transaction: a killed import leaves the registry as it was,
   * and running it again is idempotent. That lets the import defer its index work to the end: on
   * SQLite the blocking keys of every batch are gathered and merged once, in key order, into the
   * (WITHOUT ROWID) key table — several times cheaper than a sorted insert per batch into a growing
   * B-tree; the name-term counters are summed over the import and written once.
   */
  async importRegistry<T>(
    source: PatientSource,
    work: (registryImport: RegistryImport) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const writer = new RegistryWriter(trx, this.sqlite, source);
      await writer.begin();
      const result = await work(writer);
      await writer.finish();
      return result;
    });
  }

  /**
   * Returns the patient with this expediente, creating it when absent. The unique index on
   * expediente makes this safe under concurrency: of two racing inserts one wins, and the loser
   * reads the winner's row — never a second patient.
   */
  async insertOrGet(
    input: PatientInput,
    source: PatientSource,
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
        await insertBlockingKeys(trx, this.sqlite, [inserted]);
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
    const work = async (trx: Db): Promise<boolean> => {
      const patient = await trx.selectFrom('patients').selectAll().where('id', '=', patientId).executeTakeFirst();
      if (!patient) return false;
      const used = await trx
        .selectFrom('medicalDocuments')
        .select('id')
        .where('patientId', '=', patientId)
        .executeTakeFirst();
      if (used) return false;
      const termDeltas = new Map<string, number>();
      const expedienteCode = encodeExpediente(patient.expediente);
      for (const key of new Set(patientBlockingKeys(patient))) {
        if (isFrequencyKey(key)) termDeltas.set(key, -1);
        else await deleteBlockingKey(trx, null, hashBlockingKey(key), expedienteCode);
      }
      await applyTermDeltas(trx, termDeltas);
      await trx.deleteFrom('patients').where('id', '=', patientId).execute();
      return true;
    };
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  async findByExpediente(expediente: string): Promise<Patient | undefined> {
    const [patient] = await findPatientsByExpediente(this.db, this.sqlite, [expediente]);
    return patient;
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
          // The separators are cast: PostgreSQL cannot infer a type for a bare parameter of concat().
          eb.fn('concat', [
            eb.ref('apellidoPaterno'),
            eb.cast(eb.val(' '), 'text'),
            eb.ref('apellidoMaterno'),
            eb.cast(eb.val(', '), 'text'),
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
    const perKeyLimit = query.perKeyLimit ?? 200;
    const byId = new Map<string, Patient>();
    const [owner] = await findPatientsByExpediente(this.db, this.sqlite, [query.expediente]);
    if (owner) byId.set(owner.id, owner);
    else {
      // An expediente absent from the registry may be a one-keystroke typo of one that is present.
      const near = await findPatientsByExpediente(this.db, this.sqlite, nearExpedientes(query.expediente));
      for (const patient of near) byId.set(patient.id, patient);
    }
    const hashes = [...new Set(query.keys.map(hashBlockingKey))];
    if (hashes.length > 0) {
      const expedientes = new Set<string>();
      // One primary-key range scan per key, reading one row past the cap: a key shared by more
      // patients than that (HERNANDEZ HERNANDEZ …) tells nothing about who this is, and is skipped
      // whole rather than truncated to an arbitrary subset. The other, more specific keys still apply.
      const perKey = await Promise.all(
        hashes.map((keyHash) => findKeyMembers(this.db, this.sqlite, keyHash, perKeyLimit + 1)),
      );
      for (const codes of perKey) {
        if (codes.length > perKeyLimit) continue;
        for (const code of codes) expedientes.add(decodeExpediente(code));
      }
      if (owner) expedientes.delete(owner.expediente);
      for (const patient of await findPatientsByExpediente(this.db, this.sqlite, [...expedientes])) {
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
    for (const part of chunk(terms, ROWS_PER_STATEMENT)) {
      const rows = this.sqlite
        ? (cachedStatement(
            this.sqlite,
            `SELECT term, patients FROM name_term_counts WHERE term IN (${placeholders(part.length)})`,
          ).all(...part) as { term: string; patients: number }[])
        : await this.db.selectFrom('nameTermCounts').selectAll().where('term', 'in', part).execute();
      for (const row of rows) counts.set(row.term, Number(row.patients));
    }
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

/** One registry import in progress (see PatientRepository.importRegistry). */
export interface RegistryImport {
  /** Upserts one batch of rows (the last row of an expediente wins) and says what it did. */
  upsert(rows: PatientInput[]): Promise<UpsertSummary>;
}

const STAGED_KEYS = 'temp.staged_blocking_keys';

/** The batches of one import, inside its transaction. */
class RegistryWriter implements RegistryImport {
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
    private readonly sqlite: SqliteHandle | null,
    private readonly source: PatientSource,
  ) {}

  async begin(): Promise<void> {
    this.registryWasEmpty =
      (await this.trx.selectFrom('patients').select('id').limit(1).executeTakeFirst()) === undefined;
  }

  async upsert(rows: PatientInput[]): Promise<UpsertSummary> {
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
    if (rows.length === 0) return summary;
    const latest = new Map<string, PatientInput>();
    for (const row of rows) latest.set(row.expediente, row); // the last row of a batch wins
    const { inserts, existing } = this.registryWasEmpty
      ? await this.insertOptimistically([...latest.values()])
      : await this.insertAbsent([...latest.values()]);
    const updates: { before: Patient; after: Patient }[] = [];
    for (const before of existing.values()) {
      const row = latest.get(before.expediente)!;
      if (differs(before, row)) {
        updates.push({
          before,
          after: toPatient(before.id, row, before.source, before.createdAt, this.stamp),
        });
      } else summary.unchanged++;
    }
    for (const { before, after } of updates) {
      await updatePatient(this.trx, this.sqlite, after);
      await this.removeKeys(before);
      if (this.sqlite && before.updatedAt === this.stamp) this.restaged.add(before.expediente);
    }
    await this.addKeys([...inserts, ...updates.map((u) => u.after)]);
    summary.inserted = inserts.length;
    summary.updated = updates.length;
    return summary;
  }

  /** Looks the expedientes up, inserts the absent ones; returns those inserted and those found. */
  private async insertAbsent(
    rows: PatientInput[],
  ): Promise<{ inserts: Patient[]; existing: Map<string, Patient> }> {
    const existing = new Map<string, Patient>();
    const found = await findPatientsByExpediente(
      this.trx,
      this.sqlite,
      rows.map((row) => row.expediente),
    );
    for (const patient of found) existing.set(patient.expediente, patient);
    const inserts = rows
      .filter((row) => !existing.has(row.expediente))
      .map((row) => toPatient(newId(), row, this.source, this.stamp, this.stamp));
    await insertIgnoringConflicts(
      this.trx,
      this.sqlite,
      PATIENTS_TABLE,
      inserts as unknown as Record<string, unknown>[],
    );
    return { inserts, existing };
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
    const count = await insertIgnoringConflicts(
      this.trx,
      this.sqlite,
      PATIENTS_TABLE,
      candidates as unknown as Record<string, unknown>[],
    );
    if (count === candidates.length) return { inserts: candidates, existing };
    const stored = await findPatientsByExpediente(
      this.trx,
      this.sqlite,
      rows.map((row) => row.expediente),
    );
    const ours = new Set(candidates.map((patient) => patient.id));
    for (const patient of stored) if (!ours.has(patient.id)) existing.set(patient.expediente, patient);
    return { inserts: candidates.filter((patient) => !existing.has(patient.expediente)), existing };
  }

  async finish(): Promise<void> {
    if (this.sqlite) {
      if (this.restaged.size > 0) await this.restageKeys();
      await mergeStagedKeys(this.sqlite, this.staged);
    }
    await applyTermDeltas(this.trx, this.termDeltas);
  }

  /** Candidate keys staged (SQLite) or inserted (PostgreSQL); term counts summed for finish(). */
  private async addKeys(patients: Patient[]): Promise<void> {
    if (this.sqlite)
      forEachKey(patients, this.termDeltas, (keyHash, code) => this.staged.push(keyHash, code));
    else
      await insertIgnoringConflicts(
        this.trx,
        null,
        BLOCKING_KEYS_TABLE,
        inKeyOrder(collectKeys(patients, this.termDeltas)),
      );
  }

  /** The keys a patient was stored under, recomputed from its old name (no patient_id index needed). */
  private async removeKeys(before: Patient): Promise<void> {
    const expedienteCode = encodeExpediente(before.expediente);
    for (const key of patientBlockingKeys(before)) {
      if (isFrequencyKey(key)) this.termDeltas.set(key, (this.termDeltas.get(key) ?? 0) - 1);
      else await deleteBlockingKey(this.trx, this.sqlite, hashBlockingKey(key), expedienteCode);
    }
  }

  /**
   * An expediente written earlier in this import and changed again: the keys staged for its earlier
   * names must not reach the key table. Drop every staged key of it and stage those of its last name.
   */
  private async restageKeys(): Promise<void> {
    const expedientes = [...this.restaged];
    this.staged.removeExpedientes(new Set(expedientes.map(encodeExpediente)));
    const finalNames = await findPatientsByExpediente(this.trx, this.sqlite, expedientes);
    // Term counts are already right: every update moved them from the old name to the new one.
    forEachKey(finalNames, new Map(), (keyHash, code) => this.staged.push(keyHash, code));
  }
}

/** Two growing columns of numbers: a few million key rows without an object each. */
class KeyColumns {
  hashes: Float64Array = new Float64Array(1 << 16);
  codes: Float64Array = new Float64Array(1 << 16);
  length = 0;

  push(keyHash: number, expedienteCode: number): void {
    if (this.length === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.codes = grow(this.codes);
    }
    this.hashes[this.length] = keyHash;
    this.codes[this.length++] = expedienteCode;
  }

  removeExpedientes(codes: Set<number>): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (codes.has(this.codes[i]!)) continue;
      this.hashes[kept] = this.hashes[i]!;
      this.codes[kept++] = this.codes[i]!;
    }
    this.length = kept;
  }
}

function grow(column: Float64Array): Float64Array {
  const larger = new Float64Array(column.length * 2);
  larger.set(column);
  return larger;
}

/**
 * Writes the staged key rows into `patient_blocking_keys` in key order, so the B-tree writes stay
 * sequential: sorted here (a native typed-array sort), appended in that order to a temporary table, and
 * merged by one INSERT … SELECT. Staging the rows in SQLite during the import and merging them with
 * ORDER BY did the same, but SQLite's sort of 5.8 million rows alone took 14 s of a 38 s import of a
 * million patients; the whole merge here takes a few seconds.
 */
async function mergeStagedKeys(sqlite: SqliteHandle, staged: KeyColumns): Promise<void> {
  if (staged.length === 0) return;
  sqlite.exec(
    `CREATE TEMP TABLE IF NOT EXISTS staged_blocking_keys (key_hash INTEGER NOT NULL, expediente_code INTEGER NOT NULL);
     DELETE FROM ${STAGED_KEYS};`,
  );
  const order = packedKeyOrder(staged.hashes, staged.length);
  insertColumns(sqlite, STAGED_KEYS, ['key_hash', 'expediente_code'], [staged.hashes, staged.codes], order);
  // WHERE true: SQLite's documented way to let ON CONFLICT follow an INSERT … SELECT.
  sqlite.exec(
    `INSERT INTO patient_blocking_keys (key_hash, expediente_code)
       SELECT key_hash, expediente_code FROM ${STAGED_KEYS} WHERE true ORDER BY rowid
       ON CONFLICT (key_hash, expediente_code) DO NOTHING;
     DROP TABLE ${STAGED_KEYS};`,
  );
}

/**
 * Candidate keys go to `patient_blocking_keys`, one row per patient; frequency keys (`t:`) only move
 * the counters in `name_term_counts`, which stays a few thousand rows at any registry size.
 */
async function insertBlockingKeys(trx: Db, sqlite: SqliteHandle | null, patients: Patient[]): Promise<void> {
  const termDeltas = new Map<string, number>();
  await insertIgnoringConflicts(
    trx,
    sqlite,
    BLOCKING_KEYS_TABLE,
    inKeyOrder(collectKeys(patients, termDeltas)),
  );
  await applyTermDeltas(trx, termDeltas);
}

type KeyRow = { keyHash: number; expedienteCode: number };

/** The candidate-key rows of these patients; their frequency keys are added to `termDeltas`. */
function collectKeys(patients: Patient[], termDeltas: Map<string, number>): KeyRow[] {
  const rows: KeyRow[] = [];
  forEachKey(patients, termDeltas, (keyHash, expedienteCode) => rows.push({ keyHash, expedienteCode }));
  return rows;
}

function forEachKey(
  patients: Patient[],
  termDeltas: Map<string, number>,
  add: (keyHash: number, expedienteCode: number) => void,
): void {
  for (const patient of patients) {
    const expedienteCode = encodeExpediente(patient.expediente);
    for (const key of patientBlockingKeys(patient)) {
      if (isFrequencyKey(key)) termDeltas.set(key, (termDeltas.get(key) ?? 0) + 1);
      else add(hashBlockingKey(key), expedienteCode);
    }
  }
}

/** Key rows ordered by key hash: inserting in key order keeps the B-tree writes local. */
function inKeyOrder(rows: KeyRow[]): KeyRow[] {
  return keyOrder(rows.map((row) => row.keyHash)).map((i) => rows[i]!);
}

/** Row indexes ordered by key hash (see packedKeyOrder). */
function keyOrder(keyHashes: number[]): number[] {
  return Array.from(packedKeyOrder(keyHashes, keyHashes.length));
}

/**
 * Row indexes ordered by key hash. Only locality matters (the primary key decides what is stored), so
 * the order is by the hash's high bits, computed with a native typed-array sort of `high · 2^b + index`
 * (b bits for the index, exact below 2^53) instead of a comparator sort of millions of rows.
 */
function packedKeyOrder(keyHashes: ArrayLike<number>, n: number): Float64Array {
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = Math.floor(keyHashes[i]! / scale) * scale + i;
  packed.sort();
  for (let i = 0; i < n; i++) packed[i] = packed[i]! % scale;
  return packed;
}

async function applyTermDeltas(trx: Db, deltas: Map<string, number>): Promise<void> {
  // In term order: two transactions that touch the same counters lock them in the same order, so
  // concurrent ingests on PostgreSQL cannot deadlock on them.
  const rows = [...deltas]
    .filter(([, delta]) => delta !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([term, patients]) => ({ term, patients }));
  for (const part of chunk(rows, ROWS_PER_STATEMENT)) {
    await trx
      .insertInto('nameTermCounts')
      .values(part)
      .onConflict((oc) =>
        oc.column('term').doUpdateSet((eb) => ({
          patients: eb(eb.ref('nameTermCounts.patients'), '+', eb.ref('excluded.patients')),
        })),
      )
      .execute();
  }
}

/** Patient columns under their TypeScript names, so raw SQLite rows need no renaming. */
const PATIENT_COLUMNS_AS_CAMEL = PATIENTS_TABLE.columns.map((c) => `${c} AS ${toCamel(c)}`).join(', ');

/** The stored patients among these expedientes, ROWS_PER_STATEMENT per statement. */
async function findPatientsByExpediente(
  trx: Db,
  sqlite: SqliteHandle | null,
  expedientes: string[],
): Promise<Patient[]> {
  const found: Patient[] = [];
  for (const part of chunk(expedientes, ROWS_PER_STATEMENT)) {
    if (sqlite) {
      found.push(...(cachedStatement(sqlite, patientsInSql(part.length)).all(...part) as Patient[]));
    } else {
      found.push(...(await trx.selectFrom('patients').selectAll().where('expediente', 'in', part).execute()));
    }
  }
  return found;
}

/**
 * The expediente codes stored under one key, at most `limit`, in key order. SQLite hands them back as
 * one comma-separated string: a JS object per row (hundreds per filename, most of them from keys
 * that overflow the cap and are dropped) cost more than the B-tree scan itself.
 */
async function findKeyMembers(
  db: Db,
  sqlite: SqliteHandle | null,
  keyHash: number,
  limit: number,
): Promise<number[]> {
  if (sqlite) {
    const row = cachedStatement(
      sqlite,
      'SELECT group_concat(expediente_code) AS codes FROM ' +
        '(SELECT expediente_code FROM patient_blocking_keys WHERE key_hash = ? ORDER BY expediente_code LIMIT ?)',
    ).get(keyHash, limit) as { codes: string | null };
    return row.codes === null ? [] : row.codes.split(',').map(Number);
  }
  const rows = await db
    .selectFrom('patientBlockingKeys')
    .select('expedienteCode')
    .where('keyHash', '=', keyHash)
    .orderBy('expedienteCode')
    .limit(limit)
    .execute();
  return rows.map((row) => Number(row.expedienteCode));
}

const patientsInSqlByCount = new Map<number, string>();

/** The same string object for the same count: the statement cache then hashes it only once. */
function patientsInSql(count: number): string {
  let sql = patientsInSqlByCount.get(count);
  if (sql === undefined) {
    sql = `SELECT ${PATIENT_COLUMNS_AS_CAMEL} FROM patients WHERE expediente IN (${placeholders(count)})`;
    patientsInSqlByCount.set(count, sql);
  }
  return sql;
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

async function updatePatient(trx: Db, sqlite: SqliteHandle | null, patient: Patient): Promise<void> {
  const values = {
    apellidoPaterno: patient.apellidoPaterno,
    apellidoMaterno: patient.apellidoMaterno,
    nombres: patient.nombres,
    fechaNacimiento: patient.fechaNacimiento,
    sexo: patient.sexo,
    updatedAt: patient.updatedAt,
  };
  if (sqlite) {
    cachedStatement(
      sqlite,
      `UPDATE patients SET apellido_paterno = ?, apellido_materno = ?, nombres = ?, fecha_nacimiento = ?, sexo = ?, updated_at = ? WHERE id = ?`,
    ).run(
      patient.apellidoPaterno,
      patient.apellidoMaterno,
      patient.nombres,
      patient.fechaNacimiento,
      patient.sexo,
      patient.updatedAt,
      patient.id,
    );
    return;
  }
  await trx.updateTable('patients').set(values).where('id', '=', patient.id).execute();
}

async function deleteBlockingKey(
  trx: Db,
  sqlite: SqliteHandle | null,
  keyHash: number,
  expedienteCode: number,
) {
  if (sqlite) {
    cachedStatement(
      sqlite,
      'DELETE FROM patient_blocking_keys WHERE key_hash = ? AND expediente_code = ?',
    ).run(keyHash, expedienteCode);
    return;
  }
  await trx
    .deleteFrom('patientBlockingKeys')
    .where('keyHash', '=', keyHash)
    .where('expedienteCode', '=', expedienteCode)
    .execute();
}

function toCamel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const readStatements = new WeakMap<SqliteHandle, Map<string, ReturnType<SqliteHandle['prepare']>>>();

function cachedStatement(sqlite: SqliteHandle, sql: string): ReturnType<SqliteHandle['prepare']> {
  let cache = readStatements.get(sqlite);
  if (!cache) readStatements.set(sqlite, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= 2000) cache.clear(); // IN lists of every length; a bound, not an LRU
    cache.set(sql, (statement = sqlite.prepare(sql)));
  }
  return statement;
}

function toPatient(
  id: string,
  row: PatientInput,
  source: PatientSource,
  createdAt: string,
  updatedAt: string,
): Patient {
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
