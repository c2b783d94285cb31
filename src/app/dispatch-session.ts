import type { BackendConfig } from '../config/load-config.js';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../core/queue/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { enqueueRegisteredSession, type EnqueuedSession } from '../queue/enqueue-session.js';
import { JobQueue } from '../queue/job-queue.js';
import type { AuditActor } from '../db/repositories/audit-repository.js';

/**
 * Whether a session's files go to the workers rather than being processed by the process that registered
 * them: the configuration's `queue.enabled`, on a PostgreSQL registry (the queue lives there).
 *
 * The seam for `serve`: its "process a session" call asks this first, and when it says yes hands the
 * session to `dispatchSessionToQueue` instead of running the files itself; `status` then follows the
 * workers' progress from the files' rows.
 */
export function sessionsGoToQueue(backends: BackendConfig, database: Pick<OpenDatabase, 'dialect'>): boolean {
  return backends.queue.enabled && database.dialect === 'postgres';
}

/**
 * Puts a registered session's unfinished files on the queue (one job each) and returns at once; the
 * session stays `processing` until the workers have brought every file to a final state.
 */
export async function dispatchSessionToQueue(
  database: OpenDatabase,
  backends: BackendConfig,
  sessionId: string,
  options: { actor: AuditActor; jobTimeoutSeconds?: number },
): Promise<EnqueuedSession> {
  const queue = await JobQueue.open(database, { ...backends.queue, supervise: false });
  try {
    return await enqueueRegisteredSession(database, queue, sessionId, {
      actor: options.actor,
      timeoutSeconds: options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
    });
  } finally {
    await queue.close();
  }
}
