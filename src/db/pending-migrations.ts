import { Migrator } from 'kysely';
import { createMigrationProvider } from './migrations/index.js';
import type { OpenDatabase } from './open-database.js';

/** Migrations this version of the tool knows and the database has not run yet (read-only). */
export async function pendingMigrations(database: OpenDatabase): Promise<string[]> {
  // The migrator reads its own tables; it needs the raw (un-camel-cased) names, as open-database uses.
  const migrator = new Migrator({
    db: database.db.withoutPlugins(),
    provider: createMigrationProvider(database.dialect),
  });
  const migrations = await migrator.getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
