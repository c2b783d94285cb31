import fs from 'node:fs';
import path from 'node:path';
import { CamelCasePlugin, Kysely, Migrator, type Dialect } from 'kysely';
import { describeError } from '../core/text/describe-error.js';
import { unreachableCode } from '../core/text/network-error-code.js';
import { UserError, ExitCode } from '../errors.js';
import { createPrivateFileSync, type FileModePolicy } from '../private-files.js';
import {
  isConnectionLoss,
  isConnectionRefusal,
  postgresRefusal,
  postgresUnavailable,
} from './connection-loss.js';
import { postgresConnectionConfig, type PostgresTlsMode } from './postgres-config.js';
import { retryStaleConnections } from './retry-stale-connection.js';
import {
  boundQueries,
  DEFAULT_POSTGRES_QUERY_TIMEOUT_MS,
  endWithin,
  OpenConnections,
  type QueryBound,
} from './bounded-queries.js';
import type { Database } from './schema.js';
import {
  createMigrationProvider,
  type MigrationStepRunner,
  type SqlDialectName,
} from './migrations/index.js';
import { databaseFileError, translateDatabaseError } from './database-file-errors.js';
import { databaseSettingName, type DatabaseTarget } from './database-url.js';
import { translateLikePostgres } from './fold-accents-sql.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './storage-errors.js';
import { WriteFirstSqliteDialect } from './write-first-sqlite-dialect.js';
import { CommitBarrier, syncWriteAheadLog } from './commit-barrier.js';
import { migratedByNewerVersion, migrationsUnknownHere } from './migration-state.js';

