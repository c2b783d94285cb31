import fs from 'node:fs';

/** Write ends of log pipes held open, by path: one each, for the life of the process. */
const held = new Map<string, number>();

/**
 * Whether `file` is a named pipe (FIFO) that no program has open for reading. Opening one to write waits for a
 * reader (a log's open does: the command hung before its first line), so a log's path is probed without waiting
 * first. A pipe something reads (a log shipper, `cat pipe > file`) is a log like any: the probe's write end is
 * then kept open for the life of the process — closed, it would be the reader's end of input (`cat` ends), and
 * the log's own open, right after, would wait for ever.
 */
export function isPipeWithoutReader(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (!stat.isFIFO()) return false;
  try {
    // Without a reader, a non-blocking open for writing fails at once with ENXIO instead of waiting. Asked again
    // (a SIGHUP's reopen), the pipe is probed again: the reader of the first probe may have gone.
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const before = held.get(file);
    held.set(file, fd);
    if (before !== undefined) fs.closeSync(before);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENXIO';
  }
}

/** Why a log cannot be that pipe, in the words of `cannot write the log '…': …`. */
export const PIPE_WITHOUT_READER =
  'it is a named pipe (FIFO) that no program reads: writing to it would wait for ever';

export const PIPE_WITHOUT_READER_HINT =
  'give a file path (or - for stderr); to log into the pipe, start the program that reads it first';
