import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompiledQuery, type Kysely } from 'kysely';
import { DEFAULT_QUEUE_SETTINGS, FILE_QUEUE } from '../../src/core/queue/defaults.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { JobQueue, orderedIds, readSessionJobCounts } from '../../src/queue/job-queue.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { postgresWanted } from '../support/postgres.js';

const SCHEMA = DEFAULT_QUEUE_SETTINGS.schema;
/** The worker that takes the jobs, as `worker` passes its id. */
const WORKER = 'worker-a';

/** One job's row in pg-boss's table, as the statements of queue/pg-boss-statements.ts leave it. */
async function jobRow(database: OpenDatabase, id: string) {
  const db = database.db.withoutPlugins() as unknown as Kysely<unknown>;
  const { rows } = await db.executeQuery<{
    state: string;
    retry_count: number;
    expire_seconds: string;
    started_on: Date | null;
  }>(
    CompiledQuery.raw(
      `SELECT state::text, retry_count, extract(epoch from expire_in)::int::text AS expire_seconds, started_on
       FROM ${SCHEMA}.job WHERE id = $1`,
      [id],
    ),
  );
  return rows[0]!;
}

describe.runIf(postgresWanted())('the job queue (pg-boss 10 on the registry database)', () => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let queue: JobQueue;

  beforeEach(async () => {
    testDb = await createTestDatabase('postgres');
    database = await testDb.open();
    queue = await JobQueue.open(database, {
      ...DEFAULT_QUEUE_SETTINGS,
      retryDelaySeconds: 1,
      supervise: false,
    });
  });
  afterEach(async () => {
    await queue.close();
    await database.close();
    await testDb.cleanup();
  });

  const files = (n: number, sessionId = 'session-a') =>
    Array.from({ length: n }, (_, i) => ({
      sessionId,
      fileId: `file-${String(i).padStart(3, '0')}`,
      relativePath: `f${String(i).padStart(3, '0')}.pdf`,
    }));

  it('hands the jobs out in the order they were queued, one taker each', async () => {
    await queue.enqueue(files(25), { timeoutSeconds: 900 });
    const taken = [
      ...(await queue.fetch(10, 60, WORKER)),
      ...(await queue.fetch(10, 60, WORKER)),
      ...(await queue.fetch(10, 60, WORKER)),
    ];
    expect(taken.map((job) => job.fileId)).toEqual(files(25).map((file) => file.fileId));
    expect(await queue.fetch(5, 60, WORKER)).toEqual([]);
    expect(taken[0]).toMatchObject({
      retryCount: 0,
      retryLimit: DEFAULT_QUEUE_SETTINGS.retryLimit,
      givenUp: false,
      takenBy: WORKER,
    });
  });

  it("gives a taken job the worker's timeout", async () => {
    await queue.enqueue(files(1), { timeoutSeconds: 900 });
    const [job] = await queue.fetch(1, 42, WORKER);
    expect(await jobRow(database, job!.id)).toMatchObject({ state: 'active', expire_seconds: '42' });
  });

  it('takes a job and gives it the timeout at once, or not at all', async () => {
    // The queued expiry must never be left on a taken job: a worker killed between the two would leave it
    // active for that long. Here the second step fails (NaN is no timeout): the job stays queued.
    await queue.enqueue(files(1), { timeoutSeconds: 900 });
    await expect(queue.fetch(1, Number.NaN, WORKER)).rejects.toThrow();
    const [job] = await queue.fetch(1, 42, WORKER);
    expect(job).toMatchObject({ fileId: 'file-000', retryCount: 0 });
    expect(await jobRow(database, job!.id)).toMatchObject({ state: 'active', expire_seconds: '42' });
  });

  it('puts a postponed job back without spending an attempt, remembering when the file was first found changing', async () => {
    await queue.enqueue(files(1), { timeoutSeconds: 900 });
    const [first] = await queue.fetch(1, 60, WORKER);
    expect(first).toMatchObject({ stillWritingSince: null, postponements: 0 });
    await queue.postpone(first!, 1_000);
    // Due now rather than after the retry delay.
    const db = database.db.withoutPlugins() as unknown as Kysely<unknown>;
    await db.executeQuery(
      CompiledQuery.raw(`UPDATE ${SCHEMA}.job SET start_after = now() WHERE id = $1`, [first!.id]),
    );
    const [again] = await queue.fetch(1, 60, WORKER);
    expect(again).toMatchObject({ id: first!.id, retryCount: 0, stillWritingSince: 1_000, postponements: 1 });
    await queue.postpone(again!, 5_000);
    expect(await jobRow(database, first!.id)).toMatchObject({
      state: 'created',
      retry_count: 0,
      started_on: null,
    });
  });

  it('a release done again late (its first answer lost) leaves the job alone once another worker took it', async () => {
    await queue.enqueue(files(1), { timeoutSeconds: 900 });
    const [mine] = await queue.fetch(1, 60, WORKER);
    await queue.release(mine!, 0);
    const [theirs] = await queue.fetch(1, 60, 'worker-other');
    expect(theirs!.id).toBe(mine!.id);
    await queue.release(mine!, 0);
    expect(await jobRow(database, mine!.id)).toMatchObject({ state: 'active' });
    expect(await queue.releaseStrays(WORKER, new Set())).toBe(0);
    expect(await jobRow(database, mine!.id)).toMatchObject({ state: 'active' });
  });

  it('puts a released job back without spending an attempt, and a failed one back as a retry', async () => {
    await queue.enqueue(files(1), { timeoutSeconds: 900 });
    const [first] = await queue.fetch(1, 60, WORKER);
    await queue.release(first!, 0);
    expect(await jobRow(database, first!.id)).toMatchObject({
      state: 'created',
      retry_count: 0,
      started_on: null,
    });
    const [again] = await queue.fetch(1, 60, WORKER);
    expect(again).toMatchObject({ id: first!.id, retryCount: 0 });

    await queue.fail(again!, new Error('boom'));
    expect(await jobRow(database, first!.id)).toMatchObject({ state: 'retry' });
    expect(await queue.hasWork()).toBe(true);
    expect(await queue.liveFileIds('session-a')).toEqual(new Set(['file-000']));
  });

  it('fails now the active jobs a gone worker took (a retry each), and says what a waiting worker waits for', async () => {
    await queue.enqueue(files(3), { timeoutSeconds: 900 });
    const mine = await queue.fetch(2, 900, 'worker-gone');
    const theirs = await queue.fetch(1, 900, 'worker-alive');
    expect(await queue.waitingWork()).toMatchObject({
      active: 3,
      activeUntil: expect.any(String),
      later: 0,
      nextStart: null,
    });

    expect(await queue.failJobsOf(['worker-gone', 'worker-stopped'], 'its worker is gone')).toEqual(
      new Map([['worker-gone', 2]]),
    );
    for (const job of mine) expect(await jobRow(database, job.id)).toMatchObject({ state: 'retry' });
    expect(await jobRow(database, theirs[0]!.id)).toMatchObject({ state: 'active' });
    expect(await queue.failJobsOf(['worker-gone'], 'again')).toEqual(new Map());
    expect(await queue.waitingWork()).toMatchObject({ active: 1, later: 2, nextStart: expect.any(String) });

    // Taken again (after the retry's delay), with the reason of the attempt that was lost.
    const retried = [];
    for (let tries = 0; tries < 100 && retried.length < 2; tries++) {
      retried.push(...(await queue.fetch(5, 900, WORKER)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(retried.map((job) => job.id).sort()).toEqual(mine.map((job) => job.id).sort());
    expect(retried.map((job) => job.lastError)).toEqual(['its worker is gone', 'its worker is gone']);
  });

  it("puts back, unspent, the active jobs a live worker took but does not hold, and nobody else's", async () => {
    await queue.enqueue(files(4), { timeoutSeconds: 900 });
    const taken = await queue.fetch(3, 900, WORKER);
    const theirs = await queue.fetch(1, 900, 'worker-other');
    const held = taken[0]!;
    expect(await queue.releaseStrays(WORKER, new Set([held.id]))).toBe(2);
    for (const job of taken.slice(1)) {
      expect(await jobRow(database, job.id)).toMatchObject({
        state: 'created',
        retry_count: 0,
        started_on: null,
      });
    }
    expect(await jobRow(database, held.id)).toMatchObject({ state: 'active' });
    expect(await jobRow(database, theirs[0]!.id)).toMatchObject({ state: 'active' });
    expect(await queue.releaseStrays(WORKER, new Set([held.id]))).toBe(0);
    // Taken again at once, as put back (its next attempt looks for writes of its own, as a retry's does).
    const again = await queue.fetch(5, 900, WORKER);
    expect(again.map((job) => job.id).sort()).toEqual(
      taken
        .slice(1)
        .map((job) => job.id)
        .sort(),
    );
    for (const job of again) expect(job).toMatchObject({ retryCount: 0, putBack: 1 });
  });

  it("counts a session's jobs by state, and knows when nothing is left", async () => {
    expect(await queue.hasWork()).toBe(false);
    await queue.enqueue(files(3, 'session-a'), { timeoutSeconds: 900 });
    await queue.enqueue(files(2, 'session-b'), { timeoutSeconds: 900 });
    const jobs = await queue.fetch(2, 60, WORKER);
    await queue.complete(jobs[0]!);
    const counts = await readSessionJobCounts(database, SCHEMA, 'session-a');
    expect(counts).toEqual({ queued: 1, active: 1, done: 1, failed: 0, activeUntil: expect.any(String) });
    // The active job was taken for 60 s: a worker gone with it, it is handed on after that.
    const left = Date.parse(counts!.activeUntil!) - Date.now();
    expect(left).toBeGreaterThan(30_000);
    expect(left).toBeLessThanOrEqual(61_000);
    expect(await readSessionJobCounts(database, SCHEMA, 'session-b')).toEqual({
      queued: 2,
      active: 0,
      done: 0,
      failed: 0,
      activeUntil: null,
    });
    expect(await readSessionJobCounts(database, 'no_such_schema', 'session-a')).toBeNull();
  });

  it('sends a job whose attempts ran out to the given-up queue, with its last error', async () => {
    const limited = await JobQueue.open(database, {
      ...DEFAULT_QUEUE_SETTINGS,
      retryLimit: 0,
      retryDelaySeconds: 1,
      supervise: false,
    });
    try {
      await limited.enqueue(files(1), { timeoutSeconds: 900 });
      const [job] = await limited.fetch(1, 60, WORKER);
      await limited.fail(job!, new Error('the disk went away'));
      expect(await jobRow(database, job!.id)).toMatchObject({ state: 'failed' });
      const [given] = await limited.fetchGivenUp(5, 42, WORKER);
      expect(given).toMatchObject({ fileId: 'file-000', givenUp: true, lastError: 'the disk went away' });
      expect(await jobRow(database, given!.id)).toMatchObject({ state: 'active', expire_seconds: '42' });
      expect(await readSessionJobCounts(database, SCHEMA, 'session-a')).toMatchObject({
        failed: 1,
        queued: 0,
      });
    } finally {
      await limited.close();
    }
  });

  it('is created in its own schema, beside the registry', async () => {
    const db = database.db.withoutPlugins() as unknown as Kysely<unknown>;
    const { rows } = await db.executeQuery<{ name: string }>(
      CompiledQuery.raw(`SELECT name FROM ${SCHEMA}.queue ORDER BY name`, []),
    );
    expect(rows.map((row) => row.name)).toContain(FILE_QUEUE);
  });
});

describe('the job queue without PostgreSQL', () => {
  it('says that it needs PostgreSQL', async () => {
    const testDb = await createTestDatabase('sqlite');
    const database = await testDb.open();
    try {
      await expect(JobQueue.open(database, { ...DEFAULT_QUEUE_SETTINGS, supervise: false })).rejects.toThrow(
        /needs a PostgreSQL database/,
      );
    } finally {
      await database.close();
      await testDb.cleanup();
    }
  });

  it('orders its job ids as they are made', () => {
    const ids = orderedIds(5000, 1_700_000_000_000);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 3))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