/** The subset of better-sqlite3 that the embedded vector store needs from the shared handle. */
export interface SqliteHandle {
  prepare(sql: string): {
    run(...params: unknown[]): unknown;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
  exec(sql: string): unknown;
  transaction<T extends (...args: never[]) => unknown>(fn: T): T & { immediate: T };
  loadExtension(path: string): unknown;
}

/** One PostgreSQL connection of its own, outside the pool (the run lock's). */
export interface DedicatedConnection {
  query<R>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Resolves when the connection ends without close() (the server ended it, the network dropped). */
  readonly lost: Promise<Error>;
  close(): Promise<void>;
}

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  target: DatabaseTarget;
  /** The raw SQLite handle (embedded backend only), shared with the sqlite-vec vector store. */
  sqlite: SqliteHandle | null;
  /** PostgreSQL only: how the connection string asks for TLS (see postgres-config). */
  tls?: PostgresTlsMode;
  /** PostgreSQL only: opens a connection outside the pool, with the pool's settings. */
  openDedicatedConnection?: () => Promise<DedicatedConnection>;
  /**
   * Resolves once every commit made so far would survive an OS crash (see CommitBarrier): SQLite syncs its
   * -wal file, shared by concurrent callers; PostgreSQL's commits are durable when they return.
   */
  commitsDurable(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /**
   * SQLite: create the file when it does not exist (default true). Only the commands that build a registry
   * (`patients import`, `ingest`) create one; any other given a path that is not there says so.
   */
  create?: boolean;
  /**
   * SQLite: who may read a file this call creates (default owner-only, 0600). Its -wal and -shm files get the
   * same mode: SQLite gives them the database file's.
   */
  fileMode?: FileModePolicy;
  /**
   * SQLite: a rehearsal (`patients import --dry-run`) whose transaction is rolled back: the file is left as it
   * was, byte for byte. Its journal mode is kept (switching to WAL writes the file's header), and a database in
   * a rollback-journal mode keeps this connection's journal in memory and never spills a transaction's pages
   * into the file before the rollback. A database in WAL mode is left as found too: no page spilled into its -wal,
   * and a -wal file already there (a process killed, or one still running) neither checkpointed into the file nor
   * deleted on close (see holdWriteAheadLog).
   */
  rehearsal?: boolean;
  /** Milliseconds to wait on a locked SQLite file before failing (default 15 s). */
  busyTimeoutMs?: number;
  /**
   * SQLite page cache in MB (default 64). A registry import raises it: its key merge walks a large
   * B-tree. The cache counts in the process's resident memory, which a long ingest must keep flat.
   */
  sqliteCacheMb?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL: how long to wait for a connection before failing (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL: how long to wait for any statement's answer before the connection is taken for lost (default
   * 120 s, see bounded-queries; 0: no limit). A migration's own statements are not bounded.
   */
  queryTimeoutMs?: number;
}

export async function openDatabase(
  target: DatabaseTarget,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const { dialect, sqlite, kind, postgres, closeLast } =
    target.kind === 'sqlite'
      ? { ...(await createSqliteDialect(target, options)), postgres: null }
      : { ...(await createPostgresDialect(target, options)), closeLast: undefined };
  const raw = new Kysely<unknown>({ dialect });
  const destroy = async () => {
    try {
      await raw.destroy();
      await postgres?.openConnections.settle();
    } finally {
      closeLast?.();
    }
  };
  try {
    if (options.migrate !== false)
      await migrateToLatest(raw, kind, postgres ? unboundedSteps(postgres.queryBound) : undefined);
  } catch (error) {
    await destroy();
    const discarded = error instanceof Error && /connection has been discarded$/.test(error.message);
    throw translateConnectionError((discarded && postgres?.queryBound.lastCut) || error, target);
  }
  const db = raw.withPlugin(new CamelCasePlugin()) as unknown as Kysely<Database>;
  return {
    db,
    dialect: kind,
    target,
    sqlite,
    ...(postgres ? { tls: postgres.tls, openDedicatedConnection: postgres.openDedicatedConnection } : {}),
    commitsDurable: commitsDurableFor(target),
    close: destroy,
  };
}

/**
 * A migration's own statements may take minutes (an index on a large table): they run without the statement
 * bound. The migrator's bookkeeping around them (its tables, its lock, the list of migrations run) keeps it, as
 * every command runs it even with nothing to migrate: a server frozen there hung the command for ever.
 */
function unboundedSteps(bound: QueryBound): MigrationStepRunner {
  return async (step) => {
    const ms = bound.ms;
    bound.ms = 0;
    try {
      await step();
    } finally {
      bound.ms = ms;
    }
  };
}

function commitsDurableFor(target: DatabaseTarget): () => Promise<void> {
  if (target.kind !== 'sqlite' || target.path === ':memory:') return () => Promise.resolve();
  const barrier = new CommitBarrier(syncWriteAheadLog(target.path));
  return () => barrier.wait();
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  runStep?: MigrationStepRunner,
): Promise<void> {
  const migrator = new Migrator({ db, provider: createMigrationProvider(dialect, runStep) });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely's migration lock is a no-op on SQLite: when several processes open a new file at once,
  // the losers fail on tables the winner just created. Once the winner has committed, a second
  // attempt finds the migrations done. (PostgreSQL serialises migrators with an advisory lock.)
  for (let attempt = 1; error && dialect === 'sqlite' && attempt <= 3; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((r) => r.status === 'Error');
  // A file that is not a usable database is the user's to fix, not a migration failure (see openDatabase);
  // a server that cannot be reached is not a migration failure either (openDatabase says "cannot reach").
  if (error && dialect === 'sqlite' && isSqliteError(error)) throw error;
  if (
    error &&
    dialect === 'postgres' &&
    (isConnectionLoss(error) || unreachableCode(error) || isConnectionRefusal(error))
  )
    throw error;
  if (error) {
    const newer = await migrationsUnknownHere(db).catch(() => []);
    if (newer.length > 0) throw migratedByNewerVersion(newer);
    const reason = describeError(error);
    throw new UserError(
      `database migration ${failed ? `'${failed.migrationName}' ` : ''}failed: ${reason}`,
      ExitCode.ServiceUnavailable,
    );
  }
}

/**
 * WAL pages written before a commit copies them into the database file (SQLite's default is 1,000, 4 MB).
 * An ingest commits a group of files at a time, several MB with its vectors: at 1,000 every group's commit
 * ran a checkpoint on the ingest's own thread, which copied again the index pages every group rewrites and
 * synced both files (two fsyncs per group, whose write-back the kernel charges to the caller). About 32 MB
 * between checkpoints copies each such page once per several groups. Durability does not change: a commit
 * is still in the -wal file before it returns (a kill loses nothing), and what needs to survive an OS crash
 * syncs it explicitly (CommitBarrier).
 */
export const WAL_AUTOCHECKPOINT_PAGES = 8192;

async function createSqliteDialect(
  target: Extract<DatabaseTarget, { kind: 'sqlite' }>,
  options: OpenDatabaseOptions,
): Promise<{ dialect: Dialect; sqlite: SqliteHandle; kind: 'sqlite'; closeLast?: () => void }> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const file = target.path;
  const setting = databaseSettingName(target);
  const create = options.create ?? true;
  if (file !== ':memory:') {
    const dir = path.dirname(file);
    if (!fs.existsSync(dir)) {
      throw new UserError(
        `the database folder '${dir}' does not exist`,
        ExitCode.Usage,
        `create it first, or change ${setting}`,
      );
    }
    if (!create && !fs.existsSync(file)) throw missingDatabase(file, setting);
    // An empty file is a valid new database to SQLite: a command that does not build a registry would
    // migrate it into an empty one and report that, as for a mistyped path. (`doctor`, which never
    // migrates, reports it as not migrated yet.)
    const migrates = options.migrate ?? true;
    if (!create && migrates && fs.statSync(file, { throwIfNoEntry: false })?.size === 0)
      throw emptyDatabase(file, setting);
  }
  const hold = options.rehearsal ? holdWriteAheadLog(BetterSqlite3, file) : null;
  let handle: InstanceType<typeof BetterSqlite3>;
  try {
    // SQLite would create the file 0644 less the umask: readable by every local account. An empty file is
    // a valid new database, so create it with its mode first.
    if (create && file !== ':memory:') createPrivateFileSync(file, options.fileMode);
    // fileMustExist: a file removed between the check and the open is still not created.
    handle = new BetterSqlite3(file, {
      timeout: options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS,
      fileMustExist: !create,
    });
  } catch (error) {
    hold?.close();
    throw new UserError(
      `cannot open the database '${file}': ${(error as Error).message}`,
      ExitCode.Usage,
      `check the path and its permissions, or change ${setting}`,
    );
  }
  try {
    // The embedded vector store keeps vec0 virtual tables in this file; any statement that touches
    // the schema (the migrator's introspection included) needs the module loaded.
    const sqliteVec = await import('sqlite-vec');
    sqliteVec.load(handle);
    if (file !== ':memory:') refuseAnotherProgramsDatabase(handle, file, setting);
    // WAL lets readers (status, search) run beside an ingest; NORMAL sync is durable across a
    // process kill (only an OS crash can lose the last transactions, never corrupt the file).
    // The first statements read the file's header: a file that is not SQLite, or is damaged, fails here.
    if (!options.rehearsal) handle.pragma('journal_mode = WAL');
    else {
      // Not persistent, unlike WAL: neither changes the header.
      if (handle.pragma('journal_mode', { simple: true }) !== 'wal') handle.pragma('journal_mode = MEMORY');
      // Pages beyond the cache stay in memory, out of the journal and out of the -wal file.
      handle.pragma('cache_spill = OFF');
    }
    handle.pragma('synchronous = NORMAL');
    handle.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    handle.pragma('foreign_keys = ON');
    handle.pragma(`cache_size = -${Math.round((options.sqliteCacheMb ?? 64) * 1024)}`);
    // The accent-blind name lookups (fold-accents-sql) call translate(), which SQLite does not have.
    handle.function('translate', { deterministic: true }, translateLikePostgres);
  } catch (error) {
    handle.close();
    hold?.close();
    throw translateDatabaseError(error, target);
  }
  return {
    dialect: new WriteFirstSqliteDialect({ database: withStatementCache(handle) }),
    sqlite: handle as unknown as SqliteHandle,
    kind: 'sqlite',
    ...(hold ? { closeLast: () => hold.close() } : {}),
  };
}

/**
 * For a rehearsal of a database whose -wal file is there (a process killed before its checkpoint, or one still
 * running): a read-only connection, closed after the rehearsal's own. The last connection to close a database in
 * WAL mode copies the -wal file into the database file and deletes it; the rehearsal's, not the last while this one
 * holds its shared lock, does neither, and a read-only connection never does. Without it a dry run wrote a killed
 * run's last transactions into the file and removed the -wal and -shm files. Null when there is no -wal file
 * (nothing to keep: the rehearsal's connection leaves none behind) or it cannot be opened.
 */
function holdWriteAheadLog(
  BetterSqlite3: typeof import('better-sqlite3'),
  file: string,
): { close(): void } | null {
  if (file === ':memory:' || !fs.existsSync(`${file}-wal`)) return null;
  try {
    const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      // A read takes the shared lock, which a connection in WAL mode keeps while it is open.
      reader.pragma('schema_version', { simple: true });
    } catch {
      reader.close();
      return null;
    }
    return reader;
  } catch {
    return null;
  }
}

