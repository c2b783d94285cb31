import { translateDatabaseError } from '../db/database-file-errors.js';
import { resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from '../db/open-database.js';
import type { FileModePolicy } from '../private-files.js';
import { readNumberSetting } from '../config/number-setting.js';

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
