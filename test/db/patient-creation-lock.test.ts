import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { withPatientCreationLock } from '../../src/db/patient-creation-lock.js';
import { createTempDir } from '../support/databases.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';

/** Two processes' views of one registry: two pools, as two runs have. */
describe.runIf(postgresWanted())('the patient-creation lock across processes', () => {
  let scratch: { url: string; drop(): Promise<void> };
  let first: OpenDatabase;
  let second: OpenDatabase;

  beforeEach(async () => {
    scratch = await createScratchPostgresDatabase();
    first = await openDatabase(resolveDatabaseTarget(scratch.url, { cwd: process.cwd() }));
    second = await openDatabase(resolveDatabaseTarget(scratch.url, { cwd: process.cwd() }), {
      migrate: false,
    });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await scratch.drop();
  });

  it('runs one creation at a time: the second waits for the first to end', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const one = withPatientCreationLock(first, async () => {
      order.push('first starts');
      firstStarted();
      await firstHolds;
      order.push('first ends');
      return 1;
    });
    await started;
    const two = withPatientCreationLock(second, async () => {
      order.push('second starts');
      return 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual(['first starts']);
    releaseFirst();
    expect(await Promise.all([one, two])).toEqual([1, 2]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('a holder that stops answering holds it no longer than the limit, and its own work still ends', async () => {
    let secondRan!: () => void;
    const secondDone = new Promise<void>((resolve) => (secondRan = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    // The first creation never finishes on its own: only the second running lets it go (a stopped process, seen
    // from the server: its lock's transaction idle).
    const one = withPatientCreationLock(
      first,
      async () => {
        firstStarted();
        await secondDone;
        return 'first';
      },
      { holdLimitMs: 500 },
    );
    await started;
    const two = withPatientCreationLock(second, async () => {
      secondRan();
      return 'second';
    });
    expect(await Promise.all([one, two])).toEqual(['first', 'second']);
  }, 30_000);
});

/** The other process: a run of another folder, or `serve`, on the same registry file. */
describe('the patient-creation lock of a SQLite registry across processes', () => {
  const holderScript = fileURLToPath(new URL('../support/hold-creation-lock.mjs', import.meta.url));
  let root: string;
  let file: string;
  let database: OpenDatabase;
  let holder: OtherProcess | undefined;

  beforeEach(async () => {
    root = createTempDir('tecsalud-creation-lock-');
    file = path.join(root, 'registry.db');
    database = await openDatabase(resolveDatabaseTarget(file, { cwd: root }));
  });
  afterEach(async () => {
    if (holder && holder.child.exitCode === null && holder.child.signalCode === null) {
      holder.child.kill('SIGCONT');
      holder.child.kill('SIGKILL');
      await holder.closed;
    }
    await database.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  interface OtherProcess {
    child: ChildProcessWithoutNullStreams;
    /** Its exit code, once it has ended (listened for from the start: it may end before the test asks). */
    closed: Promise<number | null>;
  }

  /** Starts the other process and waits until it holds the lock. */
  async function otherProcessHolds(): Promise<OtherProcess> {
    const child = spawn(process.execPath, [holderScript, file], { cwd: root });
    const closed = once(child, 'close').then(([code]) => code as number | null);
    holder = { child, closed };
    let output = '';
    let errors = '';
    child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (output.includes('held')) resolve();
      });
      void closed.then(() => reject(new Error(`the holder ended before holding: ${errors}`)));
    });
    return holder;
  }

  function creation(options?: { holdLimitMs: number }): {
    done: Promise<number>;
    ranAt: () => number | null;
  } {
    let ranAt: number | null = null;
    const done = withPatientCreationLock(
      database,
      async () => {
        ranAt = Date.now();
        return 1;
      },
      options,
    );
    return { done, ranAt: () => ranAt };
  }

  it('waits while another process creates, and runs once it has ended', async () => {
    const other = await otherProcessHolds();
    const mine = creation();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(mine.ranAt()).toBeNull();
    other.child.stdin.write('\n');
    expect(await mine.done).toBe(1);
    expect(await other.closed).toBe(0);
    // Nothing left behind: the next creation does not wait.
    expect(await database.db.selectFrom('creationLocks').selectAll().execute()).toEqual([]);
  }, 30_000);

  it('takes over at once the lock of a process killed while it held it', async () => {
    const other = await otherProcessHolds();
    other.child.kill('SIGKILL');
    await other.closed;
    const startedAt = Date.now();
    const mine = creation();
    expect(await mine.done).toBe(1);
    // Well under the hold limit (a minute): the holder's pid is gone on this host.
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  }, 30_000);

  it('takes over the lock of a process stopped while it held it once the hold limit has passed', async () => {
    const other = await otherProcessHolds();
    other.child.kill('SIGSTOP');
    const mine = creation({ holdLimitMs: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(mine.ranAt()).toBeNull();
    expect(await mine.done).toBe(1);
  }, 30_000);
});
