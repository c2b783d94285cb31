import path from 'node:path';
import {
  createPrivateFileSync,
  ensurePrivateDirSync,
  fileModesFor,
  type FileModePolicy,
} from '../private-files.js';
import type { PipelineLogger } from './log-listener.js';
import { diskProblemInSpanish, fileSystemProblem } from '../core/text/file-system-problem.js';
import { UsageError } from '../errors.js';
import { openLogFileStream, type LogFileStream } from './log-file-stream.js';
import {
  isPipeWithoutReader,
  PIPE_WITHOUT_READER,
  PIPE_WITHOUT_READER_HINT,
} from './log-pipe-without-reader.js';

export interface OpenedLogger extends PipelineLogger {
  /** Writes what is buffered; call before exiting. */
  flush(): void;
  /**
   * Opens the log's path again (logrotate has moved the file away): the next lines go to a new file there,
   * created with the log's mode. Nothing for stderr.
   */
  reopen(): void;
  /** The file written, or null for stderr. */
  file: string | null;
}

/**
 * Structured JSON logs (pino) to a file, or to stderr with `-`. Writes are synchronous: a cron job
 * killed mid-run must not lose the lines that say what it had done. The file and a folder created for it
 * are owner-only (`fileMode` 'group': group-readable too): a log tells who was seen and when.
 */
export async function openPipelineLogger(
  destination: string,
  options: { cwd: string; fileMode?: FileModePolicy; lang?: LogWarningLanguage },
): Promise<OpenedLogger> {
  const { pino } = await import('pino');
  const file = destination === '-' ? null : path.resolve(options.cwd, destination);
  const createFile = (target: string) => createPrivateFileSync(target, options.fileMode);
  const open = () =>
    file
      ? pino.destination({ dest: file, sync: true, append: true, mode: fileModesFor(options.fileMode).file })
      : pino.destination({ fd: 2, sync: true });
  let stream: LogFileStream;
  if (file && isPipeWithoutReader(file))
    throw new UsageError(
      `cannot write the log '${destination}': ${PIPE_WITHOUT_READER}`,
      PIPE_WITHOUT_READER_HINT,
    );
  try {
    if (file) {
      ensurePrivateDirSync(path.dirname(file), options.fileMode);
      createFile(file);
    }
    stream = openLogFileStream(open, (error) => warnLogLost(destination, error, options.lang));
  } catch (error) {
    throw logFileError(destination, error);
  }
  const logger = pino(
    { base: { pid: process.pid, app: 'tecsalud-batch' }, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  return {
    info: (object, message) => logger.info(object, message),
    warn: (object, message) => logger.warn(object, message),
    error: (object, message) => logger.error(object, message),
    flush: () => stream.fsync(),
    reopen: () => {
      if (!file) return;
      // Its reader gone (a log shipper restarted), the open would wait for a new one, the whole run with it: the
      // old pipe is kept (its lines are lost, said once on stderr), and the next SIGHUP tries again.
      if (isPipeWithoutReader(file)) throw new Error(PIPE_WITHOUT_READER);
      // Created here with its exact mode; sonic-boom's own open would apply the umask to it.
      createFile(file);
      stream.reopen();
    },
    file,
  };
}

/** The language of the operator's screens (`--lang`, the locale): the one warning said there, not in the log. */
export type LogWarningLanguage = 'en' | 'es';

/**
 * Said once on stderr when the log stops taking lines (a full or failing disk): the run goes on without it.
 * Not a reason to stop: every file's outcome is recorded in the database, which `status` reads.
 */
export function warnLogLost(
  destination: string,
  error: NodeJS.ErrnoException,
  lang: LogWarningLanguage = 'en',
): void {
  const where = destination === '-' ? 'stderr' : `'${destination}'`;
  // A pipe whose reader stopped (a log shipper restarted) is no disk to free: its remedy is the reader.
  const pipeReaderGone = error.code === 'EPIPE' && destination !== '-';
  const text =
    lang === 'es'
      ? `aviso: no se puede escribir la bitácora ${where} (${
          pipeReaderGone
            ? 'el programa que lee la tubería se detuvo'
            : (diskProblemInSpanish(error) ?? describeLogError(error))
        }): se sigue sin ella; el resultado de cada archivo queda registrado en la base de datos ` +
        `(tecsalud-batch status). ${pipeReaderGone ? 'Inicie de nuevo el programa que la lee' : 'Libere espacio allí'}; ` +
        'una señal SIGHUP vuelve a abrir la bitácora\n'
      : `warning: cannot write the log ${where} (${
          pipeReaderGone ? 'the program reading the pipe stopped' : describeLogError(error)
        }): going on without it; every file's outcome is still recorded in the database (tecsalud-batch status). ` +
        `${pipeReaderGone ? 'Start the program that reads it again' : 'Free space there'}; a SIGHUP reopens the log\n`;
  try {
    process.stderr.write(text);
  } catch {
    // stderr itself is gone: nothing left to tell.
  }
}

/** A folder given as the log, a parent that is a file, a read-only place: the user's path, not a bug. */
export function logFileError(destination: string, error: unknown): UsageError {
  return new UsageError(
    `cannot write the log '${destination}': ${describeLogError(error as NodeJS.ErrnoException)}`,
    'give a file path in a folder this account can write (or - for stderr)',
  );
}

function describeLogError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'its folder does not exist and cannot be created';
  // Creating the log's folder met a file on the way: mkdir says EEXIST where open would say ENOTDIR.
  const code = error.code === 'EEXIST' ? 'ENOTDIR' : error.code;
  return fileSystemProblem({ code }) ?? error.message;
}
