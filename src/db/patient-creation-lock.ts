import { sql } from 'kysely';
import type { OpenDatabase } from './open-database.js';

/**
 * The key of the PostgreSQL advisory lock that patient creations take (an arbitrary constant of this tool's;
 * pg-boss's keys are hashes of its own names).
 */
const PATIENT_CREATION_LOCK_KEY = '7361045219003';

/** How long a creation may hold the lock (a re-match and an insert take milliseconds). */
const CREATION_LOCK_HOLD_LIMIT_MS = 60_000;

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
 * the lock. SQLite: `work` as it is (one process writes at a time, and runs of one folder take the run lock).
 */
export function withPatientCreationLock<T>(
  database: OpenDatabase,
  work: () => Promise<T>,
  { holdLimitMs = CREATION_LOCK_HOLD_LIMIT_MS }: { holdLimitMs?: number } = {},
): Promise<T> {
  if (database.dialect !== 'postgres') return work();
  const locked = async (): Promise<T> => {
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
  };
  const next = (creationsOf.get(database) ?? Promise.resolve()).then(locked, locked);
  creationsOf.set(
    database,
    next.catch(() => undefined),
  );
  return next;
}
