import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import { checkPdfFile } from '../core/pipeline/check-pdf-file.js';
import type { FileState } from '../core/pipeline/still-being-written.js';
import { FileStageError } from '../documents/stage-error.js';
import { specialFileKind } from '../special-file-kind.js';

export interface DropFileReaderOptions {
  maxFileSize: number;
  /** Files found at most this large may be read with blocking calls. */
  blockingMaxBytes?: number;
  /** Blocking reads slower than this, SLOW_READS_IN_A_ROW of them, turn blocking reads off for the run. */
  slowReadMs?: number;
}

/**
 * Files found at most this large are read with blocking calls. Read asynchronously, a file costs five
 * round trips through libuv's thread pool (stat, open, fstat, read, close), each a wake-up of a pool thread
 * and of the event loop: for the clinical PDFs of the bench corpus (9 KB on average) that was four times the
 * CPU of reading them outright (0.11–0.15 against 0.03 CPU-s per 1,000 files, hash included), CPU the
 * extraction children then lack on a small machine.
 */
const BLOCKING_MAX_BYTES = 1024 * 1024;
/**
 * From the page cache a blocking read of such a file takes well under a millisecond. Reads that take longer,
 * a few in a row, show slow storage (a network share, a cold disk): there a blocking read would stall every
 * file in flight, so the run goes back to asynchronous reads, which overlap. One slow read alone may be the
 * process waiting for a core on a busy machine, not the storage.
 */
const SLOW_READ_MS = 5;
const SLOW_READS_IN_A_ROW = 3;

/**
 * Reads the drop folder's files whole, size first, so that a file over --max-file-size is never read into
 * memory (it fails `too_large`). An empty file is read (as no bytes): whether it is `empty_file` or a copy
 * that has created it and not yet written to it is the caller's to judge. Small files are read with blocking
 * calls while the storage proves fast; larger ones, and all once a read was slow, asynchronously.
 */
export class DropFileReader {
  private blockingAllowed = true;
  private slowReads = 0;
  private readonly blockingMaxBytes: number;
  private readonly slowReadMs: number;

  constructor(private readonly options: DropFileReaderOptions) {
    this.blockingMaxBytes = options.blockingMaxBytes ?? BLOCKING_MAX_BYTES;
    this.slowReadMs = options.slowReadMs ?? SLOW_READ_MS;
  }

  /** The largest file accepted (--max-file-size). */
  get maxFileSize(): number {
    return this.options.maxFileSize;
  }

  /** Whether the next small file is read with blocking calls. */
  get blocking(): boolean {
    return this.blockingAllowed;
  }

  /** `foundSize`: the size the folder's listing saw (null when unknown): it picks the way to read. */
  async read(absolutePath: string, foundSize: number | null): Promise<Buffer> {
    return (await this.readWithState(absolutePath, foundSize)).bytes;
  }

  /** The bytes, with the size and modification time the file had just before they were read. */
  async readWithState(
    absolutePath: string,
    foundSize: number | null,
  ): Promise<{ bytes: Buffer; state: FileState }> {
    if (!this.blockingAllowed || foundSize === null || foundSize > this.blockingMaxBytes) {
      const stat = await fs.stat(absolutePath);
      refuseNotRegularFile(stat);
      this.refuseOversized(absolutePath, stat.size);
      const handle = await openWithoutWaiting(absolutePath);
      try {
        return { bytes: await handle.readFile(), state: { size: stat.size, mtimeMs: stat.mtimeMs } };
      } finally {
        await handle.close();
      }
    }
    const started = performance.now();
    try {
      const stat = fsSync.statSync(absolutePath);
      refuseNotRegularFile(stat);
      this.refuseOversized(absolutePath, stat.size);
      const fd = openWithoutWaitingSync(absolutePath);
      try {
        return { bytes: fsSync.readFileSync(fd), state: { size: stat.size, mtimeMs: stat.mtimeMs } };
      } finally {
        fsSync.closeSync(fd);
      }
    } finally {
      this.slowReads = performance.now() - started > this.slowReadMs ? this.slowReads + 1 : 0;
      if (this.slowReads >= SLOW_READS_IN_A_ROW) this.blockingAllowed = false;
    }
  }

