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
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof ServiceUnavailableError) return true;
    const { code, message, cause, reason } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      reason?: unknown;
    };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SERVER_AWAY_SQLSTATES.has(code) || code.startsWith('08')) return true;
    }
    if (typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    // The ingest's steps hand a file they could not finish over as FileNotFinished, its error in `reason`.
    current = cause ?? reason;
  }
  return false;
}
