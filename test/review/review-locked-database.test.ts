import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSearchAdapters } from '../../src/app/open-backends.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { ReviewService } from '../../src/review/review-service.js';
import { pendingEntryOf } from '../../src/review/load-review-case.js';
import { ReviewWalk, type ReviewWalkState } from '../../src/app/review-walk.js';
import { defaultBackends } from '../support/command-context.js';
import {
  copyDatabase,
  NAME_ONLY_FILE,
  ingestSample,
  type DatabaseCopy,
  type IngestedSample,
} from './support/ingested-sample.js';

/**
 * A review decision meeting a database another program keeps locked (an sqlite3 shell in `begin exclusive`):
 * it fails with an error the service says is the lock (the screen words it as "not recorded"), nothing of it
 * is stored, and the same decision (or undo) is taken once the lock is gone. The lock is a real second
 * connection; only the busy timeout is shortened.
 */
let sample: IngestedSample;
let copy: DatabaseCopy;
let database: OpenDatabase;
let service: ReviewService;
let other: Database.Database | null = null;

beforeAll(async () => {
  sample = await ingestSample();
});
afterAll(() => sample.cleanup());

beforeEach(async () => {
  copy = copyDatabase(sample.templateDb);
  database = await openDatabase(resolveDatabaseTarget(copy.url, { cwd: path.dirname(copy.url) }), {
    busyTimeoutMs: 100,
  });
  const backends = await defaultBackends();
  service = new ReviewService({
    database,
    reviewer: 'revisora',
    openVectors: (collection) => openSearchAdapters({ database, backends, collection }),
  });
});
afterEach(async () => {
  unlock();
  await service.close();
  await database.close();
  copy.cleanup();
});

function lock(): void {
  other = new Database(copy.url);
  other.exec('BEGIN EXCLUSIVE');
}

function unlock(): void {
  if (!other) return;
  other.exec('ROLLBACK');
  other.close();
  other = null;
}

