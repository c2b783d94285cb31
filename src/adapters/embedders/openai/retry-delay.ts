export interface BackoffOptions {
  /** First delay before jitter (ms). */
  baseMs: number;
  /** No single wait is longer, whatever the server asks (ms). */
  maxMs: number;
}

/**
 * How long the server asked us to wait: `retry-after-ms` (Azure, OpenAI), else `retry-after` in
 * seconds or as an HTTP date. Null when it did not say.
 */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (1-based): what the server asked for when it said, else
 * exponential backoff with jitter, half of it random (so that clients turned away together do not return
 * together); capped at `maxMs` either way.
 */
export function retryDelayMs(
  attempt: number,
  askedMs: number | null,
  options: BackoffOptions,
  random = Math.random,
): number {
  if (askedMs !== null) return Math.min(askedMs, options.maxMs);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
