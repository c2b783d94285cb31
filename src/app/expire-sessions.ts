import { existsSync } from 'node:fs';
import path from 'node:path';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { readSessionOptions } from '../db/session-options.js';
import type { FileModePolicy } from '../private-files.js';
import { currentUser } from './current-user.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { discardUploadSession, SESSION_EXPIRED, takesUploads } from './upload-sessions.js';
import { UploadStore } from './upload-store.js';

export { DEFAULT_SESSION_EXPIRY_MS, describeExpiry } from '../core/uploads/session-expiry.js';

/**
 * When a session never processed will be discarded if nothing happens to it meanwhile (an upload, or a run
 * that fails to start, moves it later; a run that starts ends it); null once it has been processed, or when
 * sessions do not expire (0).
 */
export function sessionExpiresAt(
  session: Pick<BatchUpload, 'status' | 'startedAt'>,
  lastActiveAt: string,
  expiryMs: number,
): string | null {
  if (expiryMs <= 0 || !takesUploads(session)) return null;
  return new Date(Date.parse(lastActiveAt) + expiryMs).toISOString();
}

/** The expiry of one session, read from the registry (its latest upload). */
export async function findSessionExpiry(
  database: OpenDatabase,
  session: BatchUpload,
  expiryMs: number,
): Promise<string | null> {
  if (sessionExpiresAt(session, session.createdAt, expiryMs) === null) return null;
  return sessionExpiresAt(session, await new BatchRepository(database.db).lastActiveAt(session), expiryMs);
}

export interface ExpiredSession {
  sessionId: string;
  lastActiveAt: string;
  discardedFiles: number;
}

export interface ExpireSessionsOptions {
  expiryMs: number;
  now: Date;
  /** False for a session this server is processing now (a process call that just started it). */
  isIdle: (sessionId: string) => boolean;
  /** Who the audit names: `cleanup --user`; the OS user by default (the server's, or the command's). */
  actor?: string;
}

/**
 * Discards the upload sessions of this store that were never processed (pending, or failed before their run
 * took a file) and were not active for `expiryMs`: their
 * rows, their folders and the PDFs in them, each audited (`api_session_expired`, with what was dropped), as an
 * admin's discard is. A session being uploaded into, being processed, or that took a file while this ran is
 * kept. Sessions made by `ingest DIR` are never touched: their files are the folder's, not the server's.
 */
export async function expireIdleSessions(
  database: OpenDatabase,
  store: UploadStore,
  options: ExpireSessionsOptions,
): Promise<ExpiredSession[]> {
  if (options.expiryMs <= 0) return [];
  const cutoff = new Date(options.now.getTime() - options.expiryMs).toISOString();
  const idle = (await new BatchRepository(database.db).unprocessedSessionsLastActive()).filter(
    ({ session, lastActiveAt }) => lastActiveAt <= cutoff && store.holds(session),
  );
  const expired: ExpiredSession[] = [];
  for (const { session, lastActiveAt } of idle) {
    const result = await discardUploadSession(database, store, session.id, {
      isIdle: () => options.isIdle(session.id),
      quietSince: cutoff,
      audit: (discarded, files) => ({
        actor: options.actor ?? currentUser(),
        actorKind: 'os_user',
        action: SESSION_EXPIRED,
        sessionId: discarded.id,
        batchId: discarded.id,
        entityType: 'batch_upload',
        entityId: discarded.id,
        details: {
          reason: 'never processed, and no file uploaded within the session expiry',
          expiry_minutes: Math.round(options.expiryMs / 60_000),
          last_active_at: lastActiveAt,
          status: discarded.status,
          processing_type: discarded.processingType,
          uploaded_by: discarded.uploadedBy,
          created_at: discarded.createdAt,
          discarded_files: files.map((file) => file.relativePath),
        },
      }),
    });
    if (!result.ok) continue;
    expired.push({ sessionId: session.id, lastActiveAt, discardedFiles: result.files.length });
  }
  return expired;
}

/**
 * `cleanup --older-than` (nightly from cron) expires the upload sessions nobody processed under the rule and
 * with the audit of `serve`: a server does it only while it runs, and one stopped for days left them, and the
 * patient data uploaded into them, on disk. Each session's uploads are looked for in the folder the server
 * that made it recorded, whatever this command's directory or `--upload-dir`. A server running meanwhile is
 * safe: the discard is refused in the database for a session it started, and a session it is receiving an
 * upload into is kept (see discardUploadSession).
 */
export async function expireAbandonedUploadSessions(
  location: RegistryLocation,
  options: { expiryMs: number; now: Date; fileMode?: FileModePolicy; actor?: string },
): Promise<ExpiredSession[]> {
  if (options.expiryMs <= 0) return [];
  return withRegistry(location, async (database) => {
    const uploadFolders = new Set<string>();
    for (const { session } of await new BatchRepository(database.db).unprocessedSessionsLastActive()) {
      if (readSessionOptions(session.optionsJson).client === 'api')
        uploadFolders.add(path.dirname(session.sourceDir));
    }
    const expired: ExpiredSession[] = [];
    for (const folder of [...uploadFolders].sort()) {
      // A folder this machine does not have is another host's (a server elsewhere on a shared PostgreSQL
      // registry): its sessions are left to that server, which removes their uploads with them.
      if (!existsSync(folder)) continue;
      const store = await UploadStore.open(folder, options.fileMode);
      expired.push(
        ...(await expireIdleSessions(database, store, {
          expiryMs: options.expiryMs,
          now: options.now,
          isIdle: () => true,
          actor: options.actor,
        })),
      );
    }
    return expired;
  });
}
