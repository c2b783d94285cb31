import { createQueryId, sql, type RootOperationNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { AuditRepository, type AuditEvent } from '../../src/db/repositories/audit-repository.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.js';

/**
 * `doctor` asks the audit log for the document moves and detaches left unfinished. The log grows by an entry for
 * every file of every run, so that question must go by an index on the action, never read the whole log.
 */
describe.each(DATABASE_KINDS)('the audit log by action on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  it('has the index the migrations made', async () => {
    const indexes =
      kind === 'sqlite'
        ? await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'audit_log'`.execute(
            database.db,
          )
        : await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'audit_log'`.execute(database.db);
    expect(indexes.rows.map((row) => row.name)).toContain('audit_log_action_idx');
  });
});

describe('the unfinished-change lookup on SQLite', () => {
  let testDb: TestDatabase;
  let database: OpenDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase('sqlite');
    database = await testDb.open();
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  it("searches the log by the action's index instead of scanning it", async () => {
    // A log of a registry in use: many ingests, a few moves, one left unfinished.
    const ingested: AuditEvent[] = Array.from({ length: 5000 }, (_, i) => ({
      actor: 'cron',
      action: i % 10 === 0 ? 'review_attached' : 'file_ingested',
      documentId: `doc-${i}`,
    }));
    const audit = new AuditRepository(database.db);
    await audit.recordMany(ingested);
    await audit.record({ actor: 'jlopez', action: 'document_move_started', documentId: 'doc-7' });

    const plan = async () => {
      // The SQL the repository runs, as kysely hands it to SQLite.
      const nodes: RootOperationNode[] = [];
      const watched = database.db.withPlugin({
        transformQuery: ({ node }) => {
          nodes.push(node);
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      await new AuditRepository(watched).unfinishedDocumentChanges();
      const compiled = watched.getExecutor().compileQuery(nodes[0]!, createQueryId());
      const rows = database
        .sqlite!.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
        .all(...compiled.parameters) as { detail: string }[];
      return rows.map((row) => row.detail);
    };
    const expectIndexed = (details: string[]) => {
      expect(details.filter((detail) => /^SCAN (started|ended)\b/.test(detail))).toEqual([]);
      expect(details).toContainEqual(expect.stringMatching(/^SEARCH started USING .*audit_log_action_idx/));
    };
    expectIndexed(await plan());
    // And once SQLite has statistics of the log (an admin's ANALYZE, a `.dump` restored elsewhere).
    database.sqlite!.exec('ANALYZE');
    expectIndexed(await plan());
  });
});
