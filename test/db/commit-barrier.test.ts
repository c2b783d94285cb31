import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { CommitBarrier, syncWriteAheadLog } from '../../src/db/commit-barrier.js';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES } from '../../src/db/open-database.js';
import { createTempDir } from '../support/databases.js';

/** A sync that the test finishes by hand, recording when each one started. */
function manualSyncs() {
  const started: { at: number; finish: (error?: Error) => void }[] = [];
  let clock = 0;
  return {
    started,
    tick: () => ++clock,
    sync: () =>
      new Promise<void>((resolve, reject) => {
        started.push({ at: ++clock, finish: (error) => (error ? reject(error) : resolve()) });
      }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CommitBarrier', () => {
  it('lets the callers that arrive during a sync share the one after it, never one that began before them', async () => {
    const syncs = manualSyncs();
    const barrier = new CommitBarrier(syncs.sync);
    const first = barrier.wait();
    const lateCalls: number[] = [];
    const late = Array.from({ length: 9 }, () => {
      lateCalls.push(syncs.tick());
      return barrier.wait();
    });
    expect(syncs.started).toHaveLength(1);
    syncs.started[0]!.finish();
    await first;
    await settle();
    // One more sync for the nine, begun after each of them called.
    expect(syncs.started).toHaveLength(2);
    expect(syncs.started[1]!.at).toBeGreaterThan(Math.max(...lateCalls));
    let lateDone = false;
    void Promise.all(late).then(() => (lateDone = true));
    await settle();
    expect(lateDone).toBe(false);
    syncs.started[1]!.finish();
    await Promise.all(late);
    expect(syncs.started).toHaveLength(2);
  });

  it('fails the callers of a sync that fails, and the next caller syncs again', async () => {
    const syncs = manualSyncs();
    const barrier = new CommitBarrier(syncs.sync);
    const failing = barrier.wait();
    syncs.started[0]!.finish(new Error('EIO: i/o error, fdatasync'));
    await expect(failing).rejects.toThrow(/EIO/);
    const next = barrier.wait();
    expect(syncs.started).toHaveLength(2);
    syncs.started[1]!.finish();
    await expect(next).resolves.toBeUndefined();
  });
});

describe('the registry database', () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('syncs the -wal file that holds the commits, and has nothing to sync without one', async () => {
    dir = createTempDir('tecsalud-commit-barrier-');
    const file = path.join(dir, 'registry.db');
    const database = await openDatabase({ kind: 'sqlite', path: file, display: file });
    try {
      await sql`create table t (x integer)`.execute(database.db);
      await sql`insert into t values (1)`.execute(database.db);
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      await expect(database.commitsDurable()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
    // Closed cleanly, SQLite checkpoints and removes the -wal file.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    await expect(syncWriteAheadLog(file)()).resolves.toBeUndefined();
  });

  it('keeps several group-sized commits in the -wal file instead of checkpointing after each', async () => {
    dir = createTempDir('tecsalud-checkpoint-');
    const file = path.join(dir, 'registry.db');
    const database = await openDatabase({ kind: 'sqlite', path: file, display: file });
    try {
      const sqlite = database.sqlite!;
      sqlite.exec('create table t (x blob)');
      // Three commits of about 600 pages (2.4 MB) each, the size of an ingest's group: SQLite's default
      // (1,000 pages) checkpointed after the second one, and the third started the -wal file over.
      const insert = sqlite.prepare('insert into t values (?)');
      for (let commit = 0; commit < 3; commit++) {
        sqlite.transaction(() => {
          for (let row = 0; row < 600; row++) insert.run(Buffer.alloc(3000, row));
        })();
      }
      const status = sqlite.prepare('pragma wal_checkpoint(PASSIVE)').get() as { log: number };
      // Every frame of the three commits was still in the -wal file when the checkpoint was asked for.
      expect(status.log).toBeGreaterThanOrEqual(3 * 600);
      expect(status.log).toBeLessThan(WAL_AUTOCHECKPOINT_PAGES);
    } finally {
      await database.close();
    }
  });
});
