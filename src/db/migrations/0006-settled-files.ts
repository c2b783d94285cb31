import type { Kysely } from 'kysely';

/**
 * - `settled_files`: the files of a folder that reached a final state, by (folder, path, size, mtime), so
 *   that a later run settles them again without reading and hashing them (a backlog drains under
 *   --max-files however large the folder: see ingest/settle-known-files).
 * - `batch_files.move_error`: a file whose final state is recorded but that could not be archived or
 *   quarantined (read-only archive, a name too long), reported until a run moves it.
 * - `batch_uploads.superseded_by`: an interrupted session a later session took over instead of resuming
 *   (it ran with other options); it is never resumed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settled_files')
    .addColumn('source_dir', 'text', (c) => c.notNull())
    .addColumn('relative_path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mtime_ms', 'double precision', (c) => c.notNull())
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error_message', 'text')
    .addColumn('batch_id', 'text')
    .addColumn('settled_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('settled_files_pk', ['source_dir', 'relative_path'])
    .execute();
  await db.schema.alterTable('batch_files').addColumn('move_error', 'text').execute();
  await db.schema.alterTable('batch_uploads').addColumn('superseded_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batch_uploads').dropColumn('superseded_by').execute();
  await db.schema.alterTable('batch_files').dropColumn('move_error').execute();
  await db.schema.dropTable('settled_files').ifExists().execute();
}
