import type { Kysely } from 'kysely';
import type { SqliteHandle } from '../../open-database.js';
import type { Database, Patient } from '../../schema.js';
import {
  chunk,
  insertColumns,
  insertIgnoringConflicts,
  ROWS_PER_STATEMENT,
  sqliteInsertIgnoringConflicts,
} from '../../bulk-insert.js';
import { packedKeyOrder, type KeyColumns } from './blocking-key-rows.js';
import { BLOCKING_KEYS_TABLE, PATIENTS_TABLE, type KeyRow } from './patient-tables.js';

/**
 * The statements the patient repository runs in its hot loops (matching a filename, importing a million
 * rows). Two implementations of the same queries: kysely's, which runs on every database, and one over the
 * raw better-sqlite3 handle — the same connection and transaction kysely uses — that prepares each
 * statement once and skips kysely's query building (several times faster at a million rows). Which one a
 * repository uses is chosen once, by whoever builds it (see PatientRepository.forDatabase).
 */
export interface PatientStatements {
  readonly kind: 'kysely' | 'sqlite';
  /** The stored patients among these expedientes, ROWS_PER_STATEMENT per statement. */
  patientsByExpediente(expedientes: string[]): Promise<Patient[]>;
  /** The expediente codes stored under one key, at most `limit`, in code order. */
  keyMembers(keyHash: number, limit: number): Promise<number[]>;
  /** How many patients carry each frequency key, from `name_term_counts`. */
  termCounts(terms: string[]): Promise<{ term: string; patients: number }[]>;
  /** Writes a patient's name, birth date, sex and update time. */
  updatePatient(patient: Patient): Promise<void>;
  deleteKey(keyHash: number, expedienteCode: number): Promise<void>;
  /** Inserts patients, skipping expedientes already stored; says how many were inserted. */
  insertPatients(patients: Patient[]): Promise<number>;
  /** Inserts candidate-key rows (in the order given), skipping rows already stored. */
  insertKeys(rows: KeyRow[]): Promise<number>;
  /**
   * SQLite only: writes a whole import's staged key rows in one merge, in key order (see
   * mergeStagedKeys). Null elsewhere: an import inserts each batch's keys as it goes.
   */
  mergeStagedKeys: ((staged: KeyColumns) => Promise<void>) | null;
}

type Db = Kysely<Database>;

/** Builds the statements for a connection or a transaction. */
export type PatientStatementsFor = (db: Db) => PatientStatements;

/** kysely's statements, bound to the connection or transaction they are given: every database. */
export const kyselyStatements: PatientStatementsFor = (db) => ({
  kind: 'kysely',
  async patientsByExpediente(expedientes) {
    const found: Patient[] = [];
    for (const part of chunk(expedientes, ROWS_PER_STATEMENT)) {
      found.push(...(await db.selectFrom('patients').selectAll().where('expediente', 'in', part).execute()));
    }
    return found;
  },
  async keyMembers(keyHash, limit) {
    const rows = await db
      .selectFrom('patientBlockingKeys')
      .select('expedienteCode')
      .where('keyHash', '=', keyHash)
      .orderBy('expedienteCode')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.expedienteCode));
  },
  async termCounts(terms) {
    const found: { term: string; patients: number }[] = [];
    for (const part of chunk(terms, ROWS_PER_STATEMENT)) {
      found.push(...(await db.selectFrom('nameTermCounts').selectAll().where('term', 'in', part).execute()));
    }
    return found;
  },
  async updatePatient(patient) {
    await db
      .updateTable('patients')
      .set({
        apellidoPaterno: patient.apellidoPaterno,
        apellidoMaterno: patient.apellidoMaterno,
        nombres: patient.nombres,
        fechaNacimiento: patient.fechaNacimiento,
        sexo: patient.sexo,
        source: patient.source,
        updatedAt: patient.updatedAt,
      })
      .where('id', '=', patient.id)
      .execute();
  },
  async deleteKey(keyHash, expedienteCode) {
    await db
      .deleteFrom('patientBlockingKeys')
      .where('keyHash', '=', keyHash)
      .where('expedienteCode', '=', expedienteCode)
      .execute();
  },
  insertPatients: (patients) => insertIgnoringConflicts(db, PATIENTS_TABLE, patients),
  insertKeys: (rows) => insertIgnoringConflicts(db, BLOCKING_KEYS_TABLE, rows),
  mergeStagedKeys: null,
});

