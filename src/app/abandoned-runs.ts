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
 * `known.onQueue` spares the lookup for a caller that has just made it (`sessions` lists many). `known.sqlitePath`,
 * the database file the caller read, is named in the note's commands (see commandDatabase).
 */
export async function asSeenNow(
  database: OpenDatabase,
  session: BatchUpload,
  known: { onQueue?: boolean; sqlitePath?: string | undefined } = {},
): Promise<BatchUpload> {
  if (session.status !== 'pending' && session.status !== 'processing') return session;
  if (isUploadSession(session)) return session;
  const onQueue = known.onQueue ?? (await new QueueRepository(database.db).isQueueSession(session.id));
  if (onQueue) return session;
  const lock = await readRunLockState(database, session.sourceDir);
  // A lock taken on another host cannot be checked from here: the session may well be running there. It is
  // shown as recorded, with whose run it waits for and what to do if that machine is gone.
  if (lock.state === 'unknown')
    return {
      ...session,
      errorMessage: runOnAnotherHostNote(session.sourceDir, lock.holder, known.sqlitePath),
    };
  if (lock.state !== 'gone') return session;
  return {
    ...session,
    status: 'interrupted',
    errorMessage: runGoneNote(session.sourceDir, lock.holder ?? undefined, known.sqlitePath),
  };
}

/**
 * The SQLite file a command line read, for the commands a note tells a person to run: run from another folder,
 * or a shell without the cron line's TECSALUD_DB, `ingest DIR` alone would start an empty registry there.
 */
export function commandDatabase(database: Pick<OpenDatabase, 'target'>): string | undefined {
  const { target } = database;
  return target.kind === 'sqlite' && target.path !== ':memory:' ? target.path : undefined;
}

/** `serve` keeps a session's uploads in a folder named by the session's id (see UploadStore). */
function isUploadSession(session: Pick<BatchUpload, 'id' | 'sourceDir'>): boolean {
  return path.basename(session.sourceDir) === session.id;
}