  /**
   * The file's size and modification time now, or null when it cannot be read (gone, say). A file read as at
   * most `blockingMaxBytes` is looked at with a blocking call while the storage proves fast, as it was read:
   * asynchronously, one stat is a round trip through libuv's thread pool, which cost the ingest's main thread
   * more than the call itself (0.1–0.3 CPU-s per 1,000 files, each file being looked at again after its
   * extraction).
   */
  async stateOf(absolutePath: string, readSize: number): Promise<FileState | null> {
    try {
      const stat =
        this.blockingAllowed && readSize <= this.blockingMaxBytes
          ? fsSync.statSync(absolutePath)
          : await fs.stat(absolutePath);
      return { size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      return null;
    }
  }

  /**
   * The size and the first `length` bytes, never the rest: `ingest --dry-run` checks a file with them. Refused as
   * a read is, in the same order: `too_large` from the size alone, before the file is opened.
   */
  async readHead(absolutePath: string, length: number): Promise<{ size: number; head: Buffer }> {
    const stat = await fs.stat(absolutePath);
    refuseNotRegularFile(stat);
    this.refuseOversized(absolutePath, stat.size);
    const handle = await openWithoutWaiting(absolutePath);
    try {
      const head = Buffer.alloc(Math.min(length, stat.size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return { size: stat.size, head: head.subarray(0, bytesRead) };
    } finally {
      await handle.close();
    }
  }

  private refuseOversized(absolutePath: string, size: number): void {
    const check = checkPdfFile(
      { filename: absolutePath, size, head: new Uint8Array(0) },
      { maxFileSize: this.options.maxFileSize },
    );
    // Size only: the header is checked once the bytes are read, and an empty file may yet grow (see above).
    if (check?.outcome === 'too_large') throw new FileStageError(check.outcome, check.message);
  }
}

/**
 * A link in the drop folder to a named pipe, a socket or a device is listed as a file (its name is a PDF's),
 * but opening a pipe waits for a writer that never comes: the run would hang on it, holding its lock, and
 * every later run of the cron line would be refused. Refused from its stat, before it is opened.
 */
function refuseNotRegularFile(stat: fsSync.Stats): void {
  if (stat.isFile()) return;
  const kind = specialFileKind(stat);
  throw new FileStageError(
    'unreadable',
    `cannot read the file: it is ${kind}, not a regular file: not opened (put the PDF itself in the folder)`,
  );
}

/**
 * Opens a file its stat found regular, never waiting: replaced by a named pipe since (a race, or a hostile
 * drop), a plain open would wait for a writer for ever — the dry run's and the run's, holding the folder's lock.
 * O_NONBLOCK changes nothing for a regular file; what was opened is checked again from its descriptor.
 */
export async function openWithoutWaiting(absolutePath: string): Promise<fs.FileHandle> {
  const handle = await fs.open(absolutePath, fsSync.constants.O_RDONLY | fsSync.constants.O_NONBLOCK);
  try {
    refuseNotRegularFile(await handle.stat());
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** openWithoutWaiting, blocking (the small files read while the storage proves fast). */
function openWithoutWaitingSync(absolutePath: string): number {
  const fd = fsSync.openSync(absolutePath, fsSync.constants.O_RDONLY | fsSync.constants.O_NONBLOCK);
  try {
    refuseNotRegularFile(fsSync.fstatSync(fd));
    return fd;
  } catch (error) {
    fsSync.closeSync(fd);
    throw error;
  }
}

/** Why a file whose folder can be listed but not entered cannot be read, and what fixes it. */
export const FOLDER_NOT_ENTERABLE =
  'permission denied on its folder, which can be listed but not entered (give this account search permission ' +
  'on the folder: chmod +x, or make this account its owner)';

/** A read that failed, as the file's failure (`unreadable`, with what to check); a refusal already one stays as it is. */
export function unreadableError(error: unknown): FileStageError {
  if (error instanceof FileStageError) return error;
  const { code = 'error', syscall } = error as NodeJS.ErrnoException;
  // A stat needs no permission on the file, only search permission on the folders to it: refused, it is the
  // folder (listed by the walk, so readable, but not enterable: chmod 644 on a folder) that needs fixing.
  const reason =
    (code === 'EACCES' || code === 'EPERM') && (syscall === 'stat' || syscall === 'lstat')
      ? FOLDER_NOT_ENTERABLE
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (check the file’s permissions)'
        : code === 'ENOENT'
          ? 'the file disappeared before it could be read'
          : (error as Error).message;
  return new FileStageError('unreadable', `cannot read the file: ${reason}`);
}
