import { sql, type Kysely } from 'kysely';
import { ExitCode, UserError } from '../errors.js';
import { MIGRATION_NAMES } from './migrations/index.js';

/**
 * Migrations recorded in the database that this version of the tool does not know: the database was
 * migrated by a newer version. Empty for a new database (no migration table yet).
 */
export async function migrationsUnknownHere(db: Kysely<unknown>): Promise<string[]> {
  let rows: { name: string }[];
  try {
    ({ rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db));
  } catch (error) {
    // No migration table: nothing has migrated this database yet. Anything else (a server that cannot be
    // reached) is the caller's to report: read as "no table", it cost a second connect timeout.
    if (isMissingTable(error)) return [];
    throw error;
  }
  const known = new Set(MIGRATION_NAMES);
  return rows
    .map((row) => row.name)
    .filter((name) => !known.has(name))
    .sort();
}

/** PostgreSQL's undefined_table, SQLite's "no such table". */
function isMissingTable(error: unknown): boolean {
  return (
    (error as { code?: unknown } | null)?.code === '42P01' ||
    (error instanceof Error && /^no such table\b/.test(error.message))
  );
}

/**
 * A database a newer version migrated: this one refuses to write to it (69), saying why, rather than Kysely's
 * "corrupted migrations: previously executed migration … is missing", which reads as damage to an admin whose
 * colleague upgraded the tool on another machine of the shared registry.
 */
export function migratedByNewerVersion(newer: readonly string[]): UserError {
  return new UserError(
    `the database was migrated by a newer version of tecsalud-batch (${newer.join(', ')} unknown to this one): ` +
      'this version cannot write to it',
    ExitCode.ServiceUnavailable,
    'use the version of tecsalud-batch that migrated it',
  );
}
