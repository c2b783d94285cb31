import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileSystemProblem } from '../core/text/file-system-problem.js';
import { uploadedFileName } from '../core/uploads/uploaded-file-name.js';
import { UsageError } from '../errors.js';
import { createPrivateFile, ensurePrivateDir, type FileModePolicy } from '../private-files.js';
import { isProcessAlive } from '../process-alive.js';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const INCOMING = '.incoming-';
/** `.incoming-<pid>-<store>-<uuid>@<host>`: who is receiving the upload, so that no other server removes it. */
const INCOMING_OWNED = /^\.incoming-(\d+)-([0-9a-f]{8})-[0-9a-f-]{36}@(.+)$/;

/**
 * A temporary file of another host not written for this long belongs to an upload nobody is receiving: its
 * server was stopped or killed (a live upload writes as its bytes arrive).
 */
export const ABANDONED_INCOMING_MS = 10 * 60_000;

/**
 * Where the HTTP API keeps uploaded PDFs: one folder per session under the upload directory, each file under
 * a name derived from the session and its (sanitised) filename, never from anything the client wrote as a
 * path. A file is written under a temporary `.incoming-…` name first and renamed once the upload has been
 * received whole and checked, so that a half-received upload is never taken for a file.
 */
export class UploadStore {
  /** Names this store's uploads among those of other servers (or other stores of one process) sharing the folder. */
  private readonly owner = randomUUID().slice(0, 8);
  /** This store's temporary files whose upload request is still going on (being received, checked or registered). */
  private readonly receiving = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly fileMode: FileModePolicy,
  ) {}

  /**
   * Opens the upload directory, creating it (and each session's folder, and each file) with the config's
   * `fileMode` (owner-only by default) whatever the umask: uploads are patient data. `root` is resolved to
   * its real path.
   */
  static async open(root: string, fileMode: FileModePolicy = 'owner'): Promise<UploadStore> {
    try {
      await ensurePrivateDir(root, fileMode);
      // Every session makes its folder here: one that cannot be written would answer each of them 500.
      await fs.access(root, fsConstants.W_OK | fsConstants.X_OK);
    } catch (error) {
      // Creating the folder met a file on the way: mkdir says EEXIST (the folder itself) or ENOTDIR (a parent).
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'EEXIST'
          ? 'it is a file, not a folder'
          : (fileSystemProblem(error) ?? (error as Error).message);
      throw new UsageError(
        `cannot use the upload folder '${root}': ${why}`,
        'give --upload-dir (or serve.uploadDir in the config file) a folder this account can write; it is created when missing',
      );
    }
    return new UploadStore(await fs.realpath(root), fileMode);
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
    await ensurePrivateDir(dir, this.fileMode);
    return dir;
  }

  /** Creates a fresh, empty temporary file (with the store's mode) for an upload being received, and returns its path. */
  async createIncoming(sessionId: string): Promise<string> {
    const file = path.join(
      this.sessionDir(sessionId),
      `${INCOMING}${process.pid}-${this.owner}-${randomUUID()}@${os.hostname()}`,
    );
    this.receiving.add(file);
    await createPrivateFile(file, this.fileMode);
    return file;
  }

  /** The upload request that made these temporary files is done with them (registered under their names, or removed). */
  releaseIncoming(files: readonly string[]): void {
    for (const file of files) this.receiving.delete(file);
  }

  /**
   * Whether an upload into the session is being received now: a request of this store still streaming its
   * files, or another server sharing the folder writing a temporary file there (one not abandoned, see
   * isAbandoned) — a discard or an expiry on this server must not remove the folder under it.
   */
  async isReceiving(sessionId: string): Promise<boolean> {
    const dir = this.sessionDir(sessionId);
    if ([...this.receiving].some((file) => file.startsWith(dir + path.sep))) return true;
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) =>
      name.startsWith(INCOMING),
    );
    for (const name of names) if (!(await this.isAbandoned(name, path.join(dir, name)))) return true;
    return false;
  }

  /** Where the file registered under `relativePath` in the session lives. */
  storedPath(sessionId: string, relativePath: string): string {
    return path.join(this.sessionDir(sessionId), uploadedFileName(relativePath));
  }

  /** Removes the session's folder and every upload in it. */
  async removeSession(sessionId: string): Promise<void> {
    await fs.rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  /**
   * Removes every session's abandoned temporary files: at start-up, they are the uploads a stopped (or killed)
   * server was receiving, never registered. Their clients were cut off and upload again. Another server
   * sharing the folder and still receiving its uploads keeps them (see isAbandoned).
   */
  async removeAllIncoming(): Promise<number> {
    const entries = await fs.readdir(this.root, { withFileTypes: true });
    const counts = await Promise.all(
      entries
        .filter((entry) => entry.isDirectory() && SESSION_ID.test(entry.name))
        .map((entry) => this.removeIncoming(entry.name)),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Removes the session's temporary files left by uploads cut short (a crash mid-upload), never registered:
   * abandoned ones. An upload this store is still receiving when a run starts keeps its file: the request
   * ends with its own answer (the session no longer takes files), not an internal error over a file removed
   * under it.
   */
  async removeIncoming(sessionId: string): Promise<number> {
    const dir = this.sessionDir(sessionId);
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) =>
      name.startsWith(INCOMING),
    );
    const removed = await Promise.all(
      names.map(async (name) => {
        const file = path.join(dir, name);
        if (!(await this.isAbandoned(name, file))) return 0;
        await fs.rm(file, { force: true });
        return 1;
      }),
    );
    return removed.reduce<number>((sum, n) => sum + n, 0);
  }

  /**
   * Whether nobody is receiving this temporary file any more: this store's own once its request is done; a process of this host that
   * no longer runs; another host's not written for ABANDONED_INCOMING_MS; or a name from before owners were
   * recorded. A live server sharing the folder (workers' shared storage, a second server) keeps its uploads.
   */
  private async isAbandoned(name: string, file: string): Promise<boolean> {
    const owned = INCOMING_OWNED.exec(name);
    if (!owned) return true;
    const [, pid, owner, host] = owned;
    if (owner === this.owner) return !this.receiving.has(file);
    if (host === os.hostname() && !isProcessAlive(Number(pid))) return true;
    const written = await fs.stat(file).then(
      (stat) => stat.mtimeMs,
      () => null,
    );
    return written !== null && Date.now() - written > ABANDONED_INCOMING_MS;
  }
}