async function createPostgresDialect(
  target: Extract<DatabaseTarget, { kind: 'postgres' }>,
  options: OpenDatabaseOptions,
): Promise<{
  dialect: Dialect;
  sqlite: null;
  kind: 'postgres';
  postgres: Pick<OpenDatabase, 'tls' | 'openDedicatedConnection'> & {
    queryBound: QueryBound;
    openConnections: OpenConnections;
  };
}> {
  const [{ PostgresDialect }, pg, { client, tls }] = await Promise.all([
    import('kysely'),
    import('pg'),
    postgresConnectionConfig(target.connectionString, target.setting),
  ]);
  const settings = {
    ...client,
    // Fail fast on an unreachable server instead of hanging on the OS's TCP timeout.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: { getTypeParser: bigintAsNumber(pg.default.types) },
  };
  const queryBound: QueryBound = { ms: options.queryTimeoutMs ?? DEFAULT_POSTGRES_QUERY_TIMEOUT_MS };
  const pool = new pg.default.Pool({ ...settings, max: options.poolSize ?? 10 });
  // A connection that drops emits 'error' on its client; without a listener that is an uncaught exception
  // that ends the process. pg-pool listens only while a client is idle in the pool, so every client gets
  // its own listener for the time it is checked out; the statement it was running fails instead.
  pool.on('error', () => undefined);
  const openConnections = new OpenConnections();
  pool.on('connect', (connected) => {
    connected.on('error', () => undefined);
    openConnections.add(connected);
    boundQueries(connected as unknown as Parameters<typeof boundQueries>[0], queryBound);
  });
  const openDedicatedConnection = async (): Promise<DedicatedConnection> => {
    const connection = new pg.default.Client(settings);
    boundQueries(connection as unknown as Parameters<typeof boundQueries>[0], queryBound);
    let closing = false;
    const lost = new Promise<Error>((resolve) => {
      connection.on('error', (error) => resolve(error));
      connection.on('end', () => {
        if (!closing) resolve(new Error('Connection terminated unexpectedly'));
      });
    });
    await connection.connect();
    let closed: Promise<void> | null = null;
    return {
      query: async <R>(sql: string, values?: unknown[]) =>
        (await connection.query(sql, values as unknown[])).rows as R[],
      lost,
      close: () => {
        closing = true;
        closed ??= endWithin(connection);
        return closed;
      },
    };
  };
  return {
    dialect: new PostgresDialect({ pool: retryStaleConnections(pool) }),
    sqlite: null,
    kind: 'postgres',
    postgres: { tls, openDedicatedConnection, queryBound, openConnections },
  };
}

