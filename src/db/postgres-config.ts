import type { ClientConfig } from 'pg';
import { describeError } from '../core/text/describe-error.js';
import { UsageError } from '../errors.js';

/** How a connection string asks for TLS, as `doctor` reports it. */
export type PostgresTlsMode =
  /** No TLS asked for (no sslmode, or sslmode=disable): plain TCP. */
  | 'off'
  /** Encrypted, the server's certificate not checked (libpq's sslmode=require / prefer). */
  | 'encrypted'
  /** Encrypted, the certificate checked against the CA, not the host name (verify-ca; require + sslrootcert). */
  | 'verify-ca'
  /** Encrypted, the certificate checked against the CA and the host name (verify-full; sslrootcert=system). */
  | 'verify-full';

export interface PostgresConnectionConfig {
  /** node-postgres's client settings: host, port, user, password, database, ssl and the rest of the URL. */
  client: ClientConfig;
  tls: PostgresTlsMode;
}

/**
 * The one place that reads a `postgres://` connection string into node-postgres settings, for every pool and
 * client the tool opens (the registry's pool, the run lock's connection, and any later pool such as a job
 * queue's): give them all `client`, and they connect the same way.
 *
 * `sslmode` means what it means to libpq and psql: `require` (and `prefer`) encrypt without checking the
 * certificate, `verify-ca` checks it against `sslrootcert`, `verify-full` checks the host name too, and
 * `require` with `sslrootcert` checks like `verify-ca`. node-postgres 8 reads `require` as `verify-full`
 * unless asked for libpq's meaning, which we do. Unlike libpq, `prefer` and `allow` do not fall back to
 * plain TCP: a server without TLS refuses them. `sslrootcert=system` uses the system's certificate
 * authorities and verifies fully, as libpq 16 does.
 */
export async function postgresConnectionConfig(
  connectionString: string,
  /** Where the URL was configured (`TECSALUD_DB`…), for the message about one that cannot be read. */
  setting = 'the database URL',
): Promise<PostgresConnectionConfig> {
  const { parse, toClientConfig } = await import('pg-connection-string');
  const url = readPostgresUrl(connectionString);
  if (!url) {
    // Not echoed: a URL that does not parse is often one whose password holds an unencoded @ or /, which
    // redaction cannot then find the end of.
    throw new UsageError(
      `${setting} is not a valid postgres:// URL`,
      'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, with special characters in the password %-encoded',
    );
  }
  const params = url.searchParams;
  const systemCa = params.get('sslrootcert') === 'system';
  if (systemCa) {
    params.delete('sslrootcert');
    params.set('sslmode', 'verify-full');
  }
  // A URL that says which semantics it wants keeps them (pg-connection-string refuses both at once).
  const explicitCompat = params.has('uselibpqcompat');
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(url.toString(), explicitCompat ? {} : { useLibpqCompat: true });
  } catch (error) {
    throw tlsSettingError(error);
  }
  const client = toClientConfig(parsed);
  return { client, tls: tlsMode(client.ssl) };
}

/**
 * The URL, or null when it does not parse. libpq's socket form with a user, `postgres://USER:PASSWORD@/DB?host=/dir`,
 * is one WHATWG URL refuses (credentials need a host): the host is the `host` parameter, so a placeholder
 * stands in the empty one, as pg-connection-string itself does (the parameter overrides it).
 */
export function readPostgresUrl(connectionString: string): URL | null {
  try {
    return new URL(connectionString);
  } catch {
    if (!/^postgres(?:ql)?:\/\/[^/?#@]*@\//i.test(connectionString)) return null;
    try {
      const url = new URL(connectionString.replace('@/', '@localhost/'));
      return url.searchParams.get('host') ? url : null;
    } catch {
      return null;
    }
  }
}

/**
 * The host a connection string connects to, as node-postgres reads it (the `host` parameter wins over the
 * URL's host; a folder is a Unix socket); '' when it names none, null when it does not parse.
 */
export function postgresHost(connectionString: string): string | null {
  const url = readPostgresUrl(connectionString);
  if (!url) return null;
  return url.searchParams.get('host') ?? url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function tlsMode(ssl: ClientConfig['ssl']): PostgresTlsMode {
  if (!ssl) return 'off';
  if (ssl === true) return 'verify-full';
  if (ssl.rejectUnauthorized === false) return 'encrypted';
  if (ssl.checkServerIdentity) return 'verify-ca';
  return 'verify-full';
}

/** A certificate file that cannot be read, or a mode that needs one: the configuration's to fix (64). */
function tlsSettingError(error: unknown): UsageError {
  const code = (error as { code?: unknown }).code;
  const path = (error as { path?: unknown }).path;
  if (typeof code === 'string' && typeof path === 'string') {
    return new UsageError(
      `cannot read the TLS file '${path}' named in the database URL: ${describeError(error)}`,
      'check sslrootcert, sslcert and sslkey in the postgres:// URL: each must be a file this user can read',
    );
  }
  const message = describeError(error)
    .replace(/^SECURITY WARNING: /, '')
    .split('. ')[0];
  return new UsageError(
    `the database URL's TLS settings cannot be used: ${message}`,
    'sslmode=verify-ca needs sslrootcert=CA.pem; or use sslmode=require (encrypted, not verified) or verify-full',
  );
}
