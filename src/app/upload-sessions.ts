import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchFile, BatchUpload, ProcessingType } from '../db/schema.js';
import { sessionOptionsOf } from '../ingest/open-session.js';
import { readRunLockState } from '../ingest/run-lock.js';
import { isFinal } from '../ingest/run-session.js';
import type { IngestSessionOptions } from './ingest-session.js';
import type { UploadStore } from './upload-store.js';
import { sessionAuditActor } from '../db/session-options.js';

/** A file received whole by the HTTP API, still under its temporary name. */
export interface ReceivedUpload {
  incomingPath: string;
  /** The client's filename, sanitised (no path, no control characters): what is parsed and shown. */
  filename: string;
  size: number;
}

export type UploadRefusal = 'duplicate_name' | 'session_full';

export type RegisterResult =
  | {
      ok: true;
      registered: { upload: ReceivedUpload; file: BatchFile }[];
      refused: { upload: ReceivedUpload; reason: UploadRefusal; message: string }[];
      /** Files in the session after this upload. */
      sessionFiles: number;
    }
  | { ok: false; reason: 'not_found' | 'not_open'; session?: BatchUpload };

export interface UploadSessionRequest {
  processingType: ProcessingType;
  uploadedBy: string;
  /** The name of the API token creating it: its processing's audit entries name it (see sessionAuditActor). */
  token: string;
  /** The server's pipeline settings (the same flags as `ingest`): the session records them, as a run does. */
  defaults: IngestSessionOptions;
  /** The API's limits, which a session records instead of ingest's --max-file-size and --max-files. */
  limits: { maxFileSize: number; maxFilesPerSession: number };
  collection: string;
}

/**
 * Creates a session for uploads: its folder under the upload directory, owner-only, and its settings recorded
 * the way a folder's run records them, so that processing, reviews and cleanup read them alike.
 */
export async function createUploadSession(
  database: OpenDatabase,
  store: UploadStore,
  request: UploadSessionRequest,
): Promise<BatchUpload> {
  const { defaults, limits } = request;
  const options = sessionOptionsOf(
    // An upload session has no pattern, forces nothing and moves no file: uploads stay in its folder until cleanup.
    {
      ...defaults,
      maxFileSize: limits.maxFileSize,
      maxFiles: limits.maxFilesPerSession,
      glob: undefined,
      force: false,
      client: 'api',
      archiveDir: undefined,
      quarantineDir: undefined,
    },
    // The embedder is opened when the session is processed, not now: the session records none, as before.
    { collection: request.collection, embedder: null, extractor: { name: defaults.extractor } },
  );
  const id = randomUUID();
  await store.ensureSessionDir(id);
  return new BatchRepository(database.db).createSession({
    id,
    sourceDir: store.sessionDir(id),
    processingType: request.processingType,
    uploadedBy: request.uploadedBy,
    options: { ...options, api_token: request.token },
  });
}

export async function findSession(
  database: OpenDatabase,
  sessionId: string,
): Promise<BatchUpload | undefined> {
  return new BatchRepository(database.db).findSession(sessionId);
}

export async function listSessionFiles(database: OpenDatabase, sessionId: string): Promise<BatchFile[]> {
  return new BatchRepository(database.db).listFiles(sessionId);
}

/**
 * The session with its uploaded files counted: until a run counts them, `totalFiles` is 0 while the session
 * holds files, and the answers say how many it holds, as the status does.
 */
export async function withUploadsCounted(database: OpenDatabase, session: BatchUpload): Promise<BatchUpload> {
  const files = await new BatchRepository(database.db).countFiles(session.id);
  return { ...session, totalFiles: Math.max(session.totalFiles, files) };
}

/**
 * The session has been processed and nothing is left to do: closed, and every file of it final. Processing it again
 * would start nothing (runSessionFiles finds the same and changes nothing). A session closed with files left (a run
 * that failed before it could take them) is not finished: processing it again takes them.
 */
export async function isSessionFinished(
  database: OpenDatabase,
  session: Pick<BatchUpload, 'id' | 'status'>,
): Promise<boolean> {
  if (session.status === 'pending' || session.status === 'processing') return false;
  return (await listSessionFiles(database, session.id)).every(isFinal);
}

export async function listSessionReviews(database: OpenDatabase, sessionId: string): Promise<BatchFile[]> {
  return new BatchRepository(database.db).pendingReviews(sessionId);
}

