import { resolveDatabaseTarget } from '../../db/database-url.js';
import { openDatabase, type OpenDatabase, type OpenDatabaseOptions } from '../../db/open-database.js';

export interface DatabaseOptions {
  /** `--db` value; falls back to TECSALUD_DB, then ./tecsalud-batch.db. */
  db?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Opens (and migrates) the configured database, runs `work`, and always closes it. */
export async function withDatabase<T>(
  options: DatabaseOptions,
  work: (database: OpenDatabase) => Promise<T>,
  openOptions: OpenDatabaseOptions = {},
): Promise<T> {
  const target = resolveDatabaseTarget(options.db, { cwd: options.cwd, env: options.env ?? process.env });
  const database = await openDatabase(target, openOptions);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
