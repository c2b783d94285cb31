import type { Migration, MigrationProvider } from 'kysely';
import * as initialSchema from './0001-initial-schema.js';

/**
 * Migrations are listed in code rather than read from a folder: the same list works from the
 * compiled dist/ and from the TypeScript sources under test, and nothing depends on the file-system.
 * Names sort in the order they must run.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial-schema': initialSchema,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1) ?? '';
