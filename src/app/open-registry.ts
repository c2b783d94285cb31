import { resolveDatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from '../db/open-database.js';

/** Where the registry is: `--db` as resolved by the configuration, relative to `cwd`. */
export interface RegistryLocation {
  /** `--db` value; falls back to TECSALUD_DB, then ./tecsalud-batch.db. */
  db: string | undefined;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Opens (and migrates) the registry database. The caller closes it. */
export async function openRegistry(
  location: RegistryLocation,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const target = resolveDatabaseTarget(location.db, { cwd: location.cwd, env: location.env ?? process.env });
  return openDatabase(target, options);
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
  } finally {
    await database.close();
  }
}
