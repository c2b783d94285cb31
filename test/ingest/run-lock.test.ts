import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { LockedError, withRunLock } from '../../src/ingest/run-lock.js';
import { createSqliteTestDatabase, type TestDatabase } from '../support/databases.js';

let database: TestDatabase;
let a: OpenDatabase;
let b: OpenDatabase;

beforeEach(async () => {
  database = createSqliteTestDatabase();
  a = await database.open();
  b = await database.open();
});
afterEach(async () => {
  await a.close();
  await b.close();
  await database.cleanup();
});

describe('the run lock (SQLite)', () => {
  it('lets exactly one of two runs on the same folder proceed, and names the holder', async () => {
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const first = withRunLock(a, { sourceDir: '/srv/drop', pid: process.pid }, async (lock) => {
      await lock.setSession('3f2a9c1e-0000-4000-8000-000000000000');
      await holding;
      return 'first';
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = withRunLock(b, { sourceDir: '/srv/drop', pid: process.pid + 1 }, async () => 'second');
    const error = await second.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(ExitCode.Locked);
    expect((error as LockedError).message).toMatch(new RegExp(`pid ${process.pid} on .+, started .+session 3f2a9c1e`));
    release();
    expect(await first).toBe('first');
    // Released: the next run proceeds.
    expect(await withRunLock(b, { sourceDir: '/srv/drop' }, async () => 'third')).toBe('third');
  });

  it('does not lock other folders', async () => {
    const result = await withRunLock(a, { sourceDir: '/srv/one' }, () =>
      withRunLock(b, { sourceDir: '/srv/two' }, async () => 'both'),
    );
    expect(result).toBe('both');
  });

  it('takes over a lock left by a killed run on this host', async () => {
    // A run holds the lock, then its process "dies" (isAlive turns false) without releasing it.
    const dead = 999_999;
    let alive = true;
    const stale = withRunLock(a, { sourceDir: '/srv/drop', pid: dead, isAlive: () => alive }, () => new Promise(() => undefined));
    void stale;
    await new Promise((r) => setTimeout(r, 50));
    await expect(withRunLock(b, { sourceDir: '/srv/drop', isAlive: () => alive }, async () => 'x')).rejects.toBeInstanceOf(
      LockedError,
    );
    alive = false;
    expect(await withRunLock(b, { sourceDir: '/srv/drop', isAlive: () => alive }, async () => 'took over')).toBe('took over');
  });

  it('does not take over a lock held from another host', async () => {
    const never = withRunLock(a, { sourceDir: '/srv/drop', host: 'other-host', pid: 4242 }, () => new Promise(() => undefined));
    void never;
    await new Promise((r) => setTimeout(r, 50));
    const error = await withRunLock(b, { sourceDir: '/srv/drop', isAlive: () => false }, async () => 'x').catch((e) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect(String(error.message)).toContain('other-host');
  });
});
