import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Creates a folder only its owner can enter (0700), whatever the umask, and tightens one that exists.
 * Uploaded PDFs are patient data. (A stand-in for the shared owner-only helper of issue 20, which also knows
 * the `fileMode: "group"` setting: swap it in here when it lands.)
 */
export async function makeOwnerOnlyDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

/** The mode of an uploaded file: readable and writable by its owner alone (see makeOwnerOnlyDir). */
export const OWNER_ONLY_FILE_MODE = 0o600;

/**
 * Where the HTTP API keeps uploaded PDFs: one folder per session under the upload directory, each file under
 * a name derived from the session and its (sanitised) filename, never from anything the client wrote as a
 * path. A file is written under a temporary `.incoming-…` name first and renamed once the upload has been
 * received whole and checked, so that a half-received upload is never taken for a file.
 */
export class UploadStore {
  private constructor(readonly root: string) {}

  /** Opens (creating, owner-only) the upload directory; `root` is resolved to its real path. */
  static async open(root: string): Promise<UploadStore> {
    await makeOwnerOnlyDir(root);
    return new UploadStore(await fs.realpath(root));
  }

  /** The session's folder. Session ids are UUIDs; anything else never reaches the file-system. */
  sessionDir(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error(`not a session id: ${sessionId}`);
    return path.join(this.root, sessionId);
  }

  /** Is this session's folder inside this store? (Sessions made by `ingest DIR` are not.) */
  holds(session: { id: string; sourceDir: string }): boolean {
    return SESSION_ID.test(session.id) && session.sourceDir === this.sessionDir(session.id);
  }

  async ensureSessionDir(sessionId: string): Promise<string> {
    const dir = this.sessionDir(sessionId);
    await makeOwnerOnlyDir(dir);
    return dir;
  }

  /** A fresh temporary name for an upload being received. */
  incomingPath(sessionId: string): string {
    return path.join(this.sessionDir(sessionId), `.incoming-${randomUUID()}`);
  }

  /** Where the file registered under `relativePath` in the session lives. */
  storedPath(sessionId: string, relativePath: string): string {
    const name = createHash('sha256').update(relativePath, 'utf8').digest('hex').slice(0, 40);
    return path.join(this.sessionDir(sessionId), `${name}.pdf`);
  }

  /** Removes the session's folder and every upload in it. */
  async removeSession(sessionId: string): Promise<void> {
    await fs.rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  /** Removes temporary files left by uploads cut short (a crash mid-upload); they were never registered. */
  async removeIncoming(sessionId: string): Promise<void> {
    const dir = this.sessionDir(sessionId);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      names.filter((name) => name.startsWith('.incoming-')).map((name) => fs.rm(path.join(dir, name), { force: true })),
    );
  }
}
