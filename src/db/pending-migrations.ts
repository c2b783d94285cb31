import { Migrator, type Kysely } from 'kysely';
import { createMigrationProvider } from './migrations/index.js';
import type { OpenDatabase } from './open-database.js';

/** A migration this version of the tool knows and the database has not run yet. */
export interface PendingMigration {
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/** Migrations this version of the tool knows and the database has not run yet (read-only). */
export async function pendingMigrations(database: OpenDatabase): Promise<string[]> {
  return (await pendingMigrationSteps(database)).map((m) => m.name);
}

/** The same, runnable in order: a rehearsal runs them inside its own transaction (see withRolledBackRegistry). */
export async function pendingMigrationSteps(database: OpenDatabase): Promise<PendingMigration[]> {
  // The migrator reads its own tables; it needs the raw (un-camel-cased) names, as open-database uses.
  const migrator = new Migrator({
    db: database.db.withoutPlugins(),
    provider: createMigrationProvider(database.dialect),
  });
  const migrations = await migrator.getMigrations();
  return migrations
    .filter((m) => m.executedAt === undefined)
    .map(({ name, migration }) => ({ name, up: (db: Kysely<unknown>) => migration.up(db) }));
}
