import { createHash } from 'node:crypto';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { RunLockRepository } from '../../src/db/repositories/run-lock-repository.js';
import { ExitCode } from '../../src/errors.js';
import { asSeenNow } from '../../src/app/abandoned-runs.js';
import { translateFileDetail } from '../../src/ui/i18n/file-details-es.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { QueueRepository } from '../../src/db/repositories/queue-repository.js';
import {
  LockedError,
  processStartedAt,
  readRunLockState,
  removeRunLock,
  withRunLock,
} from '../../src/ingest/run-lock.js';
import {
  createSqliteTestDatabase,
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

const lockKeyOf = (sourceDir: string) =>
  createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32);

let database: TestDatabase;
let a: OpenDatabase;
let b: OpenDatabase;

async function openTwice(test: TestDatabase): Promise<void> {
  database = test;
  a = await database.open();
  b = await database.open();
}
afterEach(async () => {
  await a.close();
  await b.close();
  await database.cleanup();
});

/** Starts a run that holds the lock until released; resolves once it holds it. */
async function holdLock(on: OpenDatabase, options: Parameters<typeof withRunLock>[1], sessionId?: string) {
  let release!: () => void;
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  const acquired = new Promise<void>((resolve) => (held = resolve));
  const run = withRunLock(on, options, async (lock) => {
    if (sessionId) await lock.setSession(sessionId);
    held();
    await holding;
    return 'first';
  });
  await Promise.race([acquired, run]);
  return { run, release };
}

