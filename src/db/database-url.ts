import fs from 'node:fs';
import path from 'node:path';
import { redactConnectionString } from '../core/text/redact-connection-string.js';
import { UsageError } from '../errors.js';
import { specialFileKind } from '../special-file-kind.js';

export { redactConnectionString };

export type DatabaseTarget = (
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; display: string }
) & {
  /** Where it was configured (`--db`, `TECSALUD_DB`, the config file's db), for hints; absent: the default. */
  setting?: string;
};

/** What a hint names when no setting chose the database (the default): any of them may. */
export const ANY_DATABASE_SETTING = "--db, TECSALUD_DB or the config file's db";

/** The place a hint tells the user to change. */
export function databaseSettingName(target: Pick<DatabaseTarget, 'setting'>): string {
  return target.setting ?? ANY_DATABASE_SETTING;
}

export const DEFAULT_DATABASE = './tecsalud-batch.db';

/**
 * The one place that turns the configured database (`--db` > TECSALUD_DB > the config file's `db`, resolved
 * by config/load-config) into a backend; absent, ./tecsalud-batch.db. Accepted:
 * `PATH`, `sqlite:PATH`, `sqlite://PATH`, `:memory:`, `postgres://…`, `postgresql://…`.
 */
export function resolveDatabaseTarget(
  value: string | undefined,
  options: { cwd: string; setting?: string | undefined },
): DatabaseTarget {
  const named = options.setting === undefined ? {} : { setting: options.setting };
  const setting = databaseSettingName(named);
  const raw = (value ?? DEFAULT_DATABASE).trim();
  if (raw === '')
    throw new UsageError(`${setting} is empty`, 'give the database: PATH, sqlite:PATH or postgres://…');
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    refuseIncompletePostgresUrl(raw, setting);
    return { kind: 'postgres', connectionString: raw, display: redactConnectionString(raw), ...named };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^sqlite:/i.test(raw) && !/^file:/i.test(raw)) {
    throw new UsageError(
      `unsupported database URL '${redactConnectionString(raw)}' in ${setting}`,
      'use a file path, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    );
  }
  const withoutScheme = raw.replace(/^(sqlite|file):(\/\/)?/i, '');
  // `sqlite:` with its path left out (an unset variable after it): not the working folder, not a file named ''.
  if (withoutScheme.trim() === '') {
    throw new UsageError(
      `${setting} is '${raw}', with no database file after it`,
      `write the file's path after it, e.g. sqlite:${DEFAULT_DATABASE}, or the path alone`,
    );
  }
  if (withoutScheme === ':memory:')
    return { kind: 'sqlite', path: ':memory:', display: ':memory:', ...named };
  // `--db data/` names a folder: path.resolve would drop the slash and make a file called `data`.
  const found = fs.statSync(path.resolve(options.cwd, withoutScheme), { throwIfNoEntry: false });
  if (/[\\/]$/.test(withoutScheme) || found?.isDirectory()) {
    throw new UsageError(
      `the database '${withoutScheme}' names a folder, not a file`,
      `give the database file's path in ${setting}, e.g. ${path.join(withoutScheme, 'tecsalud-batch.db')}`,
    );
  }
  // A pipe, socket or device: SQLite answered "disk I/O error", which sends the reader after the disk.
  if (found !== undefined && !found.isFile()) {
    throw new UsageError(
      `the database '${withoutScheme}' is ${specialFileKind(found)}, not a file`,
      `give the database file's path in ${setting}`,
    );
  }
  const absolute = path.resolve(options.cwd, withoutScheme);
  return { kind: 'sqlite', path: absolute, display: absolute, ...named };
}

/** A PostgreSQL URL to copy: a server, and a local socket. */
export const POSTGRES_URL_EXAMPLE =
  'postgres://tecsalud:PASSWORD@db.hospital.local:5432/tecsalud (a local socket: postgres:///tecsalud?host=/var/run/postgresql)';

/**
 * A `postgres://` URL without a host or a database name (`postgres://`, `postgresql:///`, `postgres://db:5432`,
 * an unset variable inside it) is refused before anything connects: node-postgres would fill the gaps with
 * its defaults (a socket or localhost:5432, a database named after the user) and fail, or worse succeed,
 * somewhere nobody configured. The host may be given as `?host=` (a socket folder), as libpq allows.
 */
function refuseIncompletePostgresUrl(raw: string, setting: string): void {
  let host: string;
  let database: string;
  try {
    const url = new URL(raw);
    host = url.hostname || (url.searchParams.get('host') ?? '');
    database = url.pathname.replace(/^\//, '');
  } catch {
    // WHATWG URL refuses an empty host after a user (`postgres://user@/`); read the parts by hand. Anything
    // else that does not parse is postgresConnectionConfig's to explain (an unencoded @ or / in a password).
    const parts = /^postgres(?:ql)?:\/\/(?:[^/?#@]*@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i.exec(raw);
    if (!parts) return;
    host = parts[1] || (new URLSearchParams(parts[3] ?? '').get('host') ?? '');
    database = parts[2] ?? '';
  }
  const missing = [
    host.trim() === '' ? 'no host' : null,
    database.trim() === '' ? 'no database name' : null,
  ].filter((part): part is string => part !== null);
  if (missing.length === 0) return;
  throw new UsageError(
    `the PostgreSQL URL in ${setting} ('${redactConnectionString(raw)}') has ${missing.join(' and ')}`,
    `write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, e.g. ${POSTGRES_URL_EXAMPLE}`,
  );
}
