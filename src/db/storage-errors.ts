import path from 'node:path';
import { ExitCode, ServiceUnavailableError } from '../errors.js';
import type { DatabaseTarget } from './database-url.js';

/** How long a write waits for another connection's lock before SQLite gives up (open-database's default). */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

/**
 * A write error that stops the run for every file rather than failing one: a backend already reported down, or
 * the database's storage refusing writes (storageRefused). Null for an error that may be one file's own.
 */
export function writesStopped(error: unknown, target: DatabaseTarget): ServiceUnavailableError | null {
  return error instanceof ServiceUnavailableError ? error : storageRefused(error, target);
}

/**
 * The errors that say the database's storage refused a write — its disk is full, another program keeps
 * it locked past the busy timeout, the disk or network share failed — as the error that stops a run:
 * never one file's fault and never a bug to report. A run that meets one stops taking files and leaves
 * the files not done for the next run (as for a PostgreSQL server that went away). Null for any other
 * error. (A file that is not a database, damaged or read-only is database-file-errors' 64.)
 */
export function storageRefused(error: unknown, target: DatabaseTarget): ServiceUnavailableError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const again = 'then run the same command again: what it had not finished is done then, and nothing is stored twice';
  if (target.kind === 'postgres') {
    // SQLSTATE 53100 disk_full: the server could not extend a table or its WAL.
    if (code !== '53100') return null;
    return new ServiceUnavailableError(
      `the PostgreSQL server of ${target.display} has run out of disk space`,
      `ask its administrator to free space on the server's data disk; ${again}`,
    );
  }
  const file = target.display;
  if (code === 'SQLITE_FULL') {
    return new ServiceUnavailableError(
      `the disk holding the database '${file}' is full`,
      `free space on it (df -h '${path.dirname(file)}') or move the database to a larger disk; ${again}`,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new ServiceUnavailableError(
      `the database '${file}' is locked by another program, which kept a write open for more than ` +
        `${SQLITE_BUSY_TIMEOUT_MS / 1000} s`,
      'close what is writing to it (an sqlite3 shell or a database browser left in a transaction, a backup or ' +
        `copy tool), or wait for a large \`patients import\` to finish; ${again}`,
      ExitCode.Locked,
    );
  }
  // A short read is a damaged file (database-file-errors); any other I/O error is the disk or the share.
  if (code.startsWith('SQLITE_IOERR') && code !== 'SQLITE_IOERR_SHORT_READ') {
    return new ServiceUnavailableError(
      `the database '${file}' could not be read or written: the disk or network share under it failed (${code})`,
      `check the disk (dmesg, df -h '${path.dirname(file)}') or the share's connection; ${again}`,
    );
  }
  return null;
}