async function fileRow(id: string) {
  return database.db.selectFrom('batchFiles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function nameOnlyCase() {
  const file = (await service.listPending()).find((f) => f.filename === NAME_ONLY_FILE)!;
  return service.loadCase(file.id);
}

describe('a review decision on a database another program keeps locked', () => {
  it('fails for the lock, changes nothing, and is taken once the lock is gone', async () => {
    const reviewCase = await nameOnlyCase();
    const before = await fileRow(reviewCase.fileId);
    lock();
    const refused = await service.decide(reviewCase, { kind: 'reject' }).catch((error: unknown) => error);
    expect(service.whyNotRecorded(refused)).toEqual({ kind: 'locked' });
    unlock();
    expect(await fileRow(reviewCase.fileId)).toEqual(before);
    expect(service.undoDepth).toBe(0);

    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({
      ok: true,
      choice: 'reject',
    });
    expect((await fileRow(reviewCase.fileId)).matchingStatus).toBe('rejected');
  });

  it('an attach: its document is not stored while locked, and is stored once when decided again', async () => {
    const reviewCase = await nameOnlyCase();
    lock();
    const refused = await service
      .decide(reviewCase, { kind: 'attach', candidate: 1 })
      .catch((error: unknown) => error);
    expect(service.whyNotRecorded(refused)).toEqual({ kind: 'locked' });
    unlock();
    expect(await service.decide(reviewCase, { kind: 'attach', candidate: 1 })).toMatchObject({
      ok: true,
      choice: 'attach',
    });
    const documents = await database.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where('batchFileId', '=', reviewCase.fileId)
      .execute();
    expect(documents).toHaveLength(1);
  });

  it('an undo refused by the lock keeps the decision undoable: u again undoes it once the lock is gone', async () => {
    const reviewCase = await nameOnlyCase();
    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({ ok: true });
    lock();
    const refused = await service.undo().catch((error: unknown) => error);
    expect(service.whyNotRecorded(refused)).toEqual({ kind: 'locked' });
    unlock();
    expect((await fileRow(reviewCase.fileId)).matchingStatus).toBe('rejected');
    expect(service.undoDepth).toBe(1);
    expect(await service.undo()).toMatchObject({ ok: true, choice: 'reject' });
    expect((await fileRow(reviewCase.fileId)).matchingStatus).toBe('review_required');
  });

  it('closing the sitting while locked does not fail: the decisions stand', async () => {
    const reviewCase = await nameOnlyCase();
    expect(await service.decide(reviewCase, { kind: 'attach', candidate: 1 })).toMatchObject({ ok: true });
    lock();
    await expect(service.close()).resolves.toBeUndefined();
    unlock();
    expect((await fileRow(reviewCase.fileId)).matchingStatus).toBe('matched');
  });
});

describe('the review screen while another program keeps the database locked', () => {
  async function walkAtNameOnlyCase(options: { lockPatienceMs: number }) {
    const pending = (await service.listPending()).map(pendingEntryOf);
    const walk = new ReviewWalk(service, pending, { guardMs: 0, ...options });
    await walk.start();
    const position = pending.findIndex((entry) => path.basename(entry.relativePath) === NAME_ONLY_FILE);
    expect(position).toBeGreaterThanOrEqual(0);
    await walk.perform({ type: 'goto', position });
    return walk;
  }

  /** Resolves with the walk's state once `seen` holds of it. */
  function stateWhen(walk: ReviewWalk, seen: (state: ReviewWalkState) => boolean): Promise<ReviewWalkState> {
    return new Promise((resolve) => {
      const stop = walk.subscribe(() => {
        if (seen(walk.getState())) {
          stop();
          resolve(walk.getState());
        }
      });
    });
  }

  it('says what it waits for, keeps trying, and records the decision once the lock is gone', async () => {
    const walk = await walkAtNameOnlyCase({ lockPatienceMs: 15_000 });
    const fileId = walk.getState().current!.fileId;
    lock();
    const waiting = stateWhen(walk, (state) => state.waitingForDatabase !== null);
    const deciding = walk.perform({ type: 'reject' });
    expect((await waiting).waitingForDatabase).toEqual({ seconds: 0, limitSeconds: 15 });
    expect((await waiting).phase).toBe('working');
    unlock();
    await deciding;
    expect(walk.getState()).toMatchObject({ waitingForDatabase: null, notice: { tone: 'success' } });
    expect((await fileRow(fileId)).matchingStatus).toBe('rejected');
  });

  it('gives up after its patience, saying the decision was not recorded, with nothing changed', async () => {
    const walk = await walkAtNameOnlyCase({ lockPatienceMs: 1_000 });
    const fileId = walk.getState().current!.fileId;
    const before = await fileRow(fileId);
    lock();
    await walk.perform({ type: 'reject' });
    expect(walk.getState()).toMatchObject({
      phase: 'reviewing',
      waitingForDatabase: null,
      notice: {
        tone: 'error',
        notice: { code: 'not_recorded', what: 'decision', cause: { kind: 'locked' } },
      },
    });
    unlock();
    expect(await fileRow(fileId)).toEqual(before);
  });

  it('Ctrl-C stops the waiting at once and ends the sitting; the decision is not recorded', async () => {
    const walk = await walkAtNameOnlyCase({ lockPatienceMs: 60_000 });
    const fileId = walk.getState().current!.fileId;
    lock();
    const waiting = stateWhen(walk, (state) => state.waitingForDatabase !== null);
    void walk.perform({ type: 'reject' });
    await waiting;
    const interrupted = Date.now();
    await walk.interrupt();
    expect(Date.now() - interrupted).toBeLessThan(5_000);
    expect(walk.getState().phase).toBe('closed');
    unlock();
    expect((await fileRow(fileId)).matchingStatus).toBe('review_required');
  });
});
