import { describeError } from '../core/text/describe-error.js';
import { redactNames } from '../core/text/redact-names.js';
import { fileFinishedLine, fileOutcomeChangedLine } from '../ingest/log-listener.js';
import type { FileModePolicy } from '../private-files.js';
import type { WorkerListener } from '../queue/worker-events.js';
import { openRotatingLog } from './rotating-log.js';
import type { LogWarningLanguage } from '../ingest/pipeline-logger.js';

export interface WorkerLog {
  listener: WorkerListener;
  stopped(error: unknown): void;
  /** Writes what is buffered and stops listening for SIGHUP; call before exiting. */
  close(): void;
  /** A file (not stderr): SIGHUP reopens it (logrotate) instead of stopping the run. */
  reopensOnHangup: boolean;
}

export interface WorkerLogOptions {
  cwd: string;
  /** Keep patient names out (the default unless `--no-redact`): paths and error texts name patients. */
  redact: boolean;
  /** Who may read a log file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /** The language of the one warning a full disk under the log gets on stderr. */
  lang?: LogWarningLanguage;
}

/**
 * A worker's `--log-file`: one JSON line per file outcome (the same lines as `ingest`'s log, with the
 * session and file ids), and one per worker event (started, a job taken, a backend down, a file given up,
 * a session finished). A worker runs for days: the file is reopened on SIGHUP, as logrotate expects.
 */
export async function openWorkerLog(destination: string, options: WorkerLogOptions): Promise<WorkerLog> {
  const logger = await openRotatingLog(destination, {
    cwd: options.cwd,
    fileMode: options.fileMode,
    lang: options.lang,
  });
  const text = (message: string) => (options.redact ? redactNames(message) : message);
  /** An event's fields in the log's snake_case, its path only when names may be logged, its error redacted. */
  const fieldsOf = (event: {
    type: string;
    relativePath?: string;
    error?: string;
    reason?: string;
  }): object => {
    const { relativePath, type, error, reason, ...rest } = event;
    return {
      event: type,
      ...snakeCase(rest),
      ...(error === undefined ? {} : { error: text(error) }),
      ...(reason === undefined ? {} : { reason: text(reason) }),
      ...(options.redact || relativePath === undefined ? {} : { path: relativePath }),
    };
  };
  return {
    listener: (event) => {
      switch (event.type) {
        case 'file_finished': {
          const where = { session_id: event.sessionId, file_id: event.result.fileId, attempt: event.attempt };
          const { level, fields, message } = fileFinishedLine(event.result, { redact: options.redact });
          logger[level]({ ...fields, ...where }, message);
          break;
        }
        case 'file_outcome_changed': {
          // As `ingest`'s log says it, with the session and the file.
          const { fields, message } = fileOutcomeChangedLine(event.previous, event.result, {
            redact: options.redact,
          });
          logger.info({ ...fields, session_id: event.sessionId, file_id: event.result.fileId }, message);
          break;
        }
        case 'service_down':
        case 'job_retrying':
          logger.warn(fieldsOf(event), event.type.replace('_', ' '));
          break;
        case 'file_given_up':
          logger.error(fieldsOf(event), 'file given up');
          break;
        case 'file_still_changing':
          logger.error(fieldsOf(event), 'file given up: it kept changing');
          break;
        default:
          logger.info(fieldsOf(event), event.type.replace('_', ' '));
      }
    },
    stopped: (error) =>
      logger.error({ event: 'worker_failed', error: text(describeError(error)) }, 'worker stopped'),
    close: () => logger.close(),
    reopensOnHangup: logger.reopensOnHangup,
  };
}

function snakeCase(fields: object): object {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      value,
    ]),
  );
}
