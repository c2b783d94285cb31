import type { Kysely } from 'kysely';

/**
 * `creation_locks`: on SQLite, the row that says which process is creating a patient (see
 * patient-creation-lock.ts); its primary key arbitrates two processes' race. PostgreSQL takes an advisory lock
 * instead and leaves the table empty.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('creation_locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('creation_locks').ifExists().execute();
}
