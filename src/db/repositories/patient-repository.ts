import { newId } from '../new-id.js';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { isFrequencyKey, patientBlockingKeys } from '../../core/matching/blocking-keys.js';
import { nearExpedientes } from '../../core/matching/near-expediente.js';
import type { PatientInput } from '../../core/registry/registry-row.js';
import type { Database, Patient, PatientSource } from '../schema.js';
import type { SqliteHandle } from '../open-database.js';
import { insertIgnoringConflicts, ROWS_PER_STATEMENT } from '../bulk-insert.js';
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
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0 };
    if (rows.length === 0) return summary;
    const latest = new Map<string, PatientInput>();
    for (const row of rows) latest.set(row.expediente, row); // the last row of a file wins
    await this.db.transaction().execute(async (trx) => {
      const existing = new Map<string, Patient>();
      // A first import into an empty registry has nothing to compare with: skip a million lookups.
      const registryEmpty =
        (await trx.selectFrom('patients').select('id').limit(1).executeTakeFirst()) === undefined;
      for (const part of registryEmpty ? [] : chunk([...latest.keys()], ROWS_PER_STATEMENT)) {
        const found = await trx.selectFrom('patients').selectAll().where('expediente', 'in', part).execute();
        for (const patient of found) existing.set(patient.expediente, patient);
      }
      const now = new Date().toISOString();
      const inserts: Patient[] = [];
      const updates: Patient[] = [];
      for (const row of latest.values()) {
        const before = existing.get(row.expediente);
        if (!before) {
          inserts.push(toPatient(newId(), row, source, now, now));
        } else if (differs(before, row)) {
          updates.push(toPatient(before.id, row, before.source, before.createdAt, now));
        } else {
          summary.unchanged++;
        }
      }
      await insertIgnoringConflicts(trx, this.sqlite, PATIENTS_TABLE, inserts as unknown as Record<string, unknown>[]);
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
      await removeBlockingKeys(
        trx,
        updates.map((p) => existing.get(p.expediente)!),
      );
      await insertBlockingKeys(trx, this.sqlite, [...inserts, ...updates]);
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

  async findByExpediente(expediente: string): Promise<Patient | undefined> {
    const [patient] = await this.all(
      this.db.selectFrom('patients').selectAll().where('expediente', '=', expediente),
    );
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
    const owner = await this.findByExpediente(query.expediente);
    if (owner) byId.set(owner.id, owner);
    else {
      // An expediente absent from the registry may be a one-keystroke typo of one that is present.
      const near = await this.all(
        this.db
          .selectFrom('patients')
          .selectAll()
          .where('expediente', 'in', nearExpedientes(query.expediente)),
      );
      for (const patient of near) byId.set(patient.id, patient);
    }
    const hashes = [...new Set(query.keys.map(hashBlockingKey))];
    if (hashes.length > 0) {
      const expedientes = new Set<string>();
      // One primary-key range scan per key, reading one row past the cap: a key shared by more
      // patients than that (HERNANDEZ HERNANDEZ …) tells nothing about who this is, and is skipped
      // whole rather than truncated to an arbitrary subset. The other, more specific keys still apply.
      const perKey = await Promise.all(
        hashes.map((keyHash) =>
          this.all(
            this.db
              .selectFrom('patientBlockingKeys')
              .select('expedienteCode')
              .where('keyHash', '=', keyHash)
              .limit(perKeyLimit + 1),
          ),
        ),
      );
      for (const rows of perKey) {
        if (rows.length > perKeyLimit) continue;
        for (const row of rows) expedientes.add(decodeExpediente(row.expedienteCode));
      }
      if (owner) expedientes.delete(owner.expediente);
      for (const part of chunk([...expedientes], ROWS_PER_STATEMENT)) {
        const found = await this.all(
          this.db.selectFrom('patients').selectAll().where('expediente', 'in', part),
        );
        for (const patient of found) byId.set(patient.id, patient);
      }
    }
    return [...byId.values()];
  }

  /**
   * Runs a read on SQLite through a cached prepared statement: kysely prepares every query anew, which
   * was most of the time of matching a filename. Same SQL, so the same plan and row order; PostgreSQL
   * goes through kysely unchanged.
   */
  private async all<R>(query: { compile(): CompiledQuery<R>; execute(): Promise<R[]> }): Promise<R[]> {
    if (!this.sqlite) return query.execute();
    const { sql, parameters } = query.compile();
    return cachedStatement(this.sqlite, sql)
      .all(...parameters)
      .map((row) => toCamelRow(row as Record<string, unknown>) as R);
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
      const rows = await this.all(this.db.selectFrom('nameTermCounts').selectAll().where('term', 'in', part));
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

/**
 * Candidate keys go to `patient_blocking_keys`, one row per patient; frequency keys (`t:`) only move
 * the counters in `name_term_counts`, which stays a few thousand rows at any registry size.
 */
async function insertBlockingKeys(trx: Db, sqlite: SqliteHandle | null, patients: Patient[]): Promise<void> {
  const keyHashes: number[] = [];
  const expedienteCodes: number[] = [];
  const termDeltas = new Map<string, number>();
  for (const patient of patients) {
    const expedienteCode = encodeExpediente(patient.expediente);
    for (const key of patientBlockingKeys(patient)) {
      if (isFrequencyKey(key)) termDeltas.set(key, (termDeltas.get(key) ?? 0) + 1);
      else {
        keyHashes.push(hashBlockingKey(key));
        expedienteCodes.push(expedienteCode);
      }
    }
  }
  const rows = inKeyOrder(keyHashes).map((i) => ({
    keyHash: keyHashes[i]!,
    expedienteCode: expedienteCodes[i]!,
  }));
  await insertIgnoringConflicts(trx, sqlite, BLOCKING_KEYS_TABLE, rows);
  await applyTermDeltas(trx, termDeltas);
}

const LOW_BITS = 2 ** 21;

/**
 * Row indexes ordered by key hash. Inserting in key order keeps the B-tree writes local: several times
 * faster on a large registry. Only locality matters (the primary key decides what is stored), so the
 * order is by the hash's high 32 bits, computed with a native typed-array sort of `high · 2^21 + index`
 * (exact below 2^53) instead of a comparator sort of a million objects.
 */
function inKeyOrder(keyHashes: number[]): number[] {
  const n = keyHashes.length;
  if (n >= LOW_BITS) {
    return Array.from(keyHashes.keys()).sort((a, b) => keyHashes[a]! - keyHashes[b]!);
  }
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = Math.floor(keyHashes[i]! / LOW_BITS) * LOW_BITS + i;
  packed.sort();
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = packed[i]! % LOW_BITS;
  return order;
}

/** The keys a patient was stored under, recomputed from its (old) name, so no patient_id index is needed. */
async function removeBlockingKeys(trx: Db, patients: Patient[]): Promise<void> {
  const termDeltas = new Map<string, number>();
  for (const patient of patients) {
    for (const key of new Set(patientBlockingKeys(patient))) {
      if (isFrequencyKey(key)) {
        termDeltas.set(key, (termDeltas.get(key) ?? 0) - 1);
        continue;
      }
      await trx
        .deleteFrom('patientBlockingKeys')
        .where('keyHash', '=', hashBlockingKey(key))
        .where('expedienteCode', '=', encodeExpediente(patient.expediente))
        .execute();
    }
  }
  await applyTermDeltas(trx, termDeltas);
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

const camelNames = new Map<string, string>();

/** What kysely's CamelCasePlugin does to a result row. */
function toCamelRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column in row) {
    let name = camelNames.get(column);
    if (name === undefined)
      camelNames.set(column, (name = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())));
    out[name] = row[column];
  }
  return out;
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
