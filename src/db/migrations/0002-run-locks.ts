import type { Kysely } from 'kysely';

/** Who holds the run lock on a (source folder, database) pair: named in the second run's message. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_locks')
    .addColumn('lock_key', 'text', (c) => c.primaryKey())
    .addColumn('source_dir', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('run_locks').ifExists().execute();
}
