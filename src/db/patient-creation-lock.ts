import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { isProcessAlive } from '../process-alive.js';
import type { OpenDatabase } from './open-database.js';
import type { CreationLocksTable } from './schema.js';

/**
 * The key of the PostgreSQL advisory lock that patient creations take (an arbitrary constant of this tool's;
 * pg-boss's keys are hashes of its own names).
 */
const PATIENT_CREATION_LOCK_KEY = '7361045219003';

/** How long a creation may hold the lock (a re-match and an insert take milliseconds). */
const CREATION_LOCK_HOLD_LIMIT_MS = 60_000;

/** SQLite: how often a creation waiting for another process's looks again (a creation takes milliseconds). */
const CREATION_LOCK_POLL_MS = 20;

/** The `creation_locks` row of patient creations. */
const PATIENT_CREATION_ROW = 'patient';

/** SQLite: the tokens of the rows this process holds now (any of its open databases). */
const heldTokens = new Set<string>();

/** Per open database: the creations of this process, one after the other (see withPatientCreationLock). */
const creationsOf = new WeakMap<OpenDatabase, Promise<unknown>>();

/**
 * Runs `work` — matching a file again, then creating its patient — while no other process of any host creates a
 * patient in this PostgreSQL registry. Each run makes its creations one at a time and matches the file again
 * first, so that a second document of a new person attaches to the patient the first just created, or waits for
 * review under a neighbouring expediente; across processes (two workers, `serve` beside an `ingest`) each saw
 * the registry before the other's creation and both created one: two records of one person. The lock is a
 * transaction's (`pg_advisory_xact_lock`), ended with the transaction: a process killed while holding it holds
 * it no longer. This process's own creations queue in memory first, so that one connection at most waits for
 * the lock. SQLite (two runs of two folders, `serve` beside an `ingest`, on one registry file): a row of
 * `creation_locks` is the lock (see holdingCreationRow).
 */
export function withPatientCreationLock<T>(
  database: OpenDatabase,
  work: () => Promise<T>,
  { holdLimitMs = CREATION_LOCK_HOLD_LIMIT_MS }: { holdLimitMs?: number } = {},
): Promise<T> {
  const locked =
    database.dialect === 'postgres'
      ? () => holdingAdvisoryLock(database, work, holdLimitMs)
      : () => holdingCreationRow(database, work, holdLimitMs);
  const next = (creationsOf.get(database) ?? Promise.resolve()).then(locked, locked);
  creationsOf.set(
    database,
    next.catch(() => undefined),
  );
  return next;
}

async function holdingAdvisoryLock<T>(
  database: OpenDatabase,
  work: () => Promise<T>,
  holdLimitMs: number,
): Promise<T> {
  const finished: { value?: T; done: boolean } = { done: false };
  try {
    await database.db.transaction().execute(async (trx) => {
      // The lock's transaction is idle while the work runs on other connections: past the limit the server ends
      // it, and the lock with it. A holder whose host vanished (no FIN: the server waits for TCP keepalive,
      // two hours by default) or a process stopped holding it would otherwise stop every creation everywhere.
      await sql
        .raw(`set local idle_in_transaction_session_timeout = ${Math.max(1, Math.floor(holdLimitMs))}`)
        .execute(trx);
      await sql`select pg_advisory_xact_lock(${PATIENT_CREATION_LOCK_KEY}::bigint)`.execute(trx);
      finished.value = await work();
      finished.done = true;
    });
  } catch (error) {
    // The work's own statements ran on other connections and stand; only the lock's transaction failed to
    // end (the connection lost), and the lock ended with it.
    if (finished.done) return finished.value as T;
    throw error;
  }
  return finished.value as T;
}

/**
 * SQLite: holds the `creation_locks` row while `work` runs; the row's primary key decides which of two processes
 * takes it, the other looks again every few milliseconds. A row whose process is gone (killed on this host) or
 * that is older than the hold limit (a process stopped, or on another host) is taken over. A write transaction
 * of SQLite's own cannot serve: better-sqlite3 waits for the file's lock synchronously, so while one run's
 * work awaited anything the whole other process — its own holder included — would stand still.
 */
async function holdingCreationRow<T>(
  database: OpenDatabase,
  work: () => Promise<T>,
  holdLimitMs: number,
): Promise<T> {
  const { db } = database;
  const holding: CreationLocksTable = {
    name: PATIENT_CREATION_ROW,
    token: randomUUID(),
    pid: process.pid,
    host: os.hostname(),
    takenAt: '',
  };
  for (;;) {
    holding.takenAt = new Date().toISOString();
    const inserted = await db
      .insertInto('creationLocks')
      .values(holding)
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) break;
    const holder = await db
      .selectFrom('creationLocks')
      .selectAll()
      .where('name', '=', PATIENT_CREATION_ROW)
      .executeTakeFirst();
    if (!holder) continue; // released meanwhile
    if (heldNoLonger(holder, holdLimitMs)) {
      // Exactly that row: of two processes taking it over, one deletes it and the other finds a new holder.
      await db
        .deleteFrom('creationLocks')
        .where('name', '=', holder.name)
        .where('token', '=', holder.token)
        .execute();
      continue;
    }
    await sleep(CREATION_LOCK_POLL_MS);
  }
  heldTokens.add(holding.token);
  try {
    return await work();
  } finally {
    heldTokens.delete(holding.token);
    // A row left by a failed delete is this process's and not held: its next creation, or another process
    // once the limit has passed (or this process has exited), takes it over.
    await db
      .deleteFrom('creationLocks')
      .where('name', '=', holding.name)
      .where('token', '=', holding.token)
      .execute()
      .catch(() => undefined);
  }
}

function heldNoLonger(holder: CreationLocksTable, holdLimitMs: number): boolean {
  const takenAt = Date.parse(holder.takenAt);
  if (!Number.isFinite(takenAt) || Date.now() - takenAt > holdLimitMs) return true;
  if (holder.host !== os.hostname()) return false;
  return holder.pid === process.pid ? !heldTokens.has(holder.token) : !isProcessAlive(holder.pid);
}
