import type { FileResult } from '../core/pipeline/events.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import type { BatchStatus } from '../db/schema.js';
import type { SessionCounts } from '../db/repositories/session-counter-repository.js';

/** What a worker reports as it goes: the log and the console lines subscribe. */
export type WorkerEvent =
  | { type: 'worker_started'; workerId: string; concurrency: number }
  /** A job taken: the file's steps start (a log then says which worker had which file). */
  | { type: 'job_started'; sessionId: string; fileId: string; jobId: string; attempt: number }
  | { type: 'file_finished'; sessionId: string; result: FileResult; attempt: number }
  /**
   * A file finished before (by this worker or another) whose recorded state changed since: a copy of its
   * content named for another patient took it back into review, or its copies' detail followed it there.
   */
  | { type: 'file_outcome_changed'; sessionId: string; previous: FileResult; result: FileResult }
  /** A job for a file already in a final state (or of a session that is gone): nothing to do. */
  | { type: 'job_skipped'; sessionId: string; fileId: string; reason: string }
  /**
   * The file is not ready (still being copied into the folder): its row says so, and its job went back to the
   * queue, to be taken again after `delaySeconds`, without spending an attempt.
   */
  | {
      type: 'job_postponed';
      sessionId: string;
      fileId: string;
      relativePath: string;
      outcome: FileOutcome;
      reason: string;
      delaySeconds: number;
    }
  /** An attempt threw: pg-boss retries it after a backoff. */
  | { type: 'job_retrying'; sessionId: string; relativePath: string; attempt: number; error: string }
  /** The attempts ran out: the file is failed with the reason. */
  | { type: 'file_given_up'; sessionId: string; relativePath: string; attempts: number; error: string }
  /** A file still being written at every look for too long: failed so that the queue can end (see giveUpStillChanging). */
  | { type: 'file_still_changing'; sessionId: string; relativePath: string; duration: string; reason: string }
  /** A backend is down: the job went back to the queue and the worker pauses. `hint`: what to check, when known. */
  /** `oneShot`: a worker run `--until-idle`, which stops once the outage outlasts its limit. */
  | { type: 'service_down'; error: string; hint: string | null; pauseSeconds: number; oneShot: boolean }
  /**
   * The backends answer again after a `service_down` (a job fetched after the database's outage, a file finished
   * after any backend's): the worker takes jobs again, `downSeconds` after the outage was first seen.
   */
  | { type: 'service_back'; downSeconds: number }
  | {
      type: 'session_finished';
      sessionId: string;
      status: BatchStatus;
      counts: SessionCounts;
      alreadyWaiting: number;
    }
  /** Files of an open queue session that had no job (lost or never queued): queued again. */
  | { type: 'jobs_requeued'; sessionId: string; files: number }
  /**
   * `--until-idle` with nothing to take but jobs not finished: held by other workers (perhaps gone: their jobs
   * come back when `activeUntil` passes) or queued for later. Said when it starts waiting, then each minute.
   */
  | {
      type: 'worker_waiting';
      active: number;
      activeUntil: string | null;
      later: number;
      nextStart: string | null;
    }
  /** Active jobs of workers that are gone, failed now (pg-boss retries them) rather than at their timeout. */
  | { type: 'jobs_reclaimed'; jobs: number; workers: string[] }
  /**
   * Jobs this worker had taken without knowing it (the outage cut the connection between the take's COMMIT and
   * its answer), put back on the queue without spending an attempt, rather than left to their --job-timeout.
   */
  | { type: 'strays_put_back'; jobs: number }
  | { type: 'worker_stopping'; reason: 'signal' | 'idle' | 'error' }
  | { type: 'worker_stopped'; workerId: string; files: number; seconds: number };

export type WorkerListener = (event: WorkerEvent) => void;
