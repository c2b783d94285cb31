import { sql, type Kysely } from 'kysely';
import { MIGRATION_NAMES } from './migrations/index.js';

/**
 * Migrations recorded in the database that this version of the tool does not know: the database was
 * migrated by a newer version. Empty for a new database (no migration table yet).
 */
export async function migrationsUnknownHere(db: Kysely<unknown>): Promise<string[]> {
  let rows: { name: string }[];
  try {
    ({ rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db));
  } catch {
    return []; // no migration table: nothing has migrated this database yet
  }
  const known = new Set(MIGRATION_NAMES);
  return rows
    .map((row) => row.name)
    .filter((name) => !known.has(name))
    .sort();
}