/** The error for a registry that is not where the configuration says, for a command that only reads it. */
export function missingDatabase(file: string, setting: string): UserError {
  return new UserError(
    `the database '${file}' does not exist`,
    ExitCode.Usage,
    `check ${setting}; a new registry is created by ` +
      '`tecsalud-batch patients import FILE.csv` (or by `tecsalud-batch ingest DIR`)',
  );
}

/**
 * A SQLite file with tables but never migrated by this tool is another program's database (a mistyped `--db`
 * naming a browser's history, an app's data): the migrations would add the registry's tables to it, and the
 * switch to WAL rewrite its header, before the command reported an empty registry. Refused before either, as
 * for a file that is not SQLite. Reading the schema is also where a file that is not SQLite fails (see
 * translateDatabaseError). Tables appear only after the migrator's own (kysely_migration), so a second
 * process creating the same new file meanwhile is never taken for another program.
 */
function refuseAnotherProgramsDatabase(
  handle: { prepare(sql: string): { all(): unknown[] } },
  file: string,
  setting: string,
): void {
  const tables = (
    handle
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  // The embedded vector store's own tables are all `vec_*` (see sqlite-vec/schema), and `doctor` creates its
  // `vec_collections` in a file not migrated yet: such a file is this tool's, not another program's.
  if (
    tables.length === 0 ||
    tables.includes('kysely_migration') ||
    tables.every((name) => name.startsWith('vec_'))
  )
    return;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  throw new UserError(
    `'${file}' is a SQLite database of another program (tables: ${shown}), not a tecsalud-batch registry: nothing was changed`,
    ExitCode.Usage,
    `check ${setting}; a new registry is created by ` +
      '`tecsalud-batch patients import FILE.csv` (or by `tecsalud-batch ingest DIR`)',
  );
}

function emptyDatabase(file: string, setting: string): UserError {
  return new UserError(
    `the database '${file}' is an empty file (0 bytes): it holds no registry`,
    ExitCode.Usage,
    `check ${setting}; a new registry is created by ` +
      '`tecsalud-batch patients import FILE.csv` (or by `tecsalud-batch ingest DIR`)',
  );
}

const INT8_OID = 20;

/**
 * pg returns int8 (bigint, and every count(*)) as a string, to be safe beyond 2^53. Ours never get
 * there (blocking-key hashes are 53-bit, expediente codes below 2^53, counts far smaller), and the
 * repositories compare them as numbers as SQLite returns them. Set per pool, not on pg's global table.
 */
function bigintAsNumber(types: {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => unknown;
}): (oid: number, format?: 'text' | 'binary') => (value: string) => unknown {
  return (oid, format) =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : (types.getTypeParser(oid, format) as (value: string) => unknown);
}

function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

function translateConnectionError(error: unknown, target: DatabaseTarget): Error {
  if (error instanceof UserError) return error;
  const fileError = databaseFileError(error, target);
  if (fileError) return fileError;
  const message = describeError(error);
  if (target.kind === 'postgres')
    return postgresRefusal(error, target) ?? postgresUnavailable(error, target, 'reach');
  return new UserError(`cannot use the database ${target.display}: ${message}`, ExitCode.Usage);
}

/** The subset of a better-sqlite3 handle that kysely's SQLite driver uses. */
interface PreparingHandle {
  prepare(sql: string): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
}

/**
 * What kysely runs for a `rollback` when SQLite has already rolled the transaction back itself, as it does
 * on a full disk, an I/O error or a lock it gave up on: SQLite's own "cannot rollback - no transaction is
 * active" would otherwise replace the error that says what happened.
 */
const ALREADY_ROLLED_BACK = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) };

const STATEMENT_CACHE_SIZE = 256;

/**
 * kysely prepares every query anew, and preparing costs more than running the small statements the
 * pipeline issues per file (profiled: a quarter of the ingest's database time). The SQL text of a
 * query is stable, so its prepared statement is reused. Safe because kysely runs each statement to
 * completion (`all` / `run`) before issuing the next; nothing here streams rows. A rollback of a
 * transaction SQLite already ended is skipped (ALREADY_ROLLED_BACK).
 */
function withStatementCache<T extends PreparingHandle>(handle: T): T {
  const cache = new Map<string, unknown>();
  return new Proxy(handle, {
    get(target, property, receiver) {
      if (property === 'prepare') {
        return (sql: string) => {
          if (sql === 'rollback' && !target.inTransaction) return ALREADY_ROLLED_BACK;
          let statement = cache.get(sql);
          if (statement === undefined) {
            statement = target.prepare(sql);
            if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
            cache.set(sql, statement);
          }
          return statement;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
