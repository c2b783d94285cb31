import os from 'node:os';
import {
  FILE_OUTCOMES,
  outcomeKind,
  processingStatusFor,
  type FileOutcome,
} from '../core/pipeline/file-outcome.js';
import type { FileResult } from '../core/pipeline/events.js';
import { describeError } from '../core/text/describe-error.js';
import type { OpenDatabase } from '../db/open-database.js';
import { sweepForcedSession } from '../documents/remove-copies-elsewhere.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { BatchFile } from '../db/schema.js';
import { ExitCode, ServiceUnavailableError, UserError } from '../errors.js';
import { asRecorded, followHolderAfterWrite, shareTakenBackReview } from '../ingest/outcome-changes.js';
import { resultFromRow, takenBackResult } from '../ingest/recorded-result.js';
import { disposeOf } from '../ingest/run-ingest.js';
import type { TakenBack } from '../ingest/session-tally.js';
import { describeDuration, keptChanging, keptChangingTooLong } from '../core/pipeline/still-being-written.js';
import { isServiceDown, namedOutage } from './classify-failure.js';
import { settleQueueSession } from './finish-queue-session.js';
import type { FileJob, JobQueue } from './job-queue.js';
import { WORKER_GONE_AFTER_MS, workerRunning } from './worker-liveness.js';
import { requeueLostFiles } from './requeue-lost-files.js';
import { ingestOptionsOf, sessionCollection, SessionWork, type OpenSessionAdapters } from './session-work.js';
import type { WorkerListener } from './worker-events.js';
import { sessionAuditActor } from '../db/session-options.js';

/** How often `worker --until-idle` says what it still waits for. */
const WAIT_REPORT_INTERVAL_MS = 60_000;
/** How often a worker looks for jobs held by workers that are gone. */
const RECLAIM_INTERVAL_MS = 30_000;

export interface QueueWorkerOptions {
  workerId: string;
  /** Jobs in flight at once. */
  concurrency: number;
  /** How long a job may run before the queue hands it to another worker (this one is taken for dead). */
  jobTimeoutSeconds: number;
  /** Stop once the queue holds no job at all (queued, waiting for a retry, or running anywhere). */
  untilIdle: boolean;
  /** Aborted: take no more jobs, finish those in flight, stop. */
  signal?: AbortSignal;
  /** The version of the tool, as the worker registers itself. */
  version: string;
  /** How long an idle worker waits before asking the queue again (default 1 s). */
  pollIntervalMs?: number;
  /** How often a worker looks for unfinished files that have no job (default every 5 minutes). */
  sweepIntervalMs?: number;
  /** How often the worker says it is alive (default 10 s). */
  heartbeatIntervalMs?: number;
  /** Pauses after a backend was found down: from this, doubling, up to `maxPauseMs` (defaults 2 s, 60 s). */
  firstPauseMs?: number;
  maxPauseMs?: number;
  /**
   * Stop, with the outage's error, once one outage has lasted this long. A worker that serves for good rides out
   * any outage; a one-shot run (`--until-idle`, from cron or a script) must end, or it holds its slot for ever.
   */
  giveUpAfterOutageMs?: number;
  listener?: WorkerListener;
}

export interface WorkerSummary {
  workerId: string;
  /** Files this worker brought to a final state. */
  files: number;
  /** By outcome. */
  outcomes: Partial<Record<FileOutcome, number>>;
  seconds: number;
  /** Stopped by the signal (SIGTERM, Ctrl-C) rather than by an idle queue. */
  interrupted: boolean;
}

/** Why a one-shot worker stopped in an outage, and what to do (translated whole in service-errors-es). */
export function givenUpHint(seconds: number): string {
  return (
    `the service was still down after ${seconds} s, so this --until-idle run stopped without failing any file: ` +
    `run the worker again once the service is back, and it takes up the jobs left`
  );
}

/** How often, at most, a worker brings one session's counters up to date while files keep finishing. */
const SETTLE_INTERVAL_MS = 1000;