describe.each(DATABASE_KINDS)('the run lock on %s', (kind) => {
  beforeEach(async () => openTwice(await createTestDatabase(kind)));

  it('lets exactly one of two runs on the same folder proceed, and names the holder', async () => {
    const first = await holdLock(
      a,
      { sourceDir: '/srv/drop', pid: process.pid },
      '3f2a9c1e-0000-4000-8000-000000000000',
    );
    const error = await withRunLock(
      b,
      { sourceDir: '/srv/drop', pid: process.pid + 1 },
      async () => 'second',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(ExitCode.Locked);
    expect((error as LockedError).message).toMatch(
      new RegExp(`pid ${process.pid} on .+, started .+session 3f2a9c1e`),
    );
    first.release();
    expect(await first.run).toBe('first');
    // Released: the next run proceeds.
    expect(await withRunLock(b, { sourceDir: '/srv/drop' }, async () => 'third')).toBe('third');
  });

  it('covers the sub-folders: a run on a folder inside the locked one, or around it, is refused', async () => {
    const first = await holdLock(a, { sourceDir: '/srv/drop/urgencias', pid: process.pid });
    for (const sourceDir of ['/srv/drop', '/srv/drop/urgencias/2026']) {
      const error = await withRunLock(b, { sourceDir }, async () => 'nested').catch((e: unknown) => e);
      expect(error, sourceDir).toBeInstanceOf(LockedError);
      expect((error as LockedError).message).toContain('/srv/drop/urgencias');
    }
    // A folder that only starts with the same letters is another folder.
    expect(await withRunLock(b, { sourceDir: '/srv/drop/urgencias-2' }, async () => 'sibling')).toBe(
      'sibling',
    );
    first.release();
    await first.run;
    expect(await withRunLock(b, { sourceDir: '/srv/drop' }, async () => 'after')).toBe('after');
  });

  it('unlock never lifts a lock a run holds, and lifts one left behind', async () => {
    const first = await holdLock(a, { sourceDir: '/srv/drop', pid: process.pid });
    // PostgreSQL: the advisory lock is held, whatever --force says; SQLite: this host's live process.
    await expect(removeRunLock(b, { sourceDir: '/srv/drop', force: true })).rejects.toMatchObject({
      exitCode: ExitCode.Locked,
    });
    first.release();
    await first.run;
    expect(await removeRunLock(b, { sourceDir: '/srv/drop', force: false })).toBeNull();
    // A row whose run is over (PostgreSQL: no advisory lock behind it; SQLite: its process is gone).
    await new RunLockRepository(a.db).tryInsert({
      lockKey: createHash('sha256').update('tecsalud-batch:/srv/drop').digest('hex').slice(0, 32),
      sourceDir: '/srv/drop',
      pid: 999_999,
      host: os.hostname(),
      sessionId: null,
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(
      await removeRunLock(b, { sourceDir: '/srv/drop', force: false, isAlive: () => false }),
    ).toMatchObject({ pid: 999_999 });
    expect(await new RunLockRepository(a.db).listHolders()).toEqual([]);
  });

  it('does not lock other folders', async () => {
    const result = await withRunLock(a, { sourceDir: '/srv/one' }, () =>
      withRunLock(b, { sourceDir: '/srv/two' }, async () => 'both'),
    );
    expect(result).toBe('both');
  });
});

describe('a lock left behind on SQLite (the row is the lock)', () => {
  beforeEach(async () => openTwice(createSqliteTestDatabase()));

  /** The row a run that was killed without releasing its lock leaves. */
  const leftBehind = (pid: number, host: string) => ({
    lockKey: createHash('sha256').update('tecsalud-batch:/srv/drop').digest('hex').slice(0, 32),
    sourceDir: '/srv/drop',
    pid,
    host,
    sessionId: null,
    startedAt: '2026-01-01T02:00:00.000Z',
  });

  it('is taken over when its process is gone from this host', async () => {
    expect(await new RunLockRepository(a.db).tryInsert(leftBehind(999_999, os.hostname()))).toBe(true);
    let alive = true;
    await expect(
      withRunLock(b, { sourceDir: '/srv/drop', isAlive: () => alive }, async () => 'x'),
    ).rejects.toBeInstanceOf(LockedError);
    alive = false;
    expect(
      await withRunLock(b, { sourceDir: '/srv/drop', isAlive: () => alive }, async () => 'took over'),
    ).toBe('took over');
  });

  it('is taken over when its pid now belongs to a process that started after the lock (a reboot, pids wrapped)', async () => {
    // This test's own process is alive and started after 2026-01-01, when the left-behind lock was taken.
    await new RunLockRepository(a.db).tryInsert(leftBehind(process.pid, os.hostname()));
    expect(await withRunLock(b, { sourceDir: '/srv/drop' }, async () => 'took over')).toBe('took over');
  });

  it('is not taken over while the process that took it still runs', async () => {
    await new RunLockRepository(a.db).tryInsert({
      ...leftBehind(process.pid, os.hostname()),
      startedAt: new Date().toISOString(),
    });
    await expect(withRunLock(b, { sourceDir: '/srv/drop' }, async () => 'x')).rejects.toBeInstanceOf(
      LockedError,
    );
    expect(processStartedAt(process.pid)).toBeLessThanOrEqual(Date.now());
  });

  it('is not taken over when held from another host', async () => {
    await new RunLockRepository(a.db).tryInsert(leftBehind(4242, 'other-host'));
    const error = await withRunLock(
      b,
      { sourceDir: '/srv/drop', isAlive: () => false },
      async () => 'x',
    ).catch((e) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect(String(error.message)).toContain('other-host');
  });
});

describe.each(DATABASE_KINDS)('a running session whose run is gone, as status shows it, on %s', (kind) => {
  beforeEach(async () => openTwice(await createTestDatabase(kind)));

  async function runningSession(sourceDir: string, id?: string) {
    const batches = new BatchRepository(a.db);
    const session = await batches.createSession({
      id,
      uploadedBy: 'cron',
      processingType: 'both',
      sourceDir,
      options: SESSION_OPTIONS,
    });
    await batches.markStarted(session.id);
    return (await batches.findSession(session.id))!;
  }

  it('is processing while a run holds its folder, interrupted once none does, whatever the row left behind says', async () => {
    const session = await runningSession('/srv/drop');
    const run = await holdLock(a, { sourceDir: '/srv/drop', pid: process.pid }, session.id);
    expect((await asSeenNow(b, session)).status).toBe('processing');
    run.release();
    await run.run;
    expect((await readRunLockState(b, '/srv/drop')).state).toBe('gone');
    // A killed run's row (on PostgreSQL without its advisory lock; on SQLite with a pid that is gone).
    const gone = {
      lockKey: lockKeyOf('/srv/drop'),
      sourceDir: '/srv/drop',
      pid: 2 ** 22 + 1,
      host: os.hostname(),
      sessionId: session.id,
      startedAt: new Date().toISOString(),
    };
    await new RunLockRepository(a.db).upsertHolder(gone);
    const shown = await asSeenNow(b, session);
    expect(shown).toMatchObject({ id: session.id, status: 'interrupted' });
    expect(shown.errorMessage).toContain(`pid ${gone.pid} on ${os.hostname()}`);
    expect(shown.errorMessage).toContain('`tecsalud-batch ingest /srv/drop` resumes it');
    // Only shown: the database still has it open, for the next run to resume.
    expect((await new BatchRepository(b.db).findSession(session.id))!.status).toBe('processing');
  });

  it('is left as recorded when it belongs to the job queue or to serve, which process sessions without a folder lock', async () => {
    const queued = await runningSession('/srv/drop');
    await new QueueRepository(a.db).recordQueueSession(queued.id, 'tecsalud-files', 3);
    expect((await asSeenNow(b, queued)).status).toBe('processing');
    const id = '7d0c1a52-0000-4000-8000-000000000000';
    const uploaded = await runningSession(`/var/lib/tecsalud/uploads/${id}`, id);
    expect((await asSeenNow(b, uploaded)).status).toBe('processing');
  });
});

describe('a running session whose lock was taken on another host (SQLite)', () => {
  beforeEach(async () => openTwice(createSqliteTestDatabase()));

  it('is left as recorded, with a note naming that host, when its run started (local time) and how to resume if it is gone', async () => {
    const session = await new BatchRepository(a.db).createSession({
      uploadedBy: 'cron',
      processingType: 'both',
      sourceDir: '/srv/drop',
      options: SESSION_OPTIONS,
    });
    await new RunLockRepository(a.db).tryInsert({
      lockKey: lockKeyOf('/srv/drop'),
      sourceDir: '/srv/drop',
      pid: 1,
      host: 'elsewhere',
      sessionId: session.id,
      startedAt: '2026-12-03T02:00:00.000Z',
    });
    expect((await readRunLockState(b, '/srv/drop')).state).toBe('unknown');
    // 02:00 UTC is 20:00 of the day before in Monterrey: the stored instant shown as stored named the wrong day.
    const shown = await inTimeZone('America/Monterrey', () => asSeenNow(b, session));
    expect(shown.status).toBe('pending');
    expect(shown.errorMessage).toBe(
      "run on another host: elsewhere (pid 1, started 2026-12-02 20:00:00) holds the folder's run lock, and " +
        'this machine cannot tell whether that run goes on; if elsewhere is gone, ' +
        '`tecsalud-batch unlock /srv/drop --force`, then `tecsalud-batch ingest /srv/drop` resumes it',
    );
    expect(
      translateFileDetail(shown.errorMessage!, { reason: (code) => code, outcome: (outcome) => outcome }),
    ).toBe(
      'ejecución en otro host: elsewhere (pid 1, iniciada 02/12/2026 20:00:00) tiene el bloqueo de ejecución de la ' +
        'carpeta, y esta máquina no puede saber si esa ejecución sigue; si elsewhere ya no existe, ' +
        '`tecsalud-batch unlock /srv/drop --force`, y luego `tecsalud-batch ingest /srv/drop` la retoma',
    );
  });
});

/** Runs `work` with the process's local time zone set to `zone` (Node reads TZ again when it changes). */
async function inTimeZone<T>(zone: string, work: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}
