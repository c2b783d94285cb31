import { serviceDown } from '../db/connection-loss.js';
import type { DatabaseTarget } from '../db/database-url.js';
import { ServiceUnavailableError } from '../errors.js';

/** Network failures: the service is away, not the file at fault. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** PostgreSQL errors that say the server (not the statement) is the problem. */
const SERVER_AWAY_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
];

/**
 * Whether an error that stopped a file says a backend is down (the database, the vector store, the
 * embedder: refused, unreachable, timing out, shutting down) rather than something about the file. A
 * worker puts such a file's job back and pauses; it never fails the file for it.
 */
export function isServiceDown(error: unknown): boolean {
  return causesOf(error).some((current) => {
    if (current instanceof ServiceUnavailableError) return true;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SERVER_AWAY_SQLSTATES.has(code) || code.startsWith('08')) return true;
    }
    return typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/**
 * The error that says which backend is down and what to check, with its hint: a ServiceUnavailableError the error
 * is or wraps, else the database's for a bare driver error in the chain (pg's "read ECONNRESET" names no one). The
 * vector store's and the embedder's adapters turn every failure to reach them into a ServiceUnavailableError that
 * names them and their URL, so a bare connection error, wherever a file's steps met it, is the database's: the
 * same reading as `ingest`'s stop. Null for an error no backend's words explain.
 */
export function namedOutage(
  error: unknown,
  database: { target: DatabaseTarget },
): ServiceUnavailableError | null {
  const chain = causesOf(error);
  const named = chain.find(
    (current): current is ServiceUnavailableError => current instanceof ServiceUnavailableError,
  );
  if (named) return named;
  for (const current of chain) {
    const down = serviceDown(current, database);
    if (down) return down;
  }
  return null;
}

/** The error and those it wraps, outermost first (the ingest's steps hand a file over as FileNotFinished, its error in `reason`). */
function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    chain.push(current);
    const { cause, reason } = current as { cause?: unknown; reason?: unknown };
    current = cause ?? reason;
  }
  return chain;
}