/**
 * Whether the session still takes files: it has not been processed, or its processing failed before it
 * started (a backend down at start: nothing was taken, the session is recorded `failed` and processed again
 * later, see recordSessionStartFailure).
 */
export function takesUploads(session: Pick<BatchUpload, 'status' | 'startedAt'>): boolean {
  return session.status === 'pending' || (session.status === 'failed' && session.startedAt === null);
}

/**
 * Records that processing the session stopped before the run could close it (a backend refused at start):
 * `failed`, with the message, when it is still `pending` or `processing` — a run that closed it itself is not
 * overwritten. Its files are left as they are: the next process call takes those not final. Returns whether
 * the session was changed (and then audited, as a stopped run is).
 */
export async function recordSessionStartFailure(
  database: OpenDatabase,
  sessionId: string,
  message: string,
): Promise<boolean> {
  const result = await database.db
    .updateTable('batchUploads')
    .set({ status: 'failed', errorMessage: message, completedAt: new Date().toISOString() })
    .where('id', '=', sessionId)
    .where('status', 'in', ['pending', 'processing'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  const session = await findSession(database, sessionId);
  await new AuditRepository(database.db).record({
    ...(session ? sessionAuditActor(session) : { actor: 'server' }),
    action: 'session_stopped',
    batchId: sessionId,
    entityType: 'batch_upload',
    entityId: sessionId,
    details: { status: 'failed', error: message },
  });
  return true;
}

/**
 * Sessions whose processing a stopped server left unfinished (status `processing`), not those another running
 * server sharing the registry is processing now (it holds the session's lock): a server restarted beside it
 * would otherwise say it resumes them, and only find them locked.
 */
export async function sessionsLeftProcessing(
  database: OpenDatabase,
  store: UploadStore,
): Promise<BatchUpload[]> {
  const sessions = await new BatchRepository(database.db).listSessions(10_000);
  const left: BatchUpload[] = [];
  for (const session of sessions) {
    if (session.status !== 'processing' || !store.holds(session)) continue;
    if ((await readRunLockState(database, store.sessionDir(session.id))).state === 'held') continue;
    left.push(session);
  }
  return left;
}

/** One registration at a time per session, so that the file limit and the unique names hold under concurrent uploads. */
const registering = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = registering.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  registering.set(key, settled);
  void settled.then(() => {
    if (registering.get(key) === settled) registering.delete(key);
  });
  return next;
}

/**
 * Registers the files of one upload request as pending files of the session, all together: each is moved
 * from its temporary name to its place, then all are recorded at once. A file whose name the session
 * already holds, or over the session's file limit, is refused (and deleted). Only a session that has not
 * started processing takes files; `isOpen` lets the caller veto too (a process call it is starting).
 */
export async function registerUploads(
  database: OpenDatabase,
  store: UploadStore,
  sessionId: string,
  uploads: ReceivedUpload[],
  limits: { maxFilesPerSession: number; isOpen?: () => boolean },
): Promise<RegisterResult> {
  return serialized(sessionId, async () => {
    const batches = new BatchRepository(database.db);
    const session = await batches.findSession(sessionId);
    if (!session) return { ok: false, reason: 'not_found' };
    if (!takesUploads(session) || limits.isOpen?.() === false)
      return { ok: false, reason: 'not_open', session };
    const existing = await batches.listFiles(sessionId);
    const names = new Set(existing.map((file) => file.relativePath));
    const accepted: ReceivedUpload[] = [];
    const refused: Extract<RegisterResult, { ok: true }>['refused'] = [];
    for (const upload of uploads) {
      if (names.has(upload.filename)) {
        refused.push({
          upload,
          reason: 'duplicate_name',
          message:
            `the session already holds a file named '${upload.filename}': the one uploaded first stands; ` +
            'a different document needs a name of its own (its numero tells it apart)',
        });
      } else if (existing.length + accepted.length >= limits.maxFilesPerSession) {
        refused.push({
          upload,
          reason: 'session_full',
          message: `the session already holds ${limits.maxFilesPerSession} files, its limit; start another session`,
        });
      } else {
        names.add(upload.filename);
        accepted.push(upload);
      }
    }
    await Promise.all(refused.map(({ upload }) => fs.rm(upload.incomingPath, { force: true })));
    const stored = accepted.map((upload) => store.storedPath(sessionId, upload.filename));
    const moved = await Promise.all(
      accepted.map((upload, i) =>
        fs.rename(upload.incomingPath, stored[i]!).then(
          () => true,
          (error: unknown) => error,
        ),
      ),
    );
    // The session may have been discarded or expired by another server sharing the registry and the folder
    // meanwhile: its folder went with it (the rename finds none), or its row did (nothing is registered). The
    // upload then leaves nothing on disk, and its client is told the session is gone.
    const rows = moved.every((ok) => ok === true)
      ? await batches.registerUploadedFiles(
          sessionId,
          accepted.map((upload) => ({
            relativePath: upload.filename,
            filename: upload.filename,
            fileSize: upload.size,
          })),
        )
      : null;
    if (!rows) {
      await Promise.all(stored.map((file) => fs.rm(file, { force: true })));
      const now = await batches.findSession(sessionId);
      if (!now) return { ok: false, reason: 'not_found' };
      const failed = moved.find((ok) => ok !== true);
      if (failed !== undefined) throw failed;
      return { ok: false, reason: 'not_open', session: now };
    }
    return {
      ok: true,
      registered: accepted.map((upload, i) => ({ upload, file: rows[i]! })),
      refused,
      sessionFiles: existing.length + accepted.length,
    };
  });
}

export type DiscardResult =
  | { ok: true; session: BatchUpload; files: BatchFile[] }
  | { ok: false; reason: 'not_found' | 'started' | 'receiving' | 'active'; session?: BatchUpload };

/**
 * Discards an upload session nobody processed (its client gave up): its file rows, the session itself and its
 * folder with the uploads in it. Only a session that never started: once a run has taken a file, the session
 * is cleaned up instead (its documents and reviews stay). Runs in turn with the session's registrations, so no
 * upload lands in a session being discarded; `isIdle` lets the caller refuse too (a run it is starting).
 * `quietSince` (an expiry): refused as `active` when the session took a file after that time, an upload
 * that landed while the expiry waited for its turn.
 */
export async function discardUploadSession(
  database: OpenDatabase,
  store: UploadStore,
  sessionId: string,
  options: {
    isIdle: () => boolean;
    quietSince?: string;
    audit?: (session: BatchUpload, files: BatchFile[]) => AuditEvent;
  },
): Promise<DiscardResult> {
  return serialized(sessionId, async () => {
    const session = await findSession(database, sessionId);
    if (!session) return { ok: false, reason: 'not_found' };
    if (!takesUploads(session) || !options.isIdle()) return { ok: false, reason: 'started', session };
    // An upload still streaming would have its folder removed under it: its client is told to wait instead.
    if (await store.isReceiving(sessionId)) return { ok: false, reason: 'receiving', session };
    const files = await new BatchRepository(database.db).discardUnstartedSession(
      sessionId,
      options.quietSince,
      options.audit,
    );
    if (files === 'active') return { ok: false, reason: 'active', session };
    if (!files) {
      // Discarded or expired by another server meanwhile, or started by one.
      const now = await findSession(database, sessionId);
      return now ? { ok: false, reason: 'started', session: now } : { ok: false, reason: 'not_found' };
    }
    await store.removeSession(sessionId);
    return { ok: true, session, files };
  });
}

/** Who discarded a session, when and from where, as the audit log keeps it; `expired`: the server did, the session idle. */
export interface SessionDiscard {
  at: string;
  actor: string;
  client: string | null;
  expired: boolean;
}

/**
 * How a session that is not (or no longer) in the registry left it, when it was discarded: its row is gone,
 * its audit entry stays.
 */
export async function findDiscard(
  database: OpenDatabase,
  sessionId: string,
): Promise<SessionDiscard | undefined> {
  const entry = await new AuditRepository(database.db).latestForSession(sessionId, [
    'api_session_discarded',
    SESSION_EXPIRED,
  ]);
  return (
    entry && {
      at: entry.at,
      actor: entry.actor,
      client: entry.client,
      expired: entry.action === SESSION_EXPIRED,
    }
  );
}

/** The audit action of a session the server discarded because nobody processed it nor uploaded into it for its expiry. */
export const SESSION_EXPIRED = 'api_session_expired';

/** Resolves once the registrations under way for the session are done (a process call waits for them). */
export async function afterRegistrations(sessionId: string): Promise<void> {
  await registering.get(sessionId);
}
