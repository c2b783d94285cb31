import path from 'node:path';
import { runGoneNote, runOnAnotherHostNote } from '../core/pipeline/session-notes.js';
import type { OpenDatabase } from '../db/open-database.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { readRunLockState } from '../ingest/run-lock.js';

/**
 * A folder's session as `status` and `sessions` show it: one still recorded as running whose run is gone (a
 * `kill -9`, a crash, a machine that rebooted) is shown `interrupted`, with how to resume it — a monitor
 * reading `processing` would wait for a run that will never finish it.
 *
 * Only shown, never written: the files' recorded states stay the truth (DECISIONS 2), a reading command
 * may run with read-only access, and a run taking the folder over at this moment resumes the session (a
 * write here could close it under that run). The next `ingest DIR` resumes it whatever it is shown as.
 *
 * Only a session driven by a folder's run lock (`ingest DIR`) is judged by it: a session on the job queue
 * (`ingest --enqueue`, `serve` with workers) or uploaded through `serve` is processed without one.
 * `known.onQueue` spares the lookup for a caller that has just made it (`sessions` lists many).
 */
export async function asSeenNow(
  database: OpenDatabase,
  session: BatchUpload,
  known: { onQueue?: boolean } = {},
): Promise<BatchUpload> {
  if (session.status !== 'pending' && session.status !== 'processing') return session;
  if (isUploadSession(session)) return session;
  const onQueue = known.onQueue ?? (await new QueueRepository(database.db).isQueueSession(session.id));
  if (onQueue) return session;
  const lock = await readRunLockState(database, session.sourceDir);
  // A lock taken on another host cannot be checked from here: the session may well be running there. It is
  // shown as recorded, with whose run it waits for and what to do if that machine is gone.
  if (lock.state === 'unknown')
    return { ...session, errorMessage: runOnAnotherHostNote(session.sourceDir, lock.holder) };
  if (lock.state !== 'gone') return session;
  return {
    ...session,
    status: 'interrupted',
    errorMessage: runGoneNote(session.sourceDir, lock.holder ?? undefined),
  };
}

/** `serve` keeps a session's uploads in a folder named by the session's id (see UploadStore). */
function isUploadSession(session: Pick<BatchUpload, 'id' | 'sourceDir'>): boolean {
  return path.basename(session.sourceDir) === session.id;
}
