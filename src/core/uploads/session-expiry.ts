/**
 * How long an upload session nobody processed is kept after it last took a file (or was created, holding
 * none): three days, so that files uploaded on a Friday evening and processed on Monday are still there, while
 * a client that gave up does not leave patient data on disk for ever. `--session-expiry` of `serve` and `cleanup` (config serve.sessionExpiry) changes it.
 */
export const DEFAULT_SESSION_EXPIRY_MS = 72 * 3_600_000;

/** An expiry as people write it: `72 h`, `90 min`. */
export function describeExpiry(expiryMs: number): string {
  const minutes = Math.round(expiryMs / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}
