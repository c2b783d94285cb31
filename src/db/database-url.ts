import fs from 'node:fs';
import path from 'node:path';
import { redactConnectionString } from '../core/text/redact-connection-string.js';
import { UsageError } from '../errors.js';

export { redactConnectionString };

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; display: string };

export const DEFAULT_DATABASE = './tecsalud-batch.db';

/**
 * The one place that turns the configured database (`--db` > TECSALUD_DB > the config file's `db`, resolved
 * by config/load-config) into a backend; absent, ./tecsalud-batch.db. Accepted:
 * `PATH`, `sqlite:PATH`, `sqlite://PATH`, `:memory:`, `postgres://…`, `postgresql://…`.
 */
export function resolveDatabaseTarget(value: string | undefined, options: { cwd: string }): DatabaseTarget {
  const raw = (value ?? DEFAULT_DATABASE).trim();
  if (raw === '') throw new UsageError('the database location is empty', 'pass --db PATH or --db postgres://…');
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    return { kind: 'postgres', connectionString: raw, display: redactConnectionString(raw) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^sqlite:/i.test(raw) && !/^file:/i.test(raw)) {
    throw new UsageError(
      `unsupported database URL '${redactConnectionString(raw)}'`,
      'use a file path, sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    );
  }
  const withoutScheme = raw.replace(/^(sqlite|file):(\/\/)?/i, '');
  if (withoutScheme === ':memory:') return { kind: 'sqlite', path: ':memory:', display: ':memory:' };
  // `--db data/` names a folder: path.resolve would drop the slash and make a file called `data`.
  if (/[\\/]$/.test(withoutScheme) || fs.statSync(path.resolve(options.cwd, withoutScheme), { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(
      `the database '${withoutScheme}' names a folder, not a file`,
      `give the database file's path, e.g. --db ${path.join(withoutScheme, 'tecsalud-batch.db')}`,
    );
  }
  const absolute = path.resolve(options.cwd, withoutScheme);
  return { kind: 'sqlite', path: absolute, display: absolute };
}
