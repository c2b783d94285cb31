import { describeError } from '../core/text/describe-error.js';
import type { PipelineLogger } from '../ingest/log-listener.js';
import { openPipelineLogger, type LogWarningLanguage } from '../ingest/pipeline-logger.js';
import type { FileModePolicy } from '../private-files.js';

/** A `--log-file` that follows logrotate: reopened on SIGHUP until it is closed. */
export interface RotatingLog extends PipelineLogger {
  /** Writes what is buffered and stops listening for SIGHUP; call before exiting. */
  close(): void;
  /** A file (not stderr): SIGHUP reopens it, so it is no reason to stop the run. */
  reopensOnHangup: boolean;
}

export interface RotatingLogOptions {
  cwd: string;
  /** Who may read a log file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /** The language of the one warning a full disk under the log gets on stderr. */
  lang?: LogWarningLanguage;
}

/**
 * Calls `reopen` on every SIGHUP until the returned function is called. logrotate's `postrotate … kill -HUP`
 * is how a long run (a nightly ingest, a worker, the server) learns that its log file was moved away.
 */
export function reopenOnHangup(reopen: () => void): () => void {
  const onHangup = () => reopen();
  process.on('SIGHUP', onHangup);
  return () => process.off('SIGHUP', onHangup);
}

/**
 * The structured log of a run (`-` for stderr; see openPipelineLogger). A file is reopened on SIGHUP: the
 * lines after it go to a new file at the same path, which starts with a `log_reopened` line.
 */
export async function openRotatingLog(
  destination: string,
  options: RotatingLogOptions,
): Promise<RotatingLog> {
  const logger = await openPipelineLogger(destination, {
    cwd: options.cwd,
    fileMode: options.fileMode,
    lang: options.lang,
  });
  const stopReopening = logger.file
    ? reopenOnHangup(() => {
        try {
          logger.reopen();
          logger.info({ event: 'log_reopened' }, 'log reopened');
        } catch (error) {
          // The old file is still open: say so there rather than crash the run over its log.
          logger.error(
            { event: 'log_reopen_failed', error: describeError(error) },
            'could not reopen the log',
          );
        }
      })
    : () => undefined;
  return {
    info: (object, message) => logger.info(object, message),
    warn: (object, message) => logger.warn(object, message),
    error: (object, message) => logger.error(object, message),
    close: () => {
      stopReopening();
      logger.flush();
    },
    reopensOnHangup: logger.file !== null,
  };
}
