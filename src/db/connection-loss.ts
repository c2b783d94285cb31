import { describeError } from '../core/text/describe-error.js';
import { isTlsCode, unreachableCode } from '../core/text/network-error-code.js';
import { ServiceUnavailableError } from '../errors.js';
import type { DatabaseTarget } from './database-url.js';
import { readPostgresUrl } from './postgres-config.js';
import { storageRefused } from './storage-errors.js';

/** Node's codes for a server that cannot be reached, or a connection that broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL's SQLSTATEs for a session the server ended or would not start: class 08 (connection
 * exception), 57P01 admin_shutdown (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up), 57P05 idle_session_timeout, 53300 too_many_connections.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);

/** node-postgres's own messages for a connection that is gone (it gives them no code). */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout expired$/,
  /is not queryable$/,
  // kysely's, for a connection whose rollback failed (it marks it discarded): the connection went first.
  /^Postgres connection has been discarded$/,
  /^Query read timeout$/,
  // pg-pool, when no connection came free in time: every one hangs on a server that stopped answering.
  /^timeout exceeded when trying to connect$/,
];

/** Whether a PostgreSQL error says the connection (not the statement) failed: the server is gone or went away. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))
  ) {
    return true;
  }
  if (DRIVER_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // Aggregate (several addresses tried) or wrapped.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.some(isConnectionLoss)) return true;
  return isConnectionLoss((error as { cause?: unknown }).cause);
}

/** boundQueries' words for a statement the server never answered. */
const NO_ANSWER = /^the server did not answer within /;

/** The error a person reads for a PostgreSQL server that could not be reached or dropped the connection. */
export function postgresUnavailable(
  error: unknown,
  target: DatabaseTarget,
  when: 'reach' | 'lost',
): ServiceUnavailableError {
  const reason = describeError(error).split('\n')[0];
  const code = unreachableCode(error);
  const tls = code !== null && isTlsCode(code);
  const noAnswer = NO_ANSWER.test(reason ?? '');
  return when === 'reach'
    ? new ServiceUnavailableError(
        `cannot reach the PostgreSQL database ${target.display}: ${reason}`,
        noAnswer
          ? // Connected, then silent (the migrator's first statements): the URL and password were good.
            'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
              'same command again (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)'
          : tls
            ? "the server's TLS certificate was not accepted: give the CA that signed it as sslrootcert=CA.pem in the URL, " +
              'and name the host as the certificate does (sslmode=require encrypts without checking: not for a network you do not trust)'
            : 'check that the server is running and the URL, user and password are right',
      )
    : new ServiceUnavailableError(
        `lost the connection to the PostgreSQL database ${target.display}: ${reason}`,
        noAnswer
          ? 'the server stopped answering (frozen, overloaded, or the network to it dropped); check it, then run the ' +
              'same command again: files not done are taken up then (TECSALUD_DB_TIMEOUT sets how long to wait, in seconds)'
          : 'check the server (a restart, a shutdown, an administrator ending sessions, idle_session_timeout); ' +
              'run the same command again once it is back: files not done are taken up then',
      );
}

/**
 * node-postgres's words (it gives them no code) when the URL's sslmode asks for TLS and the server answers that
 * it has none: the server's setting or the URL's to change, not a server that is down.
 */
const TLS_NOT_OFFERED = /^The server does not support SSL connections$/;

function tlsNotOffered(error: unknown): boolean {
  return error instanceof Error && TLS_NOT_OFFERED.test(error.message);
}

/**
 * PostgreSQL's SQLSTATEs for a connection the server turned away: no such database, or who is asking; and a
 * server that offers no TLS to a URL that asks for it.
 */
