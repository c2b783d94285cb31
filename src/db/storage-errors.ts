import path from 'node:path';
import { ExitCode, ServiceUnavailableError } from '../errors.js';
import type { DatabaseTarget } from './database-url.js';

/** How long a write waits for another connection's lock before SQLite gives up (open-database's default). */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * Why the database's storage refused a write, for whoever words it: a run's error (storageRefused) or the
 * review's notice. `directory` is the SQLite file's folder (for `df -h`); `code` SQLite's I/O error code.
 */
export type StorageProblem =
  | { kind: 'locked' }
  | { kind: 'disk_full'; directory: string }
  | { kind: 'disk_failed'; directory: string; code: string }
  | { kind: 'server_disk_full' };

/** A storage refusal as the error that stops a run; `problem` says which, for a screen that words it its own way. */
export class StorageRefusedError extends ServiceUnavailableError {
  constructor(
    readonly problem: StorageProblem,
    message: string,
    hint: string,
    exitCode?: ExitCode,
  ) {
    super(message, hint, exitCode);
  }
}

/**
 * A write error that stops the run for every file rather than failing one: a backend already reported down, or
 * the database's storage refusing writes (storageRefused). Null for an error that may be one file's own.
 */
export function writesStopped(error: unknown, target: DatabaseTarget): ServiceUnavailableError | null {
  return error instanceof ServiceUnavailableError ? error : storageRefused(error, target);
}

/**
 * The storage problem an error of the database driver says — its disk is full, another program keeps it
 * locked past the busy timeout, the disk or network share failed — also when a run already turned it into
 * its StorageRefusedError. Null for any other error. (A file that is not a database, damaged or read-only is
 * database-file-errors' 64.)
 */
export function storageProblem(error: unknown, target: DatabaseTarget): StorageProblem | null {
  if (error instanceof StorageRefusedError) return error.problem;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (target.kind === 'postgres') {
    // SQLSTATE 53100 disk_full: the server could not extend a table or its WAL.
    return code === '53100' ? { kind: 'server_disk_full' } : null;
  }
  const directory = path.dirname(target.display);
  if (code === 'SQLITE_FULL') return { kind: 'disk_full', directory };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'locked' };
  // A short read is a damaged file (database-file-errors); any other I/O error is the disk or the share.
  if (code.startsWith('SQLITE_IOERR') && code !== 'SQLITE_IOERR_SHORT_READ')
    return { kind: 'disk_failed', directory, code };
  return null;
}

/**
 * The errors that say the database's storage refused a write (storageProblem) as the error that stops a
 * run: never one file's fault and never a bug to report. A run that meets one stops taking files and
 * leaves the files not done for the next run (as for a PostgreSQL server that went away). Null for any
 * other error.
 */
export function storageRefused(error: unknown, target: DatabaseTarget): StorageRefusedError | null {
  const problem = storageProblem(error, target);
  if (!problem) return null;
  if (error instanceof StorageRefusedError) return error;
  const again =
    'then run the same command again: what it had not finished is done then, and nothing is stored twice';
  const file = target.display;
  switch (problem.kind) {
    case 'server_disk_full':
      return new StorageRefusedError(
        problem,
        `the PostgreSQL server of ${target.display} has run out of disk space`,
        `ask its administrator to free space on the server's data disk; ${again}`,
      );
    case 'disk_full':
      return new StorageRefusedError(
        problem,
        `the disk holding the database '${file}' is full`,
        `free space on it (df -h '${problem.directory}') or move the database to a larger disk; ${again}`,
      );
    case 'locked':
      return new StorageRefusedError(
        problem,
        `the database '${file}' is locked by another program, which kept a write open for more than ` +
          `${SQLITE_BUSY_TIMEOUT_MS / 1000} s`,
        'close what is writing to it (an sqlite3 shell or a database browser left in a transaction, a backup or ' +
          `copy tool), or wait for a large \`patients import\` to finish; ${again}`,
        ExitCode.Locked,
      );
    case 'disk_failed':
      return new StorageRefusedError(
        problem,
        `the database '${file}' could not be read or written: the disk or network share under it failed (${problem.code})`,
        `check the disk (dmesg, df -h '${problem.directory}') or the share's connection; ${again}`,
      );
  }
}
