import { setTimeout as sleep } from 'node:timers/promises';
import { emptyTotals } from '../core/pipeline/events.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import { settleQueueSession } from '../queue/finish-queue-session.js';
import type { ProcessSessionResult } from './process-session.js';
import type { AuditActor } from '../db/repositories/audit-repository.js';

/** The first look comes soon (a small session is done in seconds); later ones back off to this bound. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

/**
 * Waits until every file of a session handed to the queue is final, reading the files' rows (the truth:
 * workers on other machines write them), and answers as a run would, with the counts from those rows.
 * The signal (a server stopping) ends the wait at once with `interrupted`: the workers go on with the
 * files, and the session's status follows them.
 */
export async function waitForQueuedSession(
  database: OpenDatabase,
  sessionId: string,
  options: { actor: AuditActor; signal?: AbortSignal },
): Promise<ProcessSessionResult> {
  const started = Date.now();
  const queue = new QueueRepository(database.db);
  let interval = FIRST_POLL_MS;
  let interrupted = false;
  for (;;) {
    const { unfinished } = await queue.countsFromFiles(sessionId);
    if (unfinished === 0) {
      // The worker that finished the last file closes the session; closing it here too is harmless (one wins).
      await settleQueueSession(database, sessionId, options.actor);
      break;
    }
    try {
      await sleep(interval, undefined, { signal: options.signal });
    } catch {
      interrupted = true;
      break;
    }
    interval = Math.min(interval * 2, MAX_POLL_MS);
  }
  const session = await new BatchRepository(database.db).findSession(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  const { unfinished: _left, ...counts } = await queue.countsFromFiles(sessionId);
  return {
    session: { ...session, ...counts },
    status: session.status,
    totals: { ...emptyTotals(), ...counts },
    seconds: (Date.now() - started) / 1000,
    interrupted,
    stopped: null,
    resumed: false,
    files: [],
    stageSeconds: {},
  };
}
