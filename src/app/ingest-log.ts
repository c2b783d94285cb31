import type { PipelineListener } from '../core/pipeline/events.js';
import { describeError } from '../core/text/describe-error.js';
import { redactNames } from '../core/text/redact-names.js';
import { createLogListener } from '../ingest/log-listener.js';
import { openPipelineLogger } from '../ingest/pipeline-logger.js';
import type { FileModePolicy } from '../private-files.js';

export interface IngestLog {
  /** One JSON line per file outcome and per session event. */
  listener: PipelineListener;
  /** A line saying why the run stopped. */
  stopped(error: unknown): void;
  /** Writes what is buffered and stops listening for SIGHUP; call before exiting. */
  close(): void;
}

export interface IngestLogOptions {
  cwd: string;
  /** Keep patient names out (`--log-file` does unless `--no-redact`). */
  redact: boolean;
  /** Who may read a log file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
}

/**
 * `--log-file PATH` (`-` for stderr): the run's structured log. A file is reopened on SIGHUP, as logrotate
 * expects of a long run (`postrotate … kill -HUP`): the lines after it go to a new file at the same path,
 * which starts with a `log_reopened` line.
 */
export async function openIngestLog(destination: string, options: IngestLogOptions): Promise<IngestLog> {
  const logger = await openPipelineLogger(destination, { cwd: options.cwd, fileMode: options.fileMode });
  const onHangup = () => {
    try {
      logger.reopen();
      logger.info({ event: 'log_reopened' }, 'log reopened');
    } catch (error) {
      // The old file is still open: say so there rather than crash the run over its log.
      logger.error({ event: 'log_reopen_failed', error: describeError(error) }, 'could not reopen the log');
    }
  };
  if (logger.file) process.on('SIGHUP', onHangup);
  return {
    listener: createLogListener(logger, { redact: options.redact }),
    stopped: (error) => {
      const message = describeError(error);
      logger.error({ event: 'session_failed', error: options.redact ? redactNames(message) : message }, 'run stopped');
    },
    close: () => {
      process.off('SIGHUP', onHangup);
      logger.flush();
    },
  };
}