/**
 * The raw better-sqlite3 statements, prepared once per handle. They run on the handle's one connection,
 * so inside a kysely transaction they see and join it: the `db` they are given is not needed.
 */
export function sqliteStatements(sqlite: SqliteHandle): PatientStatementsFor {
  const statements: PatientStatements = {
    kind: 'sqlite',
    async patientsByExpediente(expedientes) {
      const found: Patient[] = [];
      for (const part of chunk(expedientes, ROWS_PER_STATEMENT)) {
        found.push(...(cachedStatement(sqlite, patientsInSql(part.length)).all(...part) as Patient[]));
      }
      return found;
    },
    async keyMembers(keyHash, limit) {
      // One comma-separated string: a JS object per row (hundreds per filename, most of them from keys that
      // overflow the cap and are dropped) cost more than the B-tree scan itself.
      const literal = Number.isSafeInteger(limit) && limit >= 0;
      const row = (
        literal
          ? cachedStatement(sqlite, keyMembersSql(limit)).get(keyHash)
          : cachedStatement(sqlite, keyMembersSql(null)).get(keyHash, limit)
      ) as { codes: string | null };
      return row.codes === null ? [] : row.codes.split(',').map(Number);
    },
    async termCounts(terms) {
      const found: { term: string; patients: number }[] = [];
      for (const part of chunk(terms, ROWS_PER_STATEMENT)) {
        found.push(
          ...(cachedStatement(
            sqlite,
            `SELECT term, patients FROM name_term_counts WHERE term IN (${placeholders(part.length)})`,
          ).all(...part) as { term: string; patients: number }[]),
        );
      }
      return found;
    },
    async updatePatient(patient) {
      cachedStatement(
        sqlite,
        `UPDATE patients SET apellido_paterno = ?, apellido_materno = ?, nombres = ?, fecha_nacimiento = ?, sexo = ?, source = ?, updated_at = ? WHERE id = ?`,
      ).run(
        patient.apellidoPaterno,
        patient.apellidoMaterno,
        patient.nombres,
        patient.fechaNacimiento,
        patient.sexo,
        patient.source,
        patient.updatedAt,
        patient.id,
      );
    },
    async deleteKey(keyHash, expedienteCode) {
      cachedStatement(
        sqlite,
        'DELETE FROM patient_blocking_keys WHERE key_hash = ? AND expediente_code = ?',
      ).run(keyHash, expedienteCode);
    },
    insertPatients: async (patients) => sqliteInsertIgnoringConflicts(sqlite, PATIENTS_TABLE, patients),
    insertKeys: async (rows) => sqliteInsertIgnoringConflicts(sqlite, BLOCKING_KEYS_TABLE, rows),
    mergeStagedKeys: async (staged) => mergeStagedKeys(sqlite, staged),
  };
  return () => statements;
}

const STAGED_KEYS = 'temp.staged_blocking_keys';

/**
 * Writes the staged key rows into `patient_blocking_keys` in key order, so the B-tree writes stay
 * sequential: sorted here (a native typed-array sort), appended in that order to a temporary table, and
 * merged by one INSERT … SELECT. Staging the rows in SQLite during the import and merging them with
 * ORDER BY did the same, but SQLite's sort of 5.8 million rows alone took 14 s of a 38 s import of a
 * million patients; the whole merge here takes a few seconds.
 */
function mergeStagedKeys(sqlite: SqliteHandle, staged: KeyColumns): void {
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

/** Patient columns under their TypeScript names, so raw SQLite rows need no renaming. */
const PATIENT_COLUMNS_AS_CAMEL = PATIENTS_TABLE.columns.map((c) => `${c} AS ${toCamel(c)}`).join(', ');

const keyMembersSqlByLimit = new Map<number | null, string>();

/**
 * The limit written into the SQL, not bound: SQLite (3.47 and later) reads a bound LIMIT while planning, so
 * a statement whose LIMIT is a parameter is compiled again on every run with a new binding — a third of this
 * statement's time, six times per filename. The same string object per limit, for the statement cache.
 */
function keyMembersSql(limit: number | null): string {
  let sql = keyMembersSqlByLimit.get(limit);
  if (sql === undefined) {
    sql =
      'SELECT group_concat(expediente_code) AS codes FROM ' +
      `(SELECT expediente_code FROM patient_blocking_keys WHERE key_hash = ? ORDER BY expediente_code LIMIT ${limit ?? '?'})`;
    keyMembersSqlByLimit.set(limit, sql);
  }
  return sql;
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

function toCamel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
