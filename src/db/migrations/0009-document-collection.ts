import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from './index.js';

/**
 * `medical_documents.collection`: the collection a document's chunks were written to. Until now it was read
 * from the session that ingested the document, or from the audit entry of a detach: a document attached in
 * `review --collection`, or whose session is another's since an `ingest --force --type complete` kept its
 * vectors, had them made again (by a move settling a half-done detach, or on doctor's hint) where a search of
 * its real collection never found them.
 *
 * Nullable, and null for a document without chunks: an older version that writes rows without it keeps working,
 * and the readers fall back to what was known before (the audit entry, then the session's collection).
 *
 * The rows already there are filled in from what the registry knows, in this order: the collection the latest
 * move or detach of the document recorded in its audit entry, else the collection its session recorded. One
 * whose session says nothing is left null: the readers then take the configured collection, which only they
 * know. Run again over a half-migrated SQLite file (its steps are not one transaction there), it adds the column
 * only if missing and fills in only what is still null.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table medical_documents add column if not exists collection text`.execute(db);
  } else {
    // SQLite has no `add column if not exists`.
    const { rows } = await sql<{
      name: string;
    }>`select name from pragma_table_info('medical_documents')`.execute(db);
    if (!rows.some((row) => row.name === 'collection')) {
      await db.schema.alterTable('medical_documents').addColumn('collection', 'text').execute();
    }
  }
  await fillFromAudit(db);
  await fillFromSessions(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('medical_documents').dropColumn('collection').execute();
}

/** Vectorized documents (`d`) not filled in yet. */
const STILL_NULL = sql`d.collection is null and d.vectorized = 1`;

/** The collection a move or detach recorded: few entries (moves and detaches are a person's acts), read by the action's index. */
async function fillFromAudit(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ document_id: string; details: string | null }>`
    select a.document_id, a.details from audit_log a
    where a.action in ('document_move_started', 'document_detach_started')
      and exists (select 1 from medical_documents d where d.id = a.document_id and ${STILL_NULL})
    order by a.at, a.id`.execute(db);
  // The latest entry wins: where the document's chunks were last written (a move) or taken from (a detach).
  const latest = new Map<string, string>();
  for (const row of rows) {
    const collection = readCollection(row.details);
    if (collection !== null) latest.set(row.document_id, collection);
  }
  for (const [id, collection] of latest) {
    await sql`update medical_documents as d set collection = ${collection} where d.id = ${id} and ${STILL_NULL}`.execute(
      db,
    );
  }
}

/** Sessions per scratch-table insert: 2 parameters a row, far below either database's limit. */
const SESSIONS_PER_STATEMENT = 500;

/**
 * The collection each document's session recorded. Read in code rather than with the databases' JSON functions,
 * which differ and which a hand-edited row could make fail. The documents are then filled in by one statement
 * through a scratch table of (session, collection), not one scan of the documents per session: a registry of a
 * few years holds thousands of sessions.
 */
async function fillFromSessions(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; options_json: string }>`
    select b.id, b.options_json from batch_uploads b
    where exists (select 1 from medical_documents d where d.batch_id = b.id and ${STILL_NULL})`.execute(db);
  const recorded = rows.flatMap((row) => {
    const collection = readCollection(row.options_json);
    return collection === null ? [] : [{ batch_id: row.id, collection }];
  });
  if (recorded.length === 0) return;
  await db.schema
    .createTable('document_collection_backfill')
    .ifNotExists()
    .addColumn('batch_id', 'text', (c) => c.primaryKey())
    .addColumn('collection', 'text', (c) => c.notNull())
    .execute();
  await sql`delete from document_collection_backfill`.execute(db);
  for (let start = 0; start < recorded.length; start += SESSIONS_PER_STATEMENT) {
    const values = recorded
      .slice(start, start + SESSIONS_PER_STATEMENT)
      .map((row) => sql`(${row.batch_id}, ${row.collection})`);
    await sql`insert into document_collection_backfill (batch_id, collection) values ${sql.join(values)}`.execute(
      db,
    );
  }
  await sql`
    update medical_documents as d set collection = (
      select f.collection from document_collection_backfill f where f.batch_id = d.batch_id
    )
    where ${STILL_NULL} and d.batch_id in (select batch_id from document_collection_backfill)`.execute(db);
  await db.schema.dropTable('document_collection_backfill').execute();
}

/** The `collection` of a JSON object (an audit entry's details, a session's options); null when it has none. */
function readCollection(json: string | null): string | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as unknown;
    const collection = (value as { collection?: unknown } | null)?.collection;
    return typeof collection === 'string' && collection !== '' ? collection : null;
  } catch {
    return null;
  }
}
