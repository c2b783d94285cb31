import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quoteForShell } from '../core/text/quote-for-shell.js';
import { postgresUnavailable } from '../db/connection-loss.js';
import type { DedicatedConnection, OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import {
  advisoryLock,
  RunLockRepository,
  type RunLockHolder,
} from '../db/repositories/run-lock-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { isProcessAlive } from '../process-alive.js';
import { formatLocalTimestamp } from '../core/text/local-timestamp.js';

export class LockedError extends UserError {
  /**
   * `fromAnotherHost`: a SQLite lock taken on another machine (or in a container under another host name),
   * whose process this one cannot look at: only a person can say that run is over.
   */
  constructor(
    readonly holder: RunLockHolder,
    fromAnotherHost = false,
    holderWritten = true,
  ) {
    super(
      `another run is already processing ${holder.sourceDir} on this database ` +
        (holderWritten
          ? `(pid ${holder.pid} on ${holder.host}, started ${formatLocalTimestamp(holder.startedAt, 'en')}` +
            `${holder.sessionId ? `, session ${holder.sessionId.slice(0, 8)}` : ''})`
          : '(it has only just started: its pid and host are not written yet)'),
      ExitCode.Locked,
      fromAnotherHost
        ? `wait for it to finish; this machine (${os.hostname()}) cannot tell whether that run still goes on. If none ` +
            `does (a machine that went down, a container that changed its host name), lift the lock with ` +
            `\`tecsalud-batch unlock ${quoteForShell(holder.sourceDir)} --force\``
        : 'wait for it to finish; a lock left by a killed run is taken over automatically',
    );
    this.name = 'LockedError';
  }
}

/** The folder as the lock names it: its real path (a link and its target are one folder). */
export function realSourceDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir); // the run explains a missing folder
  }
}

function runLockKey(sourceDir: string): string {
  return createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32);
}

export interface RunLockOptions {
  /** The real path of the source folder: the lock is per (folder, database). */
  sourceDir: string;
  /** Who we are (defaults: this process); injectable for tests. */
  pid?: number;
  host?: string;
  /** Is a process of this host still running? (default: signal 0). */
  isAlive?: (pid: number) => boolean;
  /** When a process of this host started, in ms since the epoch, or null if unknown (default: Linux /proc). */
  processStartedAt?: (pid: number) => number | null;
  /** PostgreSQL: the waits between attempts to take a dropped lock again (tests shorten them). */
  relockDelaysMs?: readonly number[];
}

/** What the work done under the lock is given. */
export interface HeldRunLock {
  /** Names the session the holder is running, for the message a second run prints. */
  setSession(sessionId: string): Promise<void>;
  /**
   * Aborted, with the error as its reason, when the lock is lost for good (PostgreSQL: its connection
   * dropped and the lock could not be taken again): the run must stop taking files. Never aborted on SQLite.
   */
  halt: AbortSignal;
}

/**
 * Runs `work` while holding the lock on (source folder, database); a second run exits at once with
 * `LockedError` (exit 75) naming the holder.
 * - PostgreSQL: a session-level advisory lock on a connection of its own held for the whole run, so it
 *   holds across machines and vanishes with a killed run's connection; `run_locks` only names the holder.
 *   When that connection drops (a restart, an administrator ending it), the lock is taken again on a new
 *   connection; when it cannot be (the server stays away, or another run took the folder meanwhile), the
 *   run is halted.
 * - SQLite: the `run_locks` row itself is the lock (its primary key arbitrates a race); a row whose
 *   process is gone from this host is stale and is taken over by a conditional delete that only one
 *   contender can win.
 */