/**
 * A worker: takes file jobs from the queue, `concurrency` at a time, and runs each file through the same
 * steps as `ingest` (FileProcessor), writing in groups as a run does. The file's row is the truth: a job
 * for a file already final is done at once. Failures:
 * - a backend down (database, vector store, embedder): the job goes back to the queue untouched and the
 *   worker pauses with a growing backoff; the file is never failed for it;
 * - any other error: the attempt fails and pg-boss retries it after a backoff; on the last attempt the file
 *   is failed (`processing_failed`) with the reason;
 * - a file not ready (still being copied into the folder): its job goes back to the queue for a later look,
 *   without spending an attempt;
 * - a worker that vanished: pg-boss's maintenance (run by every live worker) hands its jobs to another
 *   after their timeout; jobs whose attempts ran out that way arrive on the given-up queue, and their files
 *   are failed with the reason.
 */
export class QueueWorker {
  private readonly batches: BatchRepository;
  private readonly repository: QueueRepository;
  private readonly sessions = new Map<string, Promise<SessionWork | null>>();
  private readonly lastSettled = new Map<string, number>();
  private readonly summary: WorkerSummary;
  private slotsBusy = 0;
  private wakeUp: (() => void) | null = null;
  private pauseMs = 0;
  private pausedUntil = 0;
  /**
   * The outage being paused for: when first seen, and whether only the database was seen failing (a fetch from
   * the queue then proves it back) or a file's backend (a vector store, an embedder: only a file finishing does).
   * The operator is told when it ends, and how long it lasted.
   */
  private outage: { since: number; databaseOnly: boolean } | null = null;
  private fatal: unknown = null;

  constructor(
    private readonly database: OpenDatabase,
    private readonly queue: JobQueue,
    private readonly openAdapters: OpenSessionAdapters,
    private readonly options: QueueWorkerOptions,
  ) {
    this.batches = new BatchRepository(database.db);
    this.repository = new QueueRepository(database.db);
    this.summary = { workerId: options.workerId, files: 0, outcomes: {}, seconds: 0, interrupted: false };
  }

  async run(): Promise<WorkerSummary> {
    const started = performance.now();
    const { options } = this;
    await this.repository.registerWorker({
      id: options.workerId,
      host: os.hostname(),
      pid: process.pid,
      version: options.version,
      concurrency: options.concurrency,
      startedAt: new Date().toISOString(),
    });
    const heartbeat = setInterval(
      () => void this.repository.heartbeat(options.workerId).catch(() => undefined),
      options.heartbeatIntervalMs ?? 10_000,
    );
    heartbeat.unref();
    const onAbort = () => this.wake();
    options.signal?.addEventListener('abort', onAbort);
    this.emit({ type: 'worker_started', workerId: options.workerId, concurrency: options.concurrency });
    const inFlight = new Set<Promise<void>>();
    try {
      let lastSweep = 0;
      let lastWaitReport = 0;
      let lastReclaim = 0;
      while (!this.stopping()) {
        const now = Date.now();
        if (now < this.pausedUntil) {
          await this.sleep(this.pausedUntil - now);
          continue;
        }
        if (this.pausedUntil > 0) {
          this.pausedUntil = 0;
          await this.resumeWrites();
        }
        const free = options.concurrency - this.slotsBusy;
        if (free <= 0) {
          await this.sleep(60_000);
          continue;
        }
        let jobs: FileJob[];
        try {
          await this.settleOwedQueueWrites();
          if (this.strayCheckDue) await this.putBackStrays();
          if (Date.now() - lastReclaim >= RECLAIM_INTERVAL_MS) {
            lastReclaim = Date.now();
            await this.reclaimJobsOfGoneWorkers();
          }
          jobs = await this.queue.fetchGivenUp(free, options.jobTimeoutSeconds, options.workerId);
          if (jobs.length < free)
            jobs.push(
              ...(await this.queue.fetch(free - jobs.length, options.jobTimeoutSeconds, options.workerId)),
            );
          if (this.outage?.databaseOnly) this.outageOver();
        } catch (error) {
          if (!isServiceDown(error)) throw error;
          this.pause(error, true);
          continue;
        }
        if (jobs.length > 0) {
          lastWaitReport = 0;
          for (const job of jobs) this.start(job, inFlight);
          continue;
        }
        // Nothing to take. With nothing in flight either, this is the moment for the slower chores.
        if (inFlight.size === 0) {
          try {
            await this.settleTouchedSessions(true);
            if (Date.now() - lastSweep >= (options.sweepIntervalMs ?? 5 * 60_000) || options.untilIdle) {
              lastSweep = Date.now();
              await this.sweep();
            }
            if (options.untilIdle) {
              const wait = await this.queue.waitingWork();
              if (wait.active + wait.later === 0) {
                this.emit({ type: 'worker_stopping', reason: 'idle' });
                break;
              }
              // Jobs another worker holds (perhaps one that is gone) or queued for later: said, not silent.
              if (Date.now() - lastWaitReport >= WAIT_REPORT_INTERVAL_MS) {
                lastWaitReport = Date.now();
                this.emit({ type: 'worker_waiting', ...wait });
              }
            }
          } catch (error) {
            if (!isServiceDown(error)) throw error;
            this.pause(error, true);
            continue;
          }
        }
        await this.sleep(options.pollIntervalMs ?? 1000);
      }
      if (this.options.signal?.aborted) {
        this.summary.interrupted = true;
        this.emit({ type: 'worker_stopping', reason: 'signal' });
      }
    } catch (error) {
      this.fatal ??= error;
      this.emit({ type: 'worker_stopping', reason: 'error' });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      // Files in flight finish, their groups are written, and their jobs completed.
      await Promise.all(inFlight);
      await this.closeSessions();
      // The clean-up's statements, each bounded; once one finds the database gone the rest are not tried (see
      // databaseGoneWhileStopping).
      const tidy = async (step: () => Promise<unknown>) => {
        if (this.databaseGoneWhileStopping) return;
        try {
          await step();
        } catch (error) {
          if (isServiceDown(error)) this.databaseGoneWhileStopping = true;
        }
      };
      await tidy(() => this.settleOwedQueueWrites());
      await tidy(() => this.settleTouchedSessions(true));
      await tidy(() => this.recountFromRows(this.countedIngested.keys()));
      clearInterval(heartbeat);
      await tidy(() => this.repository.workerStopped(options.workerId));
    }
    this.summary.seconds = (performance.now() - started) / 1000;
    this.emit({
      type: 'worker_stopped',
      workerId: options.workerId,
      files: this.summary.files,
      seconds: this.summary.seconds,
    });
    if (this.fatal) throw this.fatal;
    return this.summary;
  }

