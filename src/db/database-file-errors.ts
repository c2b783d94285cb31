import fs from 'node:fs';
import path from 'node:path';
import { describeError } from '../core/text/describe-error.js';
import { UsageError, UserError } from '../errors.js';
import { serviceDown } from './connection-loss.js';
import { databaseSettingName, type DatabaseTarget } from './database-url.js';

/**
 * The SQLite errors that say the file `--db` names is not a usable database — not SQLite at all, damaged,
 * read-only, or not openable — as a user error that names the file and says what to do (exit 64). Null
 * for any other error. (A PostgreSQL server that cannot be reached is a service error instead: 69.)
 */
export function databaseFileError(error: unknown, target: DatabaseTarget): UserError | null {
  if (target.kind !== 'sqlite' || error instanceof UserError) return null;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const file = target.display;
  if (code === 'SQLITE_NOTADB') {
    return new UsageError(
      `'${file}' is not a SQLite database`,
      `check ${databaseSettingName(target)}: it names a file of another kind`,
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_SHORT_READ') {
    return new UsageError(
      `the database '${file}' is damaged (${describeError(error)})`,
      'restore it from a backup, or recover what is readable with `sqlite3 FILE ".recover"` into a new file; ' +
        '`tecsalud-batch patients import` and `ingest` rebuild a registry from its sources',
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    // A run while the database was read-only leaves its -wal / -shm read-only too: fixing the file alone
    // is not enough, and the message must say which file is in the way.
    const stuck = isReadOnlyFile(file)
      ? []
      : ['-wal', '-shm'].map((suffix) => `${file}${suffix}`).filter(isReadOnlyFile);
    if (stuck.length > 0) {
      return new UsageError(
        `the database '${file}' cannot be written: ${stuck.map((f) => `'${path.basename(f)}'`).join(' and ')} beside it ${stuck.length > 1 ? 'are' : 'is'} read-only`,
        `make ${stuck.length > 1 ? 'them' : 'it'} writable for the user running tecsalud-batch (chmod u+w), or remove ` +
          `${stuck.length > 1 ? 'them' : 'it'} while no tecsalud-batch runs`,
      );
    }
    return new UsageError(
      `the database '${file}' cannot be written: the file or its folder is read-only`,
      'let the user running tecsalud-batch write the file and its folder: SQLite writes there (its -wal and ' +
        '-shm files) even for a command that only reads',
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') {
    return new UsageError(
      `cannot open the database '${file}': ${describeError(error)}`,
      `check that the path is a file the user running tecsalud-batch may read and write, in a folder it may write, or change ${databaseSettingName(target)}`,
    );
  }
  return null;
}

/**
 * `error`, or the user error it stands for when it is about the database file (64), or a PostgreSQL
 * connection that was lost (69): never a stack trace for either.
 */
export function translateDatabaseError(error: unknown, target: DatabaseTarget): unknown {
  return databaseFileError(error, target) ?? serviceDown(error, { target }) ?? error;
}

function isReadOnlyFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
