import fs from 'node:fs';
import type { Kysely } from 'kysely';
import path from 'node:path';
import { translateDatabaseError } from '../db/database-file-errors.js';
import { resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from '../db/open-database.js';
import type { FileModePolicy } from '../private-files.js';
import { readNumberSetting } from '../config/number-setting.js';
import { pendingMigrationSteps } from '../db/pending-migrations.js';
import { migratedByNewerVersion, migrationsUnknownHere } from '../db/migration-state.js';

/** Where the registry is: the configured database (flags > env > config file), relative to `cwd`. */
export interface RegistryLocation {
  /** The configuration's `db`; undefined: ./tecsalud-batch.db. */
  db: string | undefined;
  /** Where `db` was configured (`--db`, `TECSALUD_DB`, the config file's db), for hints; undefined: the default. */
  dbSetting?: string | undefined;
  cwd: string;
  /** Who may read a database file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /** TECSALUD_DB_TIMEOUT: seconds a PostgreSQL statement may go unanswered (default 120; 0: no limit). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens (and migrates) the registry database; the caller closes it. It must exist unless `create` (the
 * commands that build a registry: `patients import`, `ingest`).
 */
export async function openRegistry(
  location: RegistryLocation,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const target = resolveDatabaseTarget(location.db, { cwd: location.cwd, setting: location.dbSetting });
  const timeout = location.env?.TECSALUD_DB_TIMEOUT;
  return openDatabase(target, {
    ...(target.kind === 'postgres' && timeout !== undefined && timeout.trim() !== ''
      ? {
          queryTimeoutMs:
            readNumberSetting(timeout, 'TECSALUD_DB_TIMEOUT', { kind: 'decimal', min: 0, max: 86_400 }) *
            1000,
        }
      : {}),
    ...options,
    create: options.create ?? false,
    fileMode: options.fileMode ?? location.fileMode,
  });
}

/** Opens (and migrates) the registry database, runs `work`, and always closes it. */
export async function withRegistry<T>(
  location: RegistryLocation,
  work: (database: OpenDatabase) => Promise<T>,
  options: OpenDatabaseOptions = {},
): Promise<T> {
  const database = await openRegistry(location, options);
  try {
    return await work(database);
  } catch (error) {
    // A damaged or read-only file may show only when the command reads or writes a part of it.
    throw translateDatabaseError(error, database.target);
  } finally {
    await database.close();
  }
}

/**
 * Opens the registry as withRegistry does, but runs `work` inside one transaction that is rolled back: what it
 * writes, the migrations a new or older database needs included, is gone afterwards (PostgreSQL and SQLite
 * both roll back schema changes). A SQLite file that does not exist yet, or is empty, is not created: the
 * rehearsal runs on a new in-memory database, which is what that file would start as.
 */
export async function withRolledBackRegistry<T>(
  location: RegistryLocation,
  work: (database: OpenDatabase) => Promise<T>,
  options: OpenDatabaseOptions = {},
): Promise<T> {
  const target = resolveDatabaseTarget(location.db, { cwd: location.cwd, setting: location.dbSetting });
  // A missing folder is left to openDatabase, which says so as it would for the real command.
  const unborn =
    target.kind === 'sqlite' &&
    target.path !== ':memory:' &&
    fs.existsSync(path.dirname(target.path)) &&
    (fs.statSync(target.path, { throwIfNoEntry: false })?.size ?? 0) === 0;
  return withRegistry(
    unborn ? { ...location, db: ':memory:' } : location,
    async (database) => {
      // Listed before the transaction: on SQLite it holds the one connection the listing would wait for.
      const pending = await pendingMigrationSteps(database);
      // The real command's migration stops there (exit 69): a rehearsal that went on would promise an import that cannot run.
      const newer = await migrationsUnknownHere(database.db.withoutPlugins() as unknown as Kysely<unknown>);
      if (newer.length > 0) throw migratedByNewerVersion(newer);
      const trx = await database.db.startTransaction().execute();
      try {
        for (const migration of pending)
          await migration.up(trx.withoutPlugins() as unknown as Kysely<unknown>);
        return await work({ ...database, db: trx });
      } finally {
        // A rollback that fails (the connection lost) needs no retry: closing the database, as withRegistry
        // always does, ends the transaction uncommitted. The work's own error says what happened.
        await trx
          .rollback()
          .execute()
          .catch(() => undefined);
      }
    },
    { ...options, create: false, migrate: false, rehearsal: true },
  );
}
