/**
 * Typed errors carry the exit code they map to; only `main` turns them into a process exit.
 * The codes are documented in the README and in `--help`.
 */
export const ExitCode = {
  Success: 0,
  /** Every file was handled, but some wait for an admin's review. */
  ReviewPending: 2,
  /** The batch finished, but some files failed. */
  SomeFailed: 3,
  /** Bad flags, bad arguments or bad configuration. */
  Usage: 64,
  /** A required service (database, vector store, embedder) is unavailable. */
  ServiceUnavailable: 69,
  /** An unexpected internal error: a bug. */
  Internal: 70,
  /**
   * The command's work is done, but what it printed could not be written: stdout (or stderr) on a full or
   * failing disk (sysexits' EX_IOERR).
   */
  OutputLost: 74,
  /** Another run holds the lock on this directory and database, or another program the database's own lock. */
  Locked: 75,
  /** Interrupted by Ctrl-C / SIGINT / SIGTERM. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: printed as a message, without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Usage,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
    this.name = 'UsageError';
  }
}

/**
 * A backend is down: unreachable, not answering within its timeout, or refusing our credentials (401/403).
 * Never one file's fault, so an ingest that meets it stops taking new files, lets the files in flight
 * finish and exits 69, leaving the files not done for the next run. A failure tied to one request (its
 * input refused, a 5xx that outlived its retries) is not this class: it fails that file alone.
 */
export class ServiceUnavailableError extends UserError {
  /** `exitCode`: 69, or 75 for a database another program keeps locked (try again later, as for a run lock). */
  constructor(message: string, hint?: string, exitCode: ExitCode = ExitCode.ServiceUnavailable) {
    super(message, exitCode, hint);
    this.name = 'ServiceUnavailableError';
  }
}
