import os from 'node:os';
import type { QueueWorker } from '../db/schema.js';
import { processStillRuns } from '../ingest/run-lock.js';

/** A worker reports every 10 s; one silent this long is no longer shown running by `status`. */
export const WORKER_SILENT_AFTER_MS = 60_000;

/**
 * Silent this long (on another host: a clock a little off, a connection that stalls a while), a worker is
 * taken for gone and its jobs are handed on. A worker wrongly taken for gone costs a file processed twice,
 * which the content-derived ids make harmless (as a --job-timeout that runs out does).
 */
export const WORKER_GONE_AFTER_MS = 180_000;

/**
 * Whether a worker still runs: it has not said it stopped, it reported within `silentAfterMs`, and, on this
 * host, its process is still there (a worker of this host killed a moment ago is gone at once).
 */
export function workerRunning(
  worker: QueueWorker,
  {
    silentAfterMs,
    now = Date.now(),
    host = os.hostname(),
  }: { silentAfterMs: number; now?: number; host?: string },
): boolean {
  return (
    worker.stoppedAt === null &&
    Date.parse(worker.lastSeenAt) >= now - silentAfterMs &&
    (worker.host !== host || processStillRuns(worker))
  );
}
