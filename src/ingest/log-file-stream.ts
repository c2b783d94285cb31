import { fsyncSync } from 'node:fs';
import type { pino } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/** What a log's writes go through: pino writes lines to it, its owner syncs and reopens it. */
export interface LogFileStream {
  write(line: string): void;
  /** Puts what was written on the disk (sync mode writes at once: nothing is buffered to flush). */
  fsync(): void;
  /** Opens the path again (logrotate moved the file away), or starts over after a failure. */
  reopen(): void;
}

/**
 * A pino destination (sonic-boom) that a full disk or a failing one cannot turn into a hang or a crash. Left to
 * itself, sonic-boom emits 'error' (a crash with no listener: the server died with its log's disk full), keeps the
 * unwritten lines, and its flushSync — at close, and at exit for an asynchronous one — retries any error but
 * EAGAIN forever (an ingest with its log on a full disk never ended). So the first error is reported once
 * (`onFailure`), the destination destroyed, and later lines dropped until `reopen` opens a new one: a log is a
 * record of what happened, the database holds every outcome, and the work goes on without it.
 */
export function openLogFileStream(
  open: () => Destination,
  onFailure: (error: NodeJS.ErrnoException) => void,
): LogFileStream {
  let failed = false;
  const watch = (destination: Destination): Destination => {
    destination.on('error', (error: NodeJS.ErrnoException) => {
      if (failed || destination !== current) return;
      failed = true;
      // Destroyed, it is skipped by pino's flush at exit and keeps nothing to retry.
      destination.destroy();
      onFailure(error);
    });
    return destination;
  };
  let current: Destination = watch(open());
  return {
    write: (line) => {
      if (!failed) current.write(line);
    },
    fsync: () => {
      // sonic-boom's descriptor (its typings leave it out): negative until an asynchronous open completes.
      const fd = (current as unknown as { fd: number }).fd;
      if (failed || fd < 0) return;
      try {
        fsyncSync(fd);
      } catch {
        // A descriptor that cannot be synced (a pipe, stderr): what was written is as far as it goes.
      }
    },
    reopen: () => {
      if (!failed) {
        current.reopen();
        return;
      }
      failed = false;
      current = watch(open());
    },
  };
}
