/**
 * The job queue's defaults (all configurable). A job's timeout must be longer than the longest a file may
 * take: OCR is allowed 10 minutes per file, and pg-boss 10 has no heartbeat, so a job that outlives its
 * timeout is retried while it still runs (harmless: content-derived ids make the second write the same).
 */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 15 * 60;
/** pg-boss's tables live in their own schema of the registry's database. */
export const DEFAULT_QUEUE_SCHEMA = 'tecsalud_queue';
/** Attempts after the first, for a file whose processing threw (not a file's own outcome). */
export const DEFAULT_JOB_RETRY_LIMIT = 3;
/** The first retry waits about this long, doubling (with jitter) each time. */
export const DEFAULT_JOB_RETRY_DELAY_SECONDS = 10;
/**
 * How long a one-shot worker (`--until-idle`, from cron or a script) waits out a backend that is down before it
 * stops: long enough for a server's restart, short of holding its cron slot for ever.
 */
export const DEFAULT_UNTIL_IDLE_OUTAGE_SECONDS = 120;
/** The queue of files to process, one job per file. */
export const FILE_QUEUE = 'tecsalud-ingest-file';
/** Where pg-boss moves a file's job whose attempts ran out without a worker recording why (a killed worker). */
export const GIVEN_UP_QUEUE = 'tecsalud-ingest-file-given-up';

/** What a worker's queue is configured with. */
export interface QueueSettings {
  /** The PostgreSQL schema for pg-boss's tables. */
  schema: string;
  retryLimit: number;
  retryDelaySeconds: number;
  /** `worker --until-idle` stops (69, failing no file) once one outage of a backend has lasted this long. */
  untilIdleOutageSeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  schema: DEFAULT_QUEUE_SCHEMA,
  retryLimit: DEFAULT_JOB_RETRY_LIMIT,
  retryDelaySeconds: DEFAULT_JOB_RETRY_DELAY_SECONDS,
  untilIdleOutageSeconds: DEFAULT_UNTIL_IDLE_OUTAGE_SECONDS,
};