export async function withRunLock<T>(
  database: OpenDatabase,
  options: RunLockOptions,
  work: (lock: HeldRunLock) => Promise<T>,
): Promise<T> {
  const lockKey = runLockKey(options.sourceDir);
  const me: RunLockHolder = {
    lockKey,
    sourceDir: options.sourceDir,
    pid: options.pid ?? process.pid,
    host: options.host ?? os.hostname(),
    sessionId: null,
    startedAt: new Date().toISOString(),
  };
  const locks = new RunLockRepository(database.db);
  if (database.dialect === 'postgres' && database.openDedicatedConnection) {
    const connect = database.openDedicatedConnection;
    return withAdvisoryRunLock(
      database,
      connect,
      locks,
      me,
      work,
      options.relockDelaysMs ?? RELOCK_DELAYS_MS,
    );
  }
  const isAlive = options.isAlive ?? isProcessAlive;
  const startedAt = options.processStartedAt ?? processStartedAt;
  // A row of another host cannot be checked from here: it counts as a run going on.
  const goesOn = (holder: RunLockHolder) => holder.host !== me.host || holdsIt(holder, isAlive, startedAt);
  await acquireRowLock(locks, me, goesOn);
  try {
    await refuseNestedRuns(
      locks,
      me,
      async (holder) => {
        if (goesOn(holder)) return true;
        await locks.deleteExactly(holder); // left behind by a killed run
        return false;
      },
      (holder) => holder.host !== me.host,
    );
  } catch (error) {
    await locks.release(me).catch(() => undefined);
    throw error;
  }
  try {
    return await work({
      setSession: (sessionId) => locks.setSession(me, sessionId),
      halt: new AbortController().signal,
    });
  } finally {
    await locks.release(me).catch(() => undefined);
  }
}

/** Waits between attempts to take the lock again after its connection dropped: about 10 s in all. */
const RELOCK_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000];

async function withAdvisoryRunLock<T>(
  database: OpenDatabase,
  connect: () => Promise<DedicatedConnection>,
  locks: RunLockRepository,
  me: RunLockHolder,
  work: (lock: HeldRunLock) => Promise<T>,
  relockDelaysMs: readonly number[],
): Promise<T> {
  let connection = await connect();
  let taken: boolean;
  try {
    taken = await advisoryLock.tryTake(connection, me.lockKey);
  } catch (error) {
    await connection.close();
    throw error;
  }
  if (!taken) {
    await connection.close();
    // The other run holds the advisory lock but has not written its row yet (or has just let go of both):
    // saying so beats naming a pid 0 on 'another machine'.
    const holder = await locks.findHolder(me.lockKey);
    throw holder ? new LockedError(holder) : new LockedError(me, false, false);
  }
  try {
    // A row's run still goes on while its advisory lock is held; one we can take was left by a killed run.
    await refuseNestedRuns(locks, me, async (holder) => {
      if (!(await advisoryLock.tryTake(connection, holder.lockKey))) return true;
      await advisoryLock.release(connection, holder.lockKey);
      return false;
    });
  } catch (error) {
    await advisoryLock.release(connection, me.lockKey).catch(() => undefined);
    await connection.close();
    throw error;
  }
  const halt = new AbortController();
  let sessionId: string | null = null;
  let finished = false;
  let markFinished!: () => void;
  const whenFinished = new Promise<void>((resolve) => (markFinished = resolve));

  /** Takes the lock again on a new connection, or says why it cannot be. */
  const retake = async (dropped: Error): Promise<DedicatedConnection | Error> => {
    let last: unknown = dropped;
    for (const delay of [0, ...relockDelaysMs]) {
      if (finished) return dropped;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      let fresh: DedicatedConnection | null = null;
      try {
        fresh = await connect();
        if (!(await advisoryLock.tryTake(fresh, me.lockKey))) {
          await fresh.close();
          return takenOver(me);
        }
        // Another run may have held the folder in between and closed this run's session as abandoned.
        const session = sessionId ? await new BatchRepository(database.db).findSession(sessionId) : null;
        if (session && session.status !== 'processing') {
          await advisoryLock.release(fresh, me.lockKey).catch(() => undefined);
          await fresh.close();
          return takenOver(me);
        }
        await locks.upsertHolder({ ...me, sessionId }).catch(() => undefined);
        return fresh;
      } catch (error) {
        last = error;
        await fresh?.close();
      }
    }
    return postgresUnavailable(last, database.target, 'lost');
  };

  /** Watches the lock's connection for the whole run. */
  const watch = async () => {
    for (;;) {
      const dropped = await Promise.race([connection.lost, whenFinished.then(() => null)]);
      if (!dropped || finished) return;
      await connection.close();
      const outcome = await retake(dropped);
      if (outcome instanceof Error) {
        if (!finished) halt.abort(outcome);
        return;
      }
      connection = outcome;
    }
  };

  try {
    await locks.upsertHolder(me);
    const watching = watch();
    try {
      return await work({
        setSession: async (id) => {
          sessionId = id;
          await locks.setSession(me, id);
        },
        halt: halt.signal,
      });
    } finally {
      finished = true;
      markFinished();
      await watching;
    }
  } finally {
    // Only our own row: after a takeover the row names the other run.
    await locks.release(me).catch(() => undefined);
    if (!halt.signal.aborted) await advisoryLock.release(connection, me.lockKey).catch(() => undefined);
    await connection.close();
  }
}