  /** Runs one job in a slot; the slot frees when the file hands its write over (as in a single run). */
  private start(job: FileJob, inFlight: Set<Promise<void>>): void {
    this.slotsBusy++;
    this.heldJobs.add(job.id);
    let freed = false;
    const freeSlot = () => {
      if (freed) return;
      freed = true;
      this.slotsBusy--;
      this.wake();
    };
    const done: Promise<void> = this.handle(job, freeSlot)
      .catch((error: unknown) => {
        this.fatal ??= error;
        this.wake();
      })
      .finally(() => {
        freeSlot();
        this.heldJobs.delete(job.id);
        inFlight.delete(done);
      });
    inFlight.add(done);
  }

  private async handle(job: FileJob, freeSlot: () => void): Promise<void> {
    let file: BatchFile | undefined;
    try {
      file = await this.batches.findFile(job.fileId);
      if (!file || isFinal(file)) {
        // Given again (its first worker died, or outlived its timeout) for a file that attempt made final: it may
        // have died between the file's row and the removal of its document's old chunks elsewhere.
        if (file && job.retryCount > 0) await this.sweepForcedSession(job.sessionId);
        await this.queue.complete(job, { skipped: file ? `already ${file.outcome}` : 'file not registered' });
        this.emit({
          type: 'job_skipped',
          sessionId: job.sessionId,
          fileId: job.fileId,
          reason: file ? `already ${file.outcome}` : 'the file is no longer registered',
        });
        return;
      }
      if (job.givenUp) {
        await this.giveUp(job, file, job.lastError ?? 'the worker processing it stopped answering');
        await this.queue.complete(job, { failed: job.fileId });
        return;
      }
      await this.joinSession(job.sessionId);
      const work = await this.sessionWork(job.sessionId);
      if (!work) {
        await this.queue.complete(job, { skipped: 'session closed' });
        this.emit({
          type: 'job_skipped',
          sessionId: job.sessionId,
          fileId: job.fileId,
          reason: 'its session is closed',
        });
        return;
      }
      this.emit({
        type: 'job_started',
        sessionId: job.sessionId,
        fileId: job.fileId,
        jobId: job.id,
        attempt: job.retryCount + 1,
      });
      const handOff = () => {
        if (work.committer.backlog <= 2 * work.storeBatchSize) freeSlot();
      };
      // A later attempt (its first one's worker died, outlived the job's timeout, or found a backend down and
      // put the job back) may find its own writes.
      const toProcess = { ...(await work.toProcess(file)), retried: job.retryCount > 0 || job.putBack > 0 };
      const processed = await work.processor.process(toProcess, handOff);
      if (outcomeKind(processed.result.outcome) === 'pending') {
        await this.postpone(job, processed.result, work.options.stillWritingMs ?? 0);
        return;
      }
      const taken = processed.takenBack;
      // Its holder may still be in one of this worker's slots: its report, if still to come, follows its row.
      if (taken) this.takenBackUnreported.set(taken.fileId, taken);
      // Drop-folder hygiene, once the file's final state is committed (as a run does).
      await disposeOf(
        {
          options: work.options,
          audit: work.audit,
          session: work.session,
          batches: work.batches,
          deps: work.deps,
          sourceDir: work.session.sourceDir,
        },
        toProcess,
        processed.result,
      );
      await this.repository.recordWorkerFile(this.options.workerId, job.sessionId);
      // Counted and reported as its row records it now: a copy may have taken it back meanwhile, or, for a
      // copy, its holder may have been taken back by another worker while this copy's row waited for its write.
      const result = processed.holder
        ? await followHolderAfterWrite(
            work.batches,
            job.sessionId,
            this.asRecorded(processed.result),
            processed.holder,
          )
        : this.asRecorded(processed.result);
      await this.queue.complete(job, { outcome: result.outcome });
      this.count(result.outcome, job.sessionId, result.fileId);
      this.pauseMs = 0;
      this.outageOver();
      this.emit({ type: 'file_finished', sessionId: job.sessionId, result, attempt: job.retryCount + 1 });
      if (taken) await this.reportTakenBack(job.sessionId, work, taken, processed.result.contentSha256);
      this.touched(job.sessionId);
      await this.settleTouchedSessions(false);
    } catch (error) {
      await this.failed(job, file, error);
    }
  }

