import fs from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { PipelineListener } from '../core/pipeline/events.js';
import { redactLogLine } from '../core/text/redact-log-line.js';
import { createLogListener, fileFinishedLine, loggedFilename } from '../ingest/log-listener.js';
import { humanLogLine, type HumanLogLabels } from './human-log-line.js';
import { openLogFileStream } from '../ingest/log-file-stream.js';
import {
  isPipeWithoutReader,
  PIPE_WITHOUT_READER,
  PIPE_WITHOUT_READER_HINT,
} from '../ingest/log-pipe-without-reader.js';
import { UsageError } from '../errors.js';
import { logFileError, warnLogLost, type LogWarningLanguage } from '../ingest/pipeline-logger.js';
import { createPrivateFile, ensurePrivateDir, type FileModePolicy } from '../private-files.js';

export interface ServeLogOptions {
  /** A file's absolute path, or a stream (stderr). */
  destination: NodeJS.WritableStream | string;
  level: string;
  /**
   * A stream for people (stderr without `--log-file`): instead of JSON lines, one line per warning or error, with
   * these labels (see humanLogLine). JSON goes only where `--log-file` sends it, as with `ingest` and `worker`.
   */
  human?: HumanLogLabels;
  /** Keep patient names out (the default unless `--no-redact`): filenames, paths and error texts name patients. */
  redact: boolean;
  /** Who may read a log file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /** The language of the one warning a full disk under the log gets on stderr. */
  lang?: LogWarningLanguage;
}

export interface ServeLog {
  /** The logger Fastify writes its request and error lines with. */
  logger: Logger;
  /** One line per file outcome and per session event of one session's processing, as `ingest` logs them. */
  sessionListener(sessionId: string): PipelineListener;
  /** Opens the file again (logrotate moved it away; SIGHUP): the next lines go to a new file at its path. */
  reopen(): Promise<void>;
}

/**
 * The server's log: JSON lines of requests, errors and the sessions' processing. Unless `redact` is off, every
 * line is redacted as a whole on its way out (see redactLogLine), whoever wrote it: Fastify's request lines carry
 * the URL a client sent and its error lines the texts of whatever failed, and a filename in either names a patient.
 */
export async function openServeLog(options: ServeLogOptions): Promise<ServeLog> {
  const file = typeof options.destination === 'string' ? options.destination : null;
  const createFile = async (target: string) => {
    // Created with its exact mode (owner-only by default) before pino opens it: request logs name clients.
    await ensurePrivateDir(path.dirname(target), options.fileMode);
    await createPrivateFile(target, options.fileMode);
  };
  if (file) {
    if (isPipeWithoutReader(file))
      throw new UsageError(
        `cannot write the log '${file}': ${PIPE_WITHOUT_READER}`,
        PIPE_WITHOUT_READER_HINT,
      );
    try {
      await createFile(file);
      // pino opens the file on its own later: a folder or an unwritable file would only fail then, as an
      // unhandled stream error. Opened for appending here, a wrong path is the user's error at start.
      await (await fs.open(file, 'a')).close();
    } catch (error) {
      throw logFileError(file, error);
    }
  }
  // Guarded: a full disk under the log neither crashes the server nor hangs its exit (see openLogFileStream).
  const fileStream = file
    ? openLogFileStream(
        () => pino.destination({ dest: file, append: true, sync: false }),
        (error) => warnLogLost(file, error, options.lang),
      )
    : null;
  const target = fileStream ?? (options.destination as NodeJS.WritableStream);
  const redacted = options.redact ? (line: string) => redactLogLine(line) : (line: string) => line;
  const { human } = options;
  const stream = human
    ? {
        write: (line: string) => {
          const said = humanLogLine(redacted(line), human);
          if (said) target.write(said);
        },
      }
    : options.redact
      ? { write: (line: string) => target.write(redacted(line)) }
      : target;
  // For people, only what needs their attention: the requests and each file's outcome are a log's business.
  const level = human ? 'warn' : options.level;
  const logger = pino({ level, base: { service: 'tecsalud-batch serve' } }, stream);
  return {
    logger,
    sessionListener: (sessionId) => {
      const sessionLog = logger.child({ session_id: sessionId });
      const listener = createLogListener(sessionLog, { redact: options.redact });
      return (event) => {
        // A file's line names it by its id too: the API's status and review calls address files by it.
        if (event.type === 'file_outcome_changed') {
          return createLogListener(sessionLog.child({ file_id: event.result.fileId }), {
            redact: options.redact,
          })(event);
        }
        if (event.type !== 'file_finished') return listener(event);
        const { level, fields, message } = fileFinishedLine(event.result, { redact: options.redact });
        // For people (stderr), the file as ingest's lines name it: humanLogLine puts it before the reason.
        const file = human ? { file: loggedFilename(event.result, { redact: options.redact }) } : {};
        sessionLog[level]({ ...fields, file_id: event.result.fileId, ...file }, message);
      };
    },
    reopen: async () => {
      if (!file || !fileStream) return;
      // A pipe whose reader stopped (a log shipper restarted): the open would wait for a new reader, and the
      // server's stop with it. The old pipe is kept (its lines are lost, said once) and the next SIGHUP tries again.
      if (isPipeWithoutReader(file)) {
        logger.error({ event: 'log_reopen_failed', error: PIPE_WITHOUT_READER }, 'could not reopen the log');
        return;
      }
      // Lines still being written go on to the new descriptor (sonic-boom reopens once they are out).
      await createFile(file);
      fileStream.reopen();
      logger.info({ event: 'log_reopened' }, 'log reopened');
    },
  };
}
