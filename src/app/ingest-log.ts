import type { PipelineListener } from '../core/pipeline/events.js';
import { describeError } from '../core/text/describe-error.js';
import { redactNames } from '../core/text/redact-names.js';
import { createLogListener } from '../ingest/log-listener.js';
import type { FileModePolicy } from '../private-files.js';
import { openRotatingLog } from './rotating-log.js';
import type { LogWarningLanguage } from '../ingest/pipeline-logger.js';

export interface IngestLog {
  /** One JSON line per file outcome and per session event. */
  listener: PipelineListener;
  /** A line saying why the run stopped. */
  stopped(error: unknown): void;
  /** `ingest --enqueue`: what it handed to the workers (the files' own lines come from the workers' logs). */
  enqueued(report: {
    sessionId: string;
    jobs: number;
    resumed: boolean;
    alreadyWaiting: number;
    filesNotQueued?: number;
  }): void;
  /**
   * The registry held no patient when the run began and the run created some from filenames (`database`: its
   * display, never a password): right on a first run, the sign of a mistyped --db or TECSALUD_DB otherwise. A
   * cron job's log is what IT reads: said there as a warning, not only in the summary --quiet leaves out.
   */
  registryWasEmpty(database: string, createdPatients: number): void;
  /** Writes what is buffered and stops listening for SIGHUP; call before exiting. */
  close(): void;
  /** A file (not stderr): SIGHUP reopens it (logrotate) instead of stopping the run. */
  reopensOnHangup: boolean;
}

export interface IngestLogOptions {
  cwd: string;
  /** Keep patient names out (`--log-file` does unless `--no-redact`). */
  redact: boolean;
  /** Who may read a log file created here (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /** The language of the one warning a full disk under the log gets on stderr. */
  lang?: LogWarningLanguage;
}

/**
 * `--log-file PATH` (`-` for stderr): the run's structured log. A file is reopened on SIGHUP, as logrotate
 * expects of a long run (`postrotate … kill -HUP`): the lines after it go to a new file at the same path,
 * which starts with a `log_reopened` line.
 */
export async function openIngestLog(destination: string, options: IngestLogOptions): Promise<IngestLog> {
  const logger = await openRotatingLog(destination, {
    cwd: options.cwd,
    fileMode: options.fileMode,
    lang: options.lang,
  });
  return {
    listener: createLogListener(logger, { redact: options.redact, fileIds: true }),
    stopped: (error) => {
      const message = describeError(error);
      logger.error(
        { event: 'session_failed', error: options.redact ? redactNames(message) : message },
        'run stopped',
      );
    },
    enqueued: (report) =>
      logger.info(
        {
          event: report.filesNotQueued === undefined ? 'session_enqueued' : 'session_enqueue_interrupted',
          session_id: report.sessionId,
          jobs_queued: report.jobs,
          resumed: report.resumed,
          already_waiting: report.alreadyWaiting,
          ...(report.filesNotQueued === undefined ? {} : { files_not_queued: report.filesNotQueued }),
        },
        'session queued for the workers',
      ),
    registryWasEmpty: (database, createdPatients) =>
      logger.warn(
        { event: 'registry_empty_at_start', database, created_patients: createdPatients },
        'the registry held no patient before this run: every patient of it was created from a filename',
      ),
    close: () => logger.close(),
    reopensOnHangup: logger.reopensOnHangup,
  };
}
