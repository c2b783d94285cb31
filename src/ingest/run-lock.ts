import { createHash } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { OpenDatabase } from '../db/open-database.js';
import type { Database, RunLocksTable } from '../db/schema.js';
import { ExitCode, UserError } from '../errors.js';

export class LockedError extends UserError {
  constructor(readonly holder: RunLocksTable) {
    super(
      `another run is already processing ${holder.sourceDir} on this database ` +
        `(pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` +
        `${holder.sessionId ? `, session ${holder.sessionId.slice(0, 8)}` : ''})`,
      ExitCode.Locked,
      'wait for it to finish; a lock left by a killed run is taken over automatically',
    );
    this.name = 'LockedError';
  }
}

export interface RunLockOptions {
  /** The real path of the source folder: the lock is per (folder, database). */
  sourceDir: string;
  /** Who we are (defaults: this process); injectable for tests. */
  pid?: number;
  host?: string;
  /** Is a process of this host still running? (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

/**
 * Runs `work` while holding the lock on (source folder, database); a second run exits at once with
 * `LockedError` (exit 75) naming the holder.
 * - PostgreSQL: a session-level advisory lock on a connection held for the whole run, so it holds
 *   across machines and vanishes with a killed run's connection; `run_locks` only names the holder.
 * - SQLite: the `run_locks` row itself is the lock (its primary key arbitrates a race); a row whose
 *   process is gone from this host is stale and is taken over by a conditional delete that only one
 *   contender can win.
 */
export async function withRunLock<T>(
  database: OpenDatabase,
  options: RunLockOptions,
  work: (lock: { setSession(sessionId: string): Promise<void> }) => Promise<T>,
): Promise<T> {
  const lockKey = createHash('sha256')
    .update(`tecsalud-batch:${options.sourceDir}`)
    .digest('hex')
    .slice(0, 32);
  const me = {
    lockKey,
    sourceDir: options.sourceDir,
    pid: options.pid ?? process.pid,
    host: options.host ?? os.hostname(),
    sessionId: null,
    startedAt: new Date().toISOString(),
  } satisfies RunLocksTable;
  const setSession = async (sessionId: string) => {
    await database.db
      .updateTable('runLocks')
      .set({ sessionId })
      .where('lockKey', '=', lockKey)
      .where('pid', '=', me.pid)
      .where('host', '=', me.host)
      .execute();
  };
  if (database.dialect === 'postgres') {
    return database.db.connection().execute(async (connection) => {
      const [high, low] = advisoryKeys(lockKey);
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${high}, ${low}) as locked`.execute(connection);
      if (!rows[0]?.locked) throw new LockedError(await describeHolder(database.db, me));
      try {
        await connection
          .insertInto('runLocks')
          .values(me)
          .onConflict((oc) =>
            oc
              .column('lockKey')
              .doUpdateSet({ pid: me.pid, host: me.host, sessionId: null, startedAt: me.startedAt }),
          )
          .execute();
        return await work({ setSession });
      } finally {
        await connection
          .deleteFrom('runLocks')
          .where('lockKey', '=', lockKey)
          .execute()
          .catch(() => undefined);
        await sql`select pg_advisory_unlock(${high}, ${low})`.execute(connection).catch(() => undefined);
      }
    });
  }
  await acquireRowLock(database.db, me, options.isAlive ?? isProcessAlive);
  try {
    return await work({ setSession });
  } finally {
    await database.db
      .deleteFrom('runLocks')
      .where('lockKey', '=', lockKey)
      .where('pid', '=', me.pid)
      .where('host', '=', me.host)
      .execute()
      .catch(() => undefined);
  }
}

async function acquireRowLock(db: Kysely<Database>, me: RunLocksTable, isAlive: (pid: number) => boolean) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const inserted = await db
      .insertInto('runLocks')
      .values(me)
      .onConflict((oc) => oc.column('lockKey').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return;
    const holder = await db
      .selectFrom('runLocks')
      .selectAll()
      .where('lockKey', '=', me.lockKey)
      .executeTakeFirst();
    if (!holder) continue; // released between our insert and our read: try again
    const stale = holder.host === me.host && !isAlive(Number(holder.pid));
    if (!stale) throw new LockedError(holder);
    // Only the contender whose delete removes exactly this stale row goes on to insert.
    await db
      .deleteFrom('runLocks')
      .where('lockKey', '=', me.lockKey)
      .where('pid', '=', holder.pid)
      .where('startedAt', '=', holder.startedAt)
      .execute();
  }
  const holder = await db
    .selectFrom('runLocks')
    .selectAll()
    .where('lockKey', '=', me.lockKey)
    .executeTakeFirst();
  throw new LockedError(holder ?? me);
}

async function describeHolder(db: Kysely<Database>, me: RunLocksTable): Promise<RunLocksTable> {
  const holder = await db
    .selectFrom('runLocks')
    .selectAll()
    .where('lockKey', '=', me.lockKey)
    .executeTakeFirst();
  return holder ?? { ...me, pid: 0, host: 'another machine', startedAt: 'unknown' };
}

function advisoryKeys(lockKey: string): [number, number] {
  return [parseInt(lockKey.slice(0, 8), 16) | 0, parseInt(lockKey.slice(8, 16), 16) | 0];
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
