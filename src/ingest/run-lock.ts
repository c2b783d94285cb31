import { createHash } from 'node:crypto';
import os from 'node:os';
import type { OpenDatabase } from '../db/open-database.js';
import { RunLockRepository, type RunLockHolder } from '../db/repositories/run-lock-repository.js';
import { ExitCode, UserError } from '../errors.js';

export class LockedError extends UserError {
  constructor(readonly holder: RunLockHolder) {
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
  } satisfies RunLockHolder;
  const locks = new RunLockRepository(database.db);
  const lock = { setSession: (sessionId: string) => locks.setSession(me, sessionId) };
  if (database.dialect === 'postgres') {
    const held = await locks.withAdvisoryLock(me, () => work(lock));
    if (!held.acquired) {
      throw new LockedError(
        (await locks.findHolder(lockKey)) ?? { ...me, pid: 0, host: 'another machine', startedAt: 'unknown' },
      );
    }
    return held.value;
  }
  await acquireRowLock(locks, me, options.isAlive ?? isProcessAlive);
  try {
    return await work(lock);
  } finally {
    await locks.release(me).catch(() => undefined);
  }
}

async function acquireRowLock(
  locks: RunLockRepository,
  me: RunLockHolder,
  isAlive: (pid: number) => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await locks.tryInsert(me)) return;
    const holder = await locks.findHolder(me.lockKey);
    if (!holder) continue; // released between our insert and our read: try again
    const stale = holder.host === me.host && !isAlive(Number(holder.pid));
    if (!stale) throw new LockedError(holder);
    // Only the contender whose delete removes exactly this stale row goes on to insert.
    await locks.deleteExactly(holder);
  }
  throw new LockedError((await locks.findHolder(me.lockKey)) ?? me);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
