import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CompiledOnce } from '../../src/db/compiled-query.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import type { Database } from '../../src/db/schema.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

describe.each(DATABASE_KINDS)('CompiledOnce on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let batches: BatchRepository;
  let sessionId: string;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    batches = new BatchRepository(database.db);
    sessionId = (
      await batches.createSession({
        uploadedBy: 'tester',
        processingType: 'both',
        sourceDir: '/srv/drop',
        options: SESSION_OPTIONS,
      })
    ).id;
    await batches.registerFiles(
      sessionId,
      ['a.pdf', 'b.pdf', 'c.pdf'].map((name) => ({ relativePath: name, filename: name, fileSize: 1 })),
    );
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  const byPath = new CompiledOnce((db: Kysely<Database>, batchId: string, relativePath: string) =>
    db
      .selectFrom('batchFiles')
      .selectAll()
      .where('batchId', '=', batchId)
      .where('relativePath', '=', relativePath)
      .where('processingStatus', '=', 'pending')
      .limit(sql.lit(1)),
  );

  it('returns what kysely returns for the same values, run after run, with the same SQL', async () => {
    for (const name of ['a.pdf', 'c.pdf', 'missing.pdf']) {
      const expected = await batches.findFileByPath(sessionId, name);
      expect(await byPath.executeTakeFirst(database.db, sessionId, name)).toEqual(expected);
    }
    const row = await byPath.executeTakeFirst(database.db, sessionId, 'b.pdf');
    // The plugins' result transformations apply: camelCase keys, as from any other query.
    expect(row).toMatchObject({ relativePath: 'b.pdf', batchId: sessionId });
  });

  it('runs inside a transaction, seeing its uncommitted writes', async () => {
    await database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('batchFiles')
        .set({ processingStatus: 'completed' })
        .where('relativePath', '=', 'a.pdf')
        .execute();
      expect(await byPath.executeTakeFirst(trx, sessionId, 'a.pdf')).toBeUndefined();
      expect(await byPath.executeTakeFirst(trx, sessionId, 'b.pdf')).toBeDefined();
    });
  });

  it('refuses an argument that does not reach the parameters', async () => {
    const shaped = new CompiledOnce((db: Kysely<Database>, column: string) =>
      // The argument chooses the SQL instead of being bound: the placeholder would be run as a column name.
      db.selectFrom('batchFiles').select(column as 'id'),
    );
    await expect(shaped.execute(database.db, 'id')).rejects.toThrow(/not one of its parameters/);
  });
});
