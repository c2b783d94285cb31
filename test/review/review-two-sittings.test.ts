// Two review sittings (two terminals, a terminal and the HTTP API) on one database, SQLite and PostgreSQL: of two
// decisions on one file at once exactly one is carried out, the other is refused saying so, and the refused
// sitting learns who settled the file (its list and its case on screen say it).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/commands/ingest.js';
import { importPatients } from '../../src/commands/patients/import.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { ReviewService } from '../../src/review/review-service.js';
import { commandContext } from '../support/command-context.js';
import {
  captureIo,
  createTempDir,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';
import { copyDelivered } from '../support/delivered-files.js';
import { inProcessExtractor, REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { NAME_ONLY_FILE } from './support/ingested-sample.js';

describe.each(DATABASE_KINDS)('two review sittings on %s', { tags: ['slow'] }, (kind) => {
  let cwd: string;
  let database: TestDatabase;
  const opened: OpenDatabase[] = [];

  beforeAll(async () => {
    cwd = createTempDir('tecsalud-two-sittings-');
    database = await createTestDatabase(kind);
    const env = { TECSALUD_DB: database.url };
    expect(await importPatients(REGISTRY_CSV, {}, await commandContext({ cwd, env }))).toBe(0);
    // The sample's name-only file: held for review (its expediente is not in the registry). Text only, so that
    // no vector store is needed on either database.
    const drop = path.join(cwd, 'drop');
    copyDelivered(SAMPLE_DIR, drop);
    for (const name of fs.readdirSync(drop)) if (name !== NAME_ONLY_FILE) fs.rmSync(path.join(drop, name));
    const io = captureIo();
    await ingest(
      drop,
      { type: 'complete', nonInteractive: true, json: true },
      await commandContext({ cwd, env, io: io.io, extractor: inProcessExtractor }),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
    await database?.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  /** A sitting of its own, over its own connection, as another process has. */
  async function sitting(reviewer: string): Promise<ReviewService> {
    const db = await database.open();
    opened.push(db);
    return new ReviewService({ database: db, reviewer });
  }

  it('two decisions on one file at once: one is carried out, the other refused; the refused one says who', async () => {
    const ana = await sitting('ana');
    const bob = await sitting('bob');
    const [file] = await ana.listPending();
    expect(file?.filename).toBe(NAME_ONLY_FILE);
    const [caseOfAna, caseOfBob] = [await ana.loadCase(file!.id), await bob.loadCase(file!.id)];
    expect(await bob.settledAmong([file!.id])).toEqual(new Map());

    const results = await Promise.all([
      ana.decide(caseOfAna, { kind: 'reject' }),
      bob.decide(caseOfBob, { kind: 'new_patient' }),
    ]);
    const carried = results.filter((result) => result.ok);
    expect(carried, JSON.stringify(results)).toHaveLength(1);
    const winner = results[0]!.ok ? 'ana' : 'bob';
    const [loser, loserCase] = winner === 'ana' ? [bob, caseOfBob] : [ana, caseOfAna];
    const refused = results.find((result) => !result.ok)!;
    expect(['settled_meanwhile', 'being_decided']).toContain(refused.ok ? null : refused.notice.code);

    // Asked again (or arriving at it), the file is settled, and by whom.
    expect(await loser.decide(loserCase, { kind: 'reject' })).toMatchObject({
      ok: false,
      notice: { code: 'settled_meanwhile', by: winner },
    });
    expect(await loser.settledAmong([file!.id])).toEqual(
      new Map([[file!.id, { status: expect.any(String) as string, by: winner }]]),
    );
    expect((await loser.loadCase(file!.id)).settledElsewhere).toMatchObject({ by: winner });
    expect(await loser.listPending()).toEqual([]);

    // One decision in the audit log, and the file no longer waits.
    const db = opened[0]!.db;
    const decided = await db
      .selectFrom('auditLog')
      .select(['action', 'actor'])
      .where('fileId', '=', file!.id)
      .where('action', 'in', ['review_attached', 'review_rejected', 'review_new_patient'])
      .execute();
    expect(decided).toHaveLength(1);
    expect(decided[0]!.actor).toBe(winner);
    await ana.close();
    await bob.close();
  });
});
