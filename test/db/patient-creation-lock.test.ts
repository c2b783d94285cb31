import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { withPatientCreationLock } from '../../src/db/patient-creation-lock.js';
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
