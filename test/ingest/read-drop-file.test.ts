import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStageError } from '../../src/documents/stage-error.js';
import { DropFileReader } from '../../src/ingest/read-drop-file.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-drop-file-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x20)]);

describe('DropFileReader', () => {
  it('reads a small file (blocking) and a large one (asynchronous) whole', async () => {
    const reader = new DropFileReader({ maxFileSize: 10 * 1024 * 1024, blockingMaxBytes: 1024 });
    const small = pdf(1000);
    const large = pdf(4096);
    expect(await reader.read(write('small.pdf', small), small.length)).toEqual(small);
    expect(await reader.read(write('large.pdf', large), large.length)).toEqual(large);
    expect(reader.blocking).toBe(true);
  });

  it('refuses a file over --max-file-size by its size, either way it is read', async () => {
    const reader = new DropFileReader({ maxFileSize: 2048, blockingMaxBytes: 1024 });
    // Found small, grown since: the size at reading time decides.
    const grown = write('grown.pdf', pdf(3000));
    await expect(reader.read(grown, 100)).rejects.toBeInstanceOf(FileStageError);
    await expect(reader.read(grown, 100)).rejects.toMatchObject({ outcome: 'too_large' });
    await expect(reader.read(grown, 3000)).rejects.toMatchObject({ outcome: 'too_large' });
  });

  it('reads an empty file as no bytes: whether it is empty or a copy not yet written to is the run’s to judge', async () => {
    const reader = new DropFileReader({ maxFileSize: 2048, blockingMaxBytes: 1024 });
    const empty = write('empty.pdf', Buffer.alloc(0));
    const { bytes, state } = await reader.readWithState(empty, 0);
    expect(bytes.length).toBe(0);
    expect(state.size).toBe(0);
  });

  it('passes on a missing file’s error for the caller to describe', async () => {
    const reader = new DropFileReader({ maxFileSize: 2048 });
    await expect(reader.read(path.join(dir, 'gone.pdf'), 100)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('goes back to asynchronous reads after three slow blocking reads in a row (slow storage)', async () => {
    // Every read counts as slow.
    const reader = new DropFileReader({ maxFileSize: 4096, slowReadMs: -1 });
    const file = write('a.pdf', pdf(100));
    await reader.read(file, 100);
    await reader.read(file, 100);
    expect(reader.blocking).toBe(true);
    await reader.read(file, 100);
    expect(reader.blocking).toBe(false);
    // The bytes are the same either way.
    expect(await reader.read(file, 100)).toEqual(pdf(100));
  });

  it('looks at a file’s size and time now the way it reads it, and at a gone file as null', async () => {
    const file = write('a.pdf', pdf(100));
    const grown = pdf(3000);
    for (const reader of [
      new DropFileReader({ maxFileSize: 4096, blockingMaxBytes: 1024 }),
      // After slow storage was seen: asynchronously.
      new DropFileReader({ maxFileSize: 4096, slowReadMs: -1 }),
    ]) {
      for (let i = 0; i < 3; i++) await reader.read(file, 100);
      fs.writeFileSync(file, grown);
      const now = await reader.stateOf(file, 100);
      expect(now).toEqual({ size: 3000, mtimeMs: fs.statSync(file).mtimeMs });
      expect(await reader.stateOf(path.join(dir, 'gone.pdf'), 100)).toBeNull();
      fs.writeFileSync(file, pdf(100));
    }
  });

  it('keeps blocking reads while they are fast, a slow one now and then notwithstanding', async () => {
    const reader = new DropFileReader({ maxFileSize: 4096, slowReadMs: 1000 });
    const file = write('a.pdf', pdf(100));
    for (let i = 0; i < 5; i++) await reader.read(file, 100);
    expect(reader.blocking).toBe(true);
  });

  describe('a file replaced by a named pipe between its stat and its open', () => {
    let writer: ChildProcess | null = null;
    afterEach(() => {
      vi.restoreAllMocks();
      writer?.kill('SIGKILL');
      writer = null;
    });

    /**
     * Right after the reader's stat of `file` (found regular), the file becomes a named pipe. A writer opens it 3 s
     * later: a reader that waits on the pipe is let go then (reading nothing) instead of hanging the test.
     */
    function swapForPipeAfterStat(file: string, stat: 'stat' | 'statSync'): void {
      const swap = () => {
        fs.rmSync(file);
        execFileSync('mkfifo', [file]);
        writer = spawn('sh', ['-c', 'sleep 3; exec 3>"$0"', file], { stdio: 'ignore' });
      };
      if (stat === 'stat') {
        const real = fsPromises.stat.bind(fsPromises);
        vi.spyOn(fsPromises, 'stat').mockImplementationOnce((async (target: fs.PathLike) => {
          const found = await real(target);
          swap();
          return found;
        }) as typeof fsPromises.stat);
      } else {
        const real = fs.statSync.bind(fs);
        vi.spyOn(fs, 'statSync').mockImplementationOnce(((target: fs.PathLike) => {
          const found = real(target);
          swap();
          return found;
        }) as typeof fs.statSync);
      }
    }

    const refused = {
      outcome: 'unreadable',
      message:
        'cannot read the file: it is a named pipe (FIFO), not a regular file: not opened (put the PDF itself in the folder)',
    };

    it('is refused at once by the dry run’s look at its first bytes, not waited on', async () => {
      const file = write('a.pdf', pdf(100));
      swapForPipeAfterStat(file, 'stat');
      const started = Date.now();
      await expect(new DropFileReader({ maxFileSize: 4096 }).readHead(file, 1024)).rejects.toMatchObject(
        refused,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('is refused at once by the run’s read, asynchronous or blocking', async () => {
      for (const [found, stat] of [
        [null, 'stat'],
        [100, 'statSync'],
      ] as const) {
        const file = write(`${stat}.pdf`, pdf(100));
        swapForPipeAfterStat(file, stat);
        const started = Date.now();
        await expect(
          new DropFileReader({ maxFileSize: 4096, blockingMaxBytes: 1024 }).read(file, found),
        ).rejects.toMatchObject(refused);
        expect(Date.now() - started, stat).toBeLessThan(2000);
        writer?.kill('SIGKILL');
      }
    });
  });
});