  /**
   * A file the steps left pending — still being copied into the folder when read, as `ingest DIR` leaves it for
   * its next run — is neither done nor this attempt's failure: completed, its job would leave the file to the
   * next sweep; failed, a long copy would spend every attempt and end the file `processing_failed`. Its job
   * goes back to the queue for a later look, without spending an attempt; its row says why meanwhile. One
   * that has kept changing for STILL_WRITING_WINDOWS_BEFORE_GIVING_UP windows is given up instead (see there).
   */
  private async postpone(job: FileJob, result: FileResult, windowMs: number): Promise<void> {
    const nowMs = Date.now();
    if (keptChangingTooLong(job.stillWritingSince, { nowMs, windowMs })) {
      await this.giveUpStillChanging(job, result, nowMs - job.stillWritingSince!);
      return;
    }
    const delaySeconds = await this.queue.postpone(job, nowMs);
    this.emit({
      type: 'job_postponed',
      sessionId: job.sessionId,
      fileId: job.fileId,
      relativePath: result.relativePath,
      outcome: result.outcome,
      reason: result.message ?? '',
      delaySeconds,
    });
  }

  /**
   * A file still being written at every look for too long: failed (`processing_failed`, not quarantined nor moved)
   * with how long and why, so that the queue, and `worker --until-idle`, can end. The file stays in the folder;
   * the folder's next `ingest --enqueue` registers it again, as a new session's file.
   */
  private async giveUpStillChanging(job: FileJob, result: FileResult, forMs: number): Promise<void> {
    const outcome: FileOutcome = 'processing_failed';
    const message = keptChanging(forMs, job.postponements + 1, result.message ?? result.outcome);
    await this.batches.updateFile(job.fileId, {
      outcome,
      processingStatus: processingStatusFor(outcome),
      errorMessage: message,
    });
    await this.queue.complete(job, { failed: job.fileId });
    await this.repository.recordWorkerFile(this.options.workerId, job.sessionId);
    this.count(outcome, job.sessionId, job.fileId);
    this.emit({
      type: 'file_still_changing',
      sessionId: job.sessionId,
      relativePath: result.relativePath,
      duration: describeDuration(forMs),
      reason: result.message ?? '',
    });
    this.touched(job.sessionId);
    await this.settleTouchedSessions(false);
  }

