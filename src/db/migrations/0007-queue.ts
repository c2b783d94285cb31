import type { Kysely } from 'kysely';

/**
 * What the job queue (pg-boss, in its own schema) needs beside the registry: which sessions are driven
 * by the queue, which workers took part, and which file of a session was the first with a content (so
 * that workers on several machines agree on which copy is a `duplicate_in_batch`). The tables exist on
 * SQLite too (the same schema everywhere); only PostgreSQL sessions ever fill them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A session whose files were put on the queue (`ingest --enqueue`, `serve` with a queue): its files
  // are finished by workers, never by a run holding the folder's lock.
  await db.schema
    .createTable('queue_sessions')
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('jobs', 'integer', (c) => c.notNull())
    .addColumn('enqueued_at', 'text', (c) => c.notNull())
    .execute();

  // One row per worker process: seen by `status` (heartbeat), and what it has done so far.
  await db.schema
    .createTable('queue_workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('stopped_at', 'text')
    .execute();

  // Files a worker finished, per session: "workers seen" for a session's status.
  await db.schema
    .createTable('queue_worker_sessions')
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('files', 'integer', (c) => c.notNull())
    .addColumn('last_file_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('queue_worker_sessions_pk', ['worker_id', 'batch_id'])
    .execute();

  // The first file of a session to claim a content: the others with the same bytes are its duplicates.
  await db.schema
    .createTable('batch_content_claims')
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull())
    .addColumn('relative_path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('batch_content_claims_pk', ['batch_id', 'content_sha256'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['batch_content_claims', 'queue_worker_sessions', 'queue_workers', 'queue_sessions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
