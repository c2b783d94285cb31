import { sql, type Kysely } from 'kysely';

/**
 * Issue 14 and DECISIONS 6.
 *
 * 1. One audit schema for every entry: who (`actor`, `actor_kind`: os_user | reviewer | token, and `client`,
 *    the address of an HTTP caller), what it touched (`session_id`, `file_id`, `document_id`) and which
 *    patient it moved between (`patient_before`, `patient_after`), beside the `details` JSON. The old
 *    columns (`batch_id`, `entity_type`, `entity_id`) stay, so writers that do not know the new ones keep
 *    working; the rows written before this migration are filled in from them.
 * 2. `rejected_contents`: the content hashes a reviewer rejected. A rejected file stays rejected on later
 *    runs until `review --reopen`; it is its own table because `cleanup` removes the sessions' file rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    .addColumn('actor_kind', 'text', (c) => c.notNull().defaultTo('os_user'))
    .execute();
  for (const column of [
    'client',
    'session_id',
    'file_id',
    'document_id',
    'patient_before',
    'patient_after',
  ]) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('audit_log').addColumn(column, 'text').execute();
  }
  await sql`UPDATE audit_log SET session_id = batch_id`.execute(db);
  await sql`UPDATE audit_log SET file_id = entity_id WHERE entity_type = 'batch_file'`.execute(db);
  await sql`UPDATE audit_log SET document_id = entity_id WHERE entity_type = 'medical_document'`.execute(db);
  await sql`UPDATE audit_log SET actor_kind = 'reviewer' WHERE action LIKE 'review%'`.execute(db);
  await db.schema.createIndex('audit_log_document_idx').on('audit_log').column('document_id').execute();
  await db.schema.createIndex('audit_log_file_idx').on('audit_log').column('file_id').execute();

  await db.schema
    .createTable('rejected_contents')
    .addColumn('content_sha256', 'text', (c) => c.primaryKey())
    .addColumn('batch_file_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('rejected_by', 'text', (c) => c.notNull())
    .addColumn('rejected_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rejected_contents').ifExists().execute();
  await db.schema.dropIndex('audit_log_file_idx').ifExists().execute();
  await db.schema.dropIndex('audit_log_document_idx').ifExists().execute();
  for (const column of [
    'patient_after',
    'patient_before',
    'document_id',
    'file_id',
    'session_id',
    'client',
    'actor_kind',
  ]) {
    await db.schema.alterTable('audit_log').dropColumn(column).execute();
  }
}