  /**
   * An ingested file that a copy took back into review before this worker reported it: reported as its row
   * now records it (as a run reports it, see OutcomeChanges.seen).
   */
  private asRecorded(result: FileResult): FileResult {
    const recorded = asRecorded(result, this.takenBackUnreported);
    if (recorded !== result) this.takenBackUnreported.delete(result.fileId);
    return recorded;
  }

  /**
   * A copy naming another patient took an ingested file of its session back into review: said as a run says
   * it (a `file_outcome_changed` for the file, the progress line's ↺), whichever worker reported the file.
   * The copies that shared its end ("ingested once") now share its review: their rows' detail follows, each
   * reported changed too.
   */
  private async reportTakenBack(
    sessionId: string,
    work: SessionWork,
    taken: TakenBack,
    sha: string | null,
  ): Promise<void> {
    const { previous } = taken;
    const result = takenBackResult(previous.result, taken.message);
    this.recount(sessionId, taken.fileId, result.outcome);
    this.emit({ type: 'file_outcome_changed', sessionId, previous: previous.result, result });
    if (!sha) return;
    // This worker's copies still waiting for their group's write are rows to find. Another worker's are
    // not: each re-reads the holder once its copy is written (followHolderAfterWrite).
    await work.committer.flush();
    const rows = await work.batches.filesWithContent(sessionId, sha);
    for (const { previous, copy } of await shareTakenBackReview(
      work.batches,
      taken.relativePath,
      rows.map(resultFromRow),
    )) {
      this.emit({ type: 'file_outcome_changed', sessionId, previous, result: copy });
    }
  }

  /** The worker names itself among the session's workers on its first job there (see joinWorkerSession). */
  private async joinSession(sessionId: string): Promise<void> {
    if (this.joinedSessions.has(sessionId)) return;
    await this.repository.joinWorkerSession(this.options.workerId, sessionId);
    this.joinedSessions.add(sessionId);
  }

  /** An attempt that threw: put back (a backend down), retried, or the file failed on the last attempt. */
  private async failed(job: FileJob, file: BatchFile | undefined, error: unknown): Promise<void> {
    if (isServiceDown(error)) {
      this.pause(error);
      const delaySeconds = Math.ceil(this.pauseMs / 1000);
      await this.owe(job, () => this.queue.release(job, delaySeconds)).catch(() => undefined);
      return;
    }
    if (error instanceof UserError && error.exitCode === ExitCode.Usage) {
      // This worker's configuration is wrong (another embedder than the session's, say): the file is not
      // to blame. Its job goes back for a worker configured right, and this one stops with the reason.
      await this.queue.release(job, 0).catch(() => undefined);
      throw error;
    }
    const message = describeError(error);
    if (file && job.retryCount >= job.retryLimit) {
      await this.giveUp(job, file, message);
    } else {
      this.emit({
        type: 'job_retrying',
        sessionId: job.sessionId,
        relativePath: file?.relativePath ?? job.relativePath,
        attempt: job.retryCount + 1,
        error: message,
      });
    }
    await this.owe(job, () => this.queue.fail(job, error));
  }

  /**
   * A write about a job this worker holds (put back, an attempt failed) that found the database down: done
   * again once it answers (settleOwedQueueWrites). Dropped, the job stayed active, held by this worker, which
   * is alive, so no other worker took it back: its file waited for the job's --job-timeout (15 min by
   * default), and `worker --until-idle` with it.
   */
  private async owe(job: FileJob, write: () => Promise<void>): Promise<void> {
    if (this.databaseGoneWhileStopping) {
      this.owedQueueWrites.push({ jobId: job.id, write });
      return;
    }
    try {
      await write();
    } catch (error) {
      if (!isServiceDown(error)) throw error;
      if (this.stopping()) this.databaseGoneWhileStopping = true;
      this.owedQueueWrites.push({ jobId: job.id, write });
    }
  }

  /** The owed writes, in order; one that finds the database still down throws and stays owed. */
  private async settleOwedQueueWrites(): Promise<void> {
    while (this.owedQueueWrites.length > 0) {
      await this.owedQueueWrites[0]!.write();
      this.owedQueueWrites.shift();
    }
  }