/** The error a run halts with when another run took its folder while its lock's connection was down. */
function takenOver(me: RunLockHolder): UserError {
  return new UserError(
    `lost the run lock on ${me.sourceDir}: its database connection dropped, and another run took the folder meanwhile`,
    ExitCode.Locked,
    'the other run goes on with the files; see `tecsalud-batch sessions`',
  );
}

async function acquireRowLock(
  locks: RunLockRepository,
  me: RunLockHolder,
  goesOn: (holder: RunLockHolder) => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await locks.tryInsert(me)) return;
    const holder = await locks.findHolder(me.lockKey);
    if (!holder) continue; // released between our insert and our read: try again
    if (goesOn(holder)) throw new LockedError(holder, holder.host !== me.host);
    // Only the contender whose delete removes exactly this stale row goes on to insert.
    await locks.deleteExactly(holder);
  }
  const holder = await locks.findHolder(me.lockKey);
  throw holder ? new LockedError(holder, holder.host !== me.host) : new LockedError(me, false, false);
}

/**
 * Whether the lock's process is still the one that took it: alive, and not a later process that was given
 * the same pid (after a reboot, or once pids wrap) — which would otherwise block every later run, exit 75
 * each night. The holder process started before it took the lock; one that started after it is another.
 */
/**
 * Whether the process that started as `pid` at `startedAt` on this host still runs (not a later process that
 * was given its pid): a queue worker killed without a word is not running, however recently it reported.
 */
export function processStillRuns(process: Pick<RunLockHolder, 'pid' | 'startedAt'>): boolean {
  return holdsIt(process, isProcessAlive, processStartedAt);
}

function holdsIt(
  holder: Pick<RunLockHolder, 'pid' | 'startedAt'>,
  isAlive: (pid: number) => boolean,
  startedAt: (pid: number) => number | null,
): boolean {
  const pid = Number(holder.pid);
  if (!isAlive(pid)) return false;
  const started = startedAt(pid);
  const locked = Date.parse(holder.startedAt);
  // /proc's boot time is in whole seconds: a margin keeps the real holder from ever looking newer.
  return started === null || Number.isNaN(locked) || started <= locked + PROCESS_START_MARGIN_MS;
}

const PROCESS_START_MARGIN_MS = 2_000;

/** When process `pid` started (Linux: /proc, in ms since the epoch), or null where that cannot be read. */
export function processStartedAt(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (in parentheses, which may hold spaces): field 3 on; starttime is field 22.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    // USER_HZ, the unit of /proc's times, is 100 on Linux's ABIs.
    return (bootSeconds + ticks / 100) * 1000;
  } catch {
    return null;
  }
}

/**
 * A run on a folder inside another run's folder, or around it, would take the same files (each run reads and
 * moves what the other is working on): the lock on a folder covers its sub-folders too. Refuses with the
 * other run's LockedError while `stillRunning` says that run goes on.
 */
async function refuseNestedRuns(
  locks: RunLockRepository,
  me: RunLockHolder,
  stillRunning: (holder: RunLockHolder) => Promise<boolean>,
  fromAnotherHost: (holder: RunLockHolder) => boolean = () => false,
): Promise<void> {
  const within = (inner: string, outer: string) =>
    inner.startsWith(outer.endsWith(path.sep) ? outer : outer + path.sep);
  for (const holder of await locks.listHolders()) {
    if (holder.lockKey === me.lockKey) continue;
    if (!within(holder.sourceDir, me.sourceDir) && !within(me.sourceDir, holder.sourceDir)) continue;
    if (await stillRunning(holder)) throw new LockedError(holder, fromAnotherHost(holder));
  }
}

/**
 * Whether a run holds the lock on a folder now, as this process can tell:
 * - `held`: a run goes on (PostgreSQL: the advisory lock is held; SQLite: its process on this host runs);
 * - `gone`: no run holds it — no lock at all, or one whose holder is gone (a killed run): `holder` is the
 *   row it left, if any;
 * - `unknown`: a SQLite lock taken on another host, whose process this machine cannot look at.
 * It only reads: taking the lock to find out would refuse, for that instant, a run starting on the folder.
 */
