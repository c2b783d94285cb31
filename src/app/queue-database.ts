import { databaseSettingName, resolveDatabaseTarget } from '../db/database-url.js';
import { UsageError } from '../errors.js';
import type { RegistryLocation } from './open-registry.js';

/** The queue lives in PostgreSQL: said before anything is opened (a SQLite path would even be created). */
export function requirePostgres(location: RegistryLocation, what: string): void {
  const target = resolveDatabaseTarget(location.db, { cwd: location.cwd, setting: location.dbSetting });
  if (target.kind !== 'postgres') {
    throw new UsageError(
      `${what} needs the job queue, which lives in PostgreSQL; the database is SQLite (${target.display})`,
      `point ${databaseSettingName(target)} at postgres://USER:PASSWORD@HOST:PORT/DB; ` +
        'with SQLite, run `tecsalud-batch ingest DIR` (one process does the whole folder)',
    );
  }
}