  /** The file's attempts ran out: it ends failed, with the reason, and counts as this worker's. */
  private async giveUp(job: FileJob, file: BatchFile, reason: string): Promise<void> {
    const attempts = job.givenUp ? job.retryLimit + 1 : job.retryCount + 1;
    const outcome: FileOutcome = 'processing_failed';
    await this.batches.updateFile(file.id, {
      outcome,
      processingStatus: processingStatusFor(outcome),
      errorMessage: `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
    });
    await this.repository.recordWorkerFile(this.options.workerId, job.sessionId);
    this.count(outcome, job.sessionId, file.id);
    this.emit({
      type: 'file_given_up',
      sessionId: job.sessionId,
      relativePath: file.relativePath,
      attempts,
      error: reason,
    });
    this.touched(job.sessionId);
    await this.settleTouchedSessions(false);
  }

  /**
   * A `--force` session's sweep (see sweepForcedSession), with the session's work when this worker has it open,
   * else with adapters opened for it (its session may be closed by now). A backend down pauses the worker as a
   * file's would; any other failure leaves the copy to `doctor`, which names it, rather than fail a final file.
   */
  private async sweepForcedSession(sessionId: string): Promise<void> {
    const session = await this.batches.findSession(sessionId);
    if (!session) return;
    const options = ingestOptionsOf(session, this.options.concurrency);
    if (!options.force) return;
    const open = await this.sessions.get(sessionId)?.catch(() => null);
    const opened = open ? null : await this.openAdapters(session, options, sessionCollection(session));
    try {
      await sweepForcedSession((open ?? opened)!.deps, options, sessionId);
    } catch (error) {
      if (isServiceDown(error)) throw error;
    } finally {
      await opened?.close();
    }
  }

  /** The session's work, opened once per worker; null for a session that is gone or no longer running. */
  private sessionWork(sessionId: string): Promise<SessionWork | null> {
    let work = this.sessions.get(sessionId);
    if (!work) {
      work = (async () => {
        const session = await this.batches.findSession(sessionId);
        if (!session || (session.status !== 'processing' && session.status !== 'pending')) return null;
        return SessionWork.open(session, { concurrency: this.options.concurrency }, this.openAdapters);
      })();
      this.sessions.set(sessionId, work);
      // A failure to open (a backend down) is not remembered: the next job tries again.
      work.catch(() => this.sessions.delete(sessionId));
    }
    return work;
  }

  /** Sessions whose files this worker finished since they were last settled. */
  private readonly pendingSettle = new Set<string>();
  /** Files a copy took back into review before this worker reported them (see asRecorded). */
  private readonly takenBackUnreported = new Map<string, TakenBack>();
  /** Files this worker counted ingested, by session, while a copy of theirs may still take them back. */
  private readonly countedIngested = new Map<string, Set<string>>();
  /** Queue writes about this worker's jobs that found the database down (see owe). */
  private readonly owedQueueWrites: { jobId: string; write: () => Promise<void> }[] = [];
  /** The jobs in this worker's slots. */
  private readonly heldJobs = new Set<string>();
  /**
   * Stopping, a queue write or a clean-up statement found the database gone: the others are not tried. Each would
   * wait out its own bound (TECSALUD_DB_TIMEOUT, 120 s by default: a frozen server held a stopping worker for
   * minutes); the jobs stay this worker's, and the next worker takes them back (at once on this host, after three
   * minutes of silence elsewhere) and does the rest (its sweep settles the sessions).
   */
  private databaseGoneWhileStopping = false;
  /** Set by an outage: a queue write of this worker's may have been done with its answer lost (see putBackStrays). */
  private strayCheckDue = false;
  /** Sessions this worker is named among the workers of (see joinSession). */
  private readonly joinedSessions = new Set<string>();

  private touched(sessionId: string): void {
    this.pendingSettle.add(sessionId);
  }

  /**
   * Brings the touched sessions' counters up to date and closes those with no file left (at most once a
   * second per session while files keep finishing; at once when `now`). A closed session's work is released.
   */
  private async settleTouchedSessions(now: boolean): Promise<void> {
    for (const sessionId of [...this.pendingSettle]) {
      if (!now && Date.now() - (this.lastSettled.get(sessionId) ?? 0) < SETTLE_INTERVAL_MS) continue;
      this.pendingSettle.delete(sessionId);
      this.lastSettled.set(sessionId, Date.now());
      const work = await this.sessions.get(sessionId)?.catch(() => null);
      // Files of this session still waiting for their group's write are not final yet: flush them first.
      if (now) await work?.committer.flush();
      const finished = await settleQueueSession(
        this.database,
        sessionId,
        work ? sessionAuditActor(work.session) : { actor: 'worker', actorKind: 'os_user' },
        this.queue,
      );
      if (finished) {
        this.emit({ type: 'session_finished', sessionId, ...finished });
        await this.recountFromRows([sessionId]);
        // Every file of it is final: nothing in flight needs its adapters any more.
        this.sessions.delete(sessionId);
        await work?.close();
      }
    }
  }

  /**
   * DECISIONS 2: whatever process comes next finishes the files not in a final state. A file of an open
   * queue session with no job alive (its job lost, or never queued) gets a job again.
   */
  private async sweep(): Promise<void> {
    for (const { sessionId, files } of await requeueLostFiles(this.database, this.queue, {
      timeoutSeconds: this.options.jobTimeoutSeconds,
    })) {
      this.emit({ type: 'jobs_requeued', sessionId, files });
    }
    // Sessions with every file final but still open (their last worker died before closing them).
    for (const sessionId of await this.repository.openQueueSessions()) this.pendingSettle.add(sessionId);
    await this.settleTouchedSessions(true);
    await this.recountFromRows(this.countedIngested.keys());
  }

  /**
   * The jobs of workers that are gone (killed, crashed, their machine down: silent, or on this host no longer
   * running) go back to the queue now instead of after their --job-timeout (15 min by default), during which
   * their files waited and `worker --until-idle` with them.
   */
  private async reclaimJobsOfGoneWorkers(): Promise<void> {
    const gone = (await this.repository.unstoppedWorkers()).filter(
      (worker) =>
        worker.id !== this.options.workerId &&
        !workerRunning(worker, { silentAfterMs: WORKER_GONE_AFTER_MS }),
    );
    if (gone.length === 0) return;
    const failed = await this.queue.failJobsOf(
      gone.map((worker) => worker.id),
      'its worker is gone (killed, crashed, or its machine went down): taken up again',
    );
    if (failed.size === 0) return;
    const jobs = [...failed.values()].reduce((sum, n) => sum + n, 0);
    const workers = gone
      .filter((worker) => failed.has(worker.id))
      .map((worker) => `${worker.host}:${worker.pid}`);
    this.emit({ type: 'jobs_reclaimed', jobs, workers });
  }

  /**
   * After an outage, the jobs this worker took without knowing it go back to the queue (see JobQueue.releaseStrays):
   * a take whose answer the outage swallowed. Those it holds, in its slots or owing a write about, stay.
   */
  private async putBackStrays(): Promise<void> {
    // Taken before the statement: a job this worker holds now cannot be a stray, and it takes none meanwhile
    // (jobs are taken by this loop only).
    const holding = new Set([...this.heldJobs, ...this.owedQueueWrites.map((owed) => owed.jobId)]);
    this.strayCheckDue = false;
    try {
      const jobs = await this.queue.releaseStrays(this.options.workerId, holding);
      if (jobs > 0) this.emit({ type: 'strays_put_back', jobs });
    } catch (error) {
      this.strayCheckDue = true;
      throw error;
    }
  }

  /** After a pause for a backend down: the sessions' writes try again (one still down pauses the worker again). */
  private async resumeWrites(): Promise<void> {
    for (const work of this.sessions.values()) (await work.catch(() => null))?.committer.resume();
  }

  private async closeSessions(): Promise<void> {
    for (const [sessionId, work] of this.sessions) {
      this.pendingSettle.add(sessionId);
      await (await work.catch(() => null))?.close().catch(() => undefined);
    }
    this.sessions.clear();
  }

  private outageOver(): void {
    if (!this.outage) return;
    this.emit({ type: 'service_back', downSeconds: (Date.now() - this.outage.since) / 1000 });
    this.outage = null;
  }

  /**
   * `fromDatabase`: the error is of the queue's or the worker's own statements, so a fetch from the queue proves the
   * outage over (see `outage`).
   */
  private pause(error: unknown, fromDatabase = false): void {
    // Several jobs in flight find the backend down at once: that is one outage, one pause — doubling once per
    // failure took a blip of half a second straight to the 60 s ceiling.
    this.strayCheckDue = true;
    if (Date.now() < this.pausedUntil) return;
    this.pauseMs =
      this.pauseMs === 0
        ? (this.options.firstPauseMs ?? 2000)
        : Math.min(this.pauseMs * 2, this.options.maxPauseMs ?? 60_000);
    this.pausedUntil = Date.now() + this.pauseMs;
    this.outage = {
      since: this.outage?.since ?? Date.now(),
      databaseOnly: (this.outage?.databaseOnly ?? true) && fromDatabase,
    };
    // Which backend and what to check, also for a file's steps: pg's bare "read ECONNRESET" named neither.
    const down = namedOutage(error, this.database);
    const limit = this.options.giveUpAfterOutageMs;
    if (limit !== undefined && Date.now() - this.outage.since >= limit) {
      // Jobs in flight go back as in any outage (their files are not failed); the loop ends on `fatal`.
      this.fatal ??= new ServiceUnavailableError(
        describeError(down ?? error),
        givenUpHint(Math.round(limit / 1000)),
      );
      this.wake();
      return;
    }
    this.emit({
      type: 'service_down',
      error: describeError(down ?? error),
      hint: down?.hint ?? null,
      pauseSeconds: this.pauseMs / 1000,
      oneShot: limit !== undefined,
    });
  }

  private count(outcome: FileOutcome, sessionId: string, fileId: string): void {
    this.summary.files++;
    this.summary.outcomes[outcome] = (this.summary.outcomes[outcome] ?? 0) + 1;
    if (outcome !== 'ingested') return;
    const counted = this.countedIngested.get(sessionId) ?? new Set<string>();
    counted.add(fileId);
    this.countedIngested.set(sessionId, counted);
  }

  /** A file this worker counted ingested is now `outcome` (taken back): it counts there instead. */
  private recount(sessionId: string, fileId: string, outcome: FileOutcome): void {
    const counted = this.countedIngested.get(sessionId);
    if (!counted?.delete(fileId)) return;
    const { outcomes } = this.summary;
    outcomes.ingested = (outcomes.ingested ?? 1) - 1;
    if (outcomes.ingested === 0) delete outcomes.ingested;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }

  /**
   * The files this worker counted ingested in these sessions, as their rows record them now: another worker's
   * copy may have taken one back into review (this worker was not told). A finished session's files can no
   * longer be taken back: it is forgotten, so a long-running worker keeps only its open sessions' files.
   */
  private async recountFromRows(sessionIds: Iterable<string>): Promise<void> {
    for (const sessionId of [...sessionIds]) {
      const counted = this.countedIngested.get(sessionId);
      if (!counted) continue;
      for (const [fileId, outcome] of await this.batches.outcomesOf([...counted])) {
        if (outcome !== 'ingested' && outcome !== null && outcome in FILE_OUTCOMES)
          this.recount(sessionId, fileId, outcome as FileOutcome);
      }
      const session = await this.batches.findSession(sessionId);
      if (!session || !OPEN_SESSION_STATUSES.has(session.status)) this.countedIngested.delete(sessionId);
    }
  }

  private stopping(): boolean {
    return Boolean(this.options.signal?.aborted) || this.fatal !== null;
  }

  /** Waits `ms`, or less when a slot frees, the signal aborts or a job fails. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const previous = this.wakeUp;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        previous?.();
        done();
      };
    });
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private emit(event: Parameters<WorkerListener>[0]): void {
    this.options.listener?.(event);
  }
}

/** Statuses of a session whose files may still change one another (a copy taking a file back). */
const OPEN_SESSION_STATUSES = new Set<string>(['pending', 'processing', 'interrupted']);

/** A file in a final state: the job for it is a no-op. */
export function isFinal(file: Pick<BatchFile, 'outcome'>): boolean {
  if (file.outcome === null) return false;
  // An outcome this version does not know was written by a newer one: final for all this one can tell.
  if (!(file.outcome in FILE_OUTCOMES)) return true;
  return outcomeKind(file.outcome as FileOutcome) !== 'pending';
}