export type RunLockState =
  { state: 'held' | 'gone'; holder: RunLockHolder | null } | { state: 'unknown'; holder: RunLockHolder };

export async function readRunLockState(
  database: OpenDatabase,
  sourceDir: string,
  options: Pick<RunLockOptions, 'host' | 'isAlive' | 'processStartedAt'> = {},
): Promise<RunLockState> {
  const lockKey = runLockKey(sourceDir);
  const holder = (await new RunLockRepository(database.db).findHolder(lockKey)) ?? null;
  if (database.dialect === 'postgres') {
    return { state: (await advisoryLock.isHeld(database.db, lockKey)) ? 'held' : 'gone', holder };
  }
  if (!holder) return { state: 'gone', holder };
  if (holder.host !== (options.host ?? os.hostname())) return { state: 'unknown', holder };
  const alive = holdsIt(
    holder,
    options.isAlive ?? isProcessAlive,
    options.processStartedAt ?? processStartedAt,
  );
  return { state: alive ? 'held' : 'gone', holder };
}

/**
 * A run exiting at once (a second Ctrl-C) removes its own lock row on its way out, through a connection of
 * its own (the run's may be inside a transaction): only the row this process took, never another run's. On
 * PostgreSQL the advisory lock goes with the process's connection; the row only named the holder.
 */
export async function releaseOwnRunLock(database: OpenDatabase, sourceDir: string): Promise<void> {
  const lockKey = runLockKey(realSourceDir(sourceDir));
  await new RunLockRepository(database.db).release({ lockKey, pid: process.pid, host: os.hostname() });
}

export interface UnlockOptions {
  /** The real path of the folder, as the lock names it. */
  sourceDir: string;
  /** Lift a SQLite lock taken on another host, which this machine cannot check. */
  force: boolean;
  host?: string;
  isAlive?: (pid: number) => boolean;
  processStartedAt?: (pid: number) => number | null;
}

/**
 * `tecsalud-batch unlock DIR`: removes the lock on DIR that no run holds any more, and returns the holder it
 * removed (null: there was none). Never the lock of a run that goes on:
 * - SQLite, taken on this host: its process is looked at; a live one is refused (exit 75), a dead one's row
 *   is removed (as the next run would do by itself).
 * - SQLite, taken on another host: this machine cannot look, so only with `force` — a person saying that
 *   run is over (a machine that went down, a container that came back under another host name).
 * - PostgreSQL: the advisory lock says it; a held one is refused, `force` or not (it is released by ending
 *   that run, or its connection), and a row left without one is removed.
 */
export async function removeRunLock(
  database: OpenDatabase,
  options: UnlockOptions,
): Promise<RunLockHolder | null> {
  const locks = new RunLockRepository(database.db);
  const holder = await locks.findHolder(runLockKey(options.sourceDir));
  if (!holder) return null;
  if (database.dialect === 'postgres' && database.openDedicatedConnection) {
    const connection = await database.openDedicatedConnection();
    try {
      if (!(await advisoryLock.tryTake(connection, holder.lockKey))) throw new LockedError(holder);
      try {
        await locks.deleteExactly(holder);
      } finally {
        await advisoryLock.release(connection, holder.lockKey).catch(() => undefined);
      }
    } finally {
      await connection.close();
    }
    return holder;
  }
  const host = options.host ?? os.hostname();
  if (holder.host === host) {
    if (holdsIt(holder, options.isAlive ?? isProcessAlive, options.processStartedAt ?? processStartedAt)) {
      throw new UserError(
        `the run holding ${holder.sourceDir} is still going on: pid ${holder.pid} on this host, started ${formatLocalTimestamp(holder.startedAt, 'en')}`,
        ExitCode.Locked,
        `wait for it to finish, or stop it (\`kill ${holder.pid}\`: it finishes the files in flight and releases the lock)`,
      );
    }
  } else if (!options.force) {
    throw new UserError(
      `the lock on ${holder.sourceDir} was taken on another host, ${holder.host} (pid ${holder.pid}, started ` +
        `${formatLocalTimestamp(holder.startedAt, 'en')}): this machine (${host}) cannot tell whether that run still goes on`,
      ExitCode.Locked,
      `if no run is going on there, lift it with \`tecsalud-batch unlock ${quoteForShell(holder.sourceDir)} --force\``,
    );
  }
  await locks.deleteExactly(holder);
  return holder;
}