export function isConnectionRefusal(error: unknown): boolean {
  if (tlsNotOffered(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === '3D000' || (typeof code === 'string' && code.startsWith('28'));
}

/**
 * The error a person reads for a server that answered and turned the connection away: a database name it
 * does not have, a wrong password, a user it does not know or may not let in from here. Null for another
 * error. Still 69 (a backend refused us, as a 401 is), with the fix in the hint rather than "is it running?".
 */
export function postgresRefusal(error: unknown, target: DatabaseTarget): ServiceUnavailableError | null {
  if (!isConnectionRefusal(error)) return null;
  if (tlsNotOffered(error)) {
    return new ServiceUnavailableError(
      `the PostgreSQL server of ${target.display} does not accept encrypted (TLS) connections, which the URL's sslmode asks for`,
      'turn TLS on at the server (ssl = on in postgresql.conf, with its certificate and key), or remove sslmode from the URL ' +
        'only where the connection does not cross a network (a Unix socket, the same machine)',
    );
  }
  const code = (error as { code: string }).code;
  const reason = describeError(error).split('\n')[0];
  const url = target.kind === 'postgres' ? readPostgresUrl(target.connectionString) : null;
  if (code === '3D000') {
    const name = url ? decodeURIComponent(url.pathname.replace(/^\//, '')) : '';
    return new ServiceUnavailableError(
      `the PostgreSQL server of ${target.display} has no database named '${name}'`,
      'correct the database name at the end of the URL, or create the database first (`createdb NAME`, or `CREATE DATABASE` as an administrator)',
    );
  }
  if (code === '28P01') {
    const user = url?.username ? decodeURIComponent(url.username) : '';
    return new ServiceUnavailableError(
      `the PostgreSQL server of ${target.display} refused the password of user '${user}'`,
      'correct the password in the URL (postgres://USER:PASSWORD@HOST/DB, special characters %-encoded) or in PGPASSWORD',
    );
  }
  return new ServiceUnavailableError(
    // The server's own words (its language is the server's) in parentheses.
    `the PostgreSQL server of ${target.display} refused the connection (${reason})`,
    "check the user name in the URL, and that the server's pg_hba.conf lets that user connect to that database from this machine",
  );
}

/**
 * The service-down error a run stops with, or null when `error` is something else: a backend that is down
 * (already a ServiceUnavailableError), a PostgreSQL connection that was lost or turned away, or a database whose storage
 * refused a write (a full disk, a lock another program keeps, a failed disk).
 */
export function serviceDown(
  error: unknown,
  database: { target: DatabaseTarget },
): ServiceUnavailableError | null {
  if (error instanceof ServiceUnavailableError) return error;
  if (database.target.kind === 'postgres' && isConnectionRefusal(error))
    return postgresRefusal(error, database.target);
  // A certificate refused has no connection-loss code (UNABLE_TO_VERIFY_LEAF_SIGNATURE…), yet the server was
  // never reached: doctor's first query, on a pool opened without migrating, meets it here.
  if (database.target.kind === 'postgres' && (isConnectionLoss(error) || unreachableCode(error))) {
    // A connection that was never made (refused, no such host, a certificate refused, a server that never
    // answered the connect) is not a lost one.
    return postgresUnavailable(
      error,
      database.target,
      unreachableCode(error) || neverAnswered(error) ? 'reach' : 'lost',
    );
  }
  return storageRefused(error, database.target);
}

/** pg's and pg-pool's words for a connect that timed out: the server took the connection and never answered. */
function neverAnswered(error: unknown): boolean {
  return (
    error instanceof Error &&
    /^timeout expired$|due to connection timeout|timeout exceeded when trying to connect/.test(error.message)
  );
}

/** Waits between attempts when the server went away: about 10 s in all, enough for a restart. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000];
/**
 * And no attempt starts this long after the first failure: against a server that takes connections and never
 * answers, each attempt waits out the 10 s connect timeout, and six of them kept a run a minute from stopping.
 */
const RECONNECT_WINDOW_MS = 20_000;

/**
 * Runs `work`, which must be safe to repeat, and runs it again on a new connection while PostgreSQL is
 * coming back (a restart drops every connection; the pool opens new ones). Any other error, or a server
 * still gone after ~10 s, throws (a lost connection as ServiceUnavailableError).
 */
export async function retryWhileReconnecting<T>(
  database: { target: DatabaseTarget },
  work: () => Promise<T>,
  delaysMs: readonly number[] = RECONNECT_DELAYS_MS,
): Promise<T> {
  let firstFailure: number | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (database.target.kind !== 'postgres' || !isConnectionLoss(error)) throw error;
      firstFailure ??= Date.now();
      const over = Date.now() - firstFailure + delaysMs[attempt]! > RECONNECT_WINDOW_MS;
      if (attempt >= delaysMs.length || over) throw serviceDown(error, database) ?? error;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}
