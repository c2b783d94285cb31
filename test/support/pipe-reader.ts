import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A program reading a named pipe (`cat`), as a log shipper does, and what it has read. */
export interface PipeReader {
  reader: ChildProcess;
  lines(): string;
  /** Resolves once the reader has exited. */
  done: Promise<void>;
  /**
   * Lets go of the test's own write end, kept open from the moment the reader was seen reading: closed before
   * another writer opened the pipe, it would have been the reader's end of input.
   */
  letGo(): void;
}

/**
 * Starts `cat PIPE` and returns once it reads (a write end can be opened without waiting): a command started
 * after this finds a reader, however long `cat` took to start on a busy machine.
 */
export async function startPipeReader(pipe: string): Promise<PipeReader> {
  const reader = spawn('cat', [pipe]);
  let lines = '';
  reader.stdout!.on('data', (chunk: Buffer) => (lines += chunk.toString()));
  const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  const deadline = Date.now() + 20_000;
  let fd: number | null = null;
  while (fd === null) {
    try {
      fd = fs.openSync(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) {
        reader.kill();
        throw error;
      }
      await sleep(10);
    }
  }
  let held: number | null = fd;
  return {
    reader,
    lines: () => lines,
    done,
    letGo() {
      if (held !== null) fs.closeSync(held);
      held = null;
    },
  };
}
