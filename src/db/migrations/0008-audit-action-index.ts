import type { Kysely } from 'kysely';

/**
 * `audit_log_action_idx` on (action, document_id): `doctor` looks for the document moves and detaches left
 * unfinished (AuditRepository.unfinishedDocumentChanges) by their action, and for each the entry that ended
 * it by action and document. Without it both read the whole log, which grows by an entry for every file of
 * every run: on a registry of a few years, `doctor` spent its time bound there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('audit_log_action_idx')
    .on('audit_log')
    .columns(['action', 'document_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_action_idx').ifExists().execute();
}
