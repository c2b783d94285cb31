import { randomBytes } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { FILE_QUEUE, GIVEN_UP_QUEUE, type QueueSettings } from '../core/queue/defaults.js';
import { describeError } from '../core/text/describe-error.js';
import type { OpenDatabase } from '../db/open-database.js';
import { UsageError } from '../errors.js';
import { pgBossStatements } from './pg-boss-statements.js';

/** What a file's job carries: the database holds everything else about the file. */
export interface FileJobData {
  sessionId: string;
  fileId: string;
  /** For people reading the queue (and the logs); the worker reads the path from the file's row. */
  relativePath: string;
}

/** A job taken from the queue. */
export interface FileJob extends FileJobData {
  id: string;
  /** Attempts before this one that ended in an error (pg-boss's retry count). */
  retryCount: number;
  retryLimit: number;
  /** From the given-up queue: the file's attempts ran out without a worker recording why. */
  givenUp: boolean;
  /** What the last failed attempt said, for a given-up job. */
  lastError: string | null;
  /** When a worker first found the file still being written (ms since the epoch; null: never). */
  stillWritingSince: number | null;
  /** How many times the job was put back for a file still being written. */
  postponements: number;
  /** How many times a worker put the job back, unspent, for a backend down (see release). */
  putBack: number;
  /** The worker that took it (this one). */
  takenBy: string;
}

/** A session's jobs by state, as `status` shows them (finished jobs stay countable until pg-boss drops them). */
export interface SessionJobCounts {
  queued: number;
  active: number;
  done: number;
  failed: number;
  /** When the last active job's time runs out (ISO; null with none active): a lost one is retried after it. */
  activeUntil: string | null;
}

export interface JobQueueOptions extends QueueSettings {
  /**
   * A worker supervises the queue: pg-boss's maintenance retries the jobs of workers that vanished (after
   * their timeout) and moves exhausted ones to the given-up queue. A producer only inserts.
   */
  supervise: boolean;
  /** How often maintenance runs, in seconds (a killed worker's job is retried at most this long after its timeout). */
  maintenanceIntervalSeconds?: number;
  /** pg-boss's own errors (its maintenance failing while the database is away): reported, never thrown. */
  onError?: (error: Error) => void;
}

/** Queued jobs older than this are dropped by pg-boss (the sweep of a worker would queue them again). */
const RETENTION_MINUTES = 30 * 24 * 60;
const INSERT_CHUNK = 1000;

/**
 * The job queue: pg-boss 10, in its own schema of the registry's PostgreSQL database, reached through the
 * registry's own connection pool (so its connections have the very same settings, TLS included). One job
 * per file; the file's row in the registry stays the only truth, so the queue only dispatches.
 */
export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly db: Kysely<unknown>,
    private readonly settings: JobQueueOptions,
  ) {}

  static async open(database: OpenDatabase, options: JobQueueOptions): Promise<JobQueue> {
    if (database.dialect !== 'postgres') {
      throw new UsageError(
        'the job queue needs a PostgreSQL database, and this one is SQLite',
        'point --db (or TECSALUD_DB) at postgres://…; with SQLite, run `tecsalud-batch ingest DIR` without --enqueue',
      );
    }
    // Without the camelCase plugin: pg-boss's rows and its jobs' data must reach it as they are.
    const db = database.db.withoutPlugins() as unknown as Kysely<unknown>;
    const { default: PgBossClass } = await import('pg-boss');
    const boss = new PgBossClass({
      db: {
        executeSql: async (text: string, values?: unknown[]) =>
          db.executeQuery(CompiledQuery.raw(text, values ?? [])) as Promise<{ rows: never[] }>,
      },
      schema: options.schema,
      migrate: true,
      supervise: options.supervise,
      schedule: false,
      ...(options.maintenanceIntervalSeconds
        ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds }
        : {}),
    });
    // An EventEmitter's 'error' with no listener would crash the process.
    boss.on('error', (error) => options.onError?.(error));
    await boss.start();
    await boss.createQueue(GIVEN_UP_QUEUE, { name: GIVEN_UP_QUEUE, retentionMinutes: RETENTION_MINUTES });
    await boss.createQueue(FILE_QUEUE, {
      name: FILE_QUEUE,
      deadLetter: GIVEN_UP_QUEUE,
      retryLimit: options.retryLimit,
      retryDelay: options.retryDelaySeconds,
      retryBackoff: true,
      retentionMinutes: RETENTION_MINUTES,
    });
    return new JobQueue(boss, db, options);
  }

  /**
   * One job per file, in the given order (their ids sort in it, and pg-boss takes jobs in id order within
   * one insert), in statements of a thousand. Returns how many were queued: fewer than given when `signal`
   * aborted between two statements.
   */
  async enqueue(
    files: FileJobData[],
    options: {
      timeoutSeconds: number;
      signal?: AbortSignal;
      /** After each statement: how many files have their job so far (a report that cannot wait for the end). */
      onProgress?: (queued: number) => void;
    },
  ): Promise<number> {
    const ids = orderedIds(files.length);
    for (let start = 0; start < files.length; start += INSERT_CHUNK) {
      // Ctrl-C: the statements already sent stand; the files after them get no job (returns how many did).
      if (options.signal?.aborted) return start;
      await this.boss.insert(
        files.slice(start, start + INSERT_CHUNK).map((data, i) => ({
          id: ids[start + i]!,
          name: FILE_QUEUE,
          data,
          retryLimit: this.settings.retryLimit,
          retryDelay: this.settings.retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds: options.timeoutSeconds,
        })),
      );
      options.onProgress?.(Math.min(start + INSERT_CHUNK, files.length));
    }
    return files.length;
  }

  /**
   * Takes up to `max` jobs and gives each this worker's timeout: a worker that vanishes leaves its job
   * active until then, when maintenance hands it to another worker.
   */
  async fetch(max: number, timeoutSeconds: number, workerId: string): Promise<FileJob[]> {
    const jobs = await this.take(FILE_QUEUE, max, timeoutSeconds, workerId);
    return jobs.map((job) => toFileJob(job, false, workerId));
  }

  /** Takes up to `max` given-up jobs (files whose attempts ran out with nobody to record why), likewise. */
  async fetchGivenUp(max: number, timeoutSeconds: number, workerId: string): Promise<FileJob[]> {
    const jobs = await this.take(GIVEN_UP_QUEUE, max, timeoutSeconds, workerId);
    return jobs.map((job) => toFileJob(job, true, workerId));
  }

  /**
   * Fails now the active jobs that the given workers (gone: killed, crashed, their machine down) took, as
   * their --job-timeout would have later: pg-boss retries each while attempts remain (an attempt is spent,
   * as a file that kills its worker must not loop forever). Returns how many of each worker's.
   */
  async failJobsOf(workerIds: string[], message: string): Promise<Map<string, number>> {
    const failed = new Map<string, number>();
    if (workerIds.length === 0) return failed;
    const { rows } = await this.sql<{ id: string; name: string; worker: string }>(
      pgBossStatements(this.settings.schema).heldBy,
      [[FILE_QUEUE, GIVEN_UP_QUEUE], workerIds],
    );
    for (const job of rows) {
      await this.boss.fail(job.name, job.id, { message });
      failed.set(job.worker, (failed.get(job.worker) ?? 0) + 1);
    }
    return failed;
  }

  /**
   * Puts back, without spending an attempt, the active jobs this worker took but does not hold (`holding`: the
   * jobs it has in flight). A take whose COMMIT reached the server but whose answer was lost (the connection
   * cut in between) left its jobs active under this live worker's name: nobody else takes them back, so they
   * waited for their --job-timeout (15 min by default), and `worker --until-idle` with them. Returns how many.
   */
  async releaseStrays(workerId: string, holding: ReadonlySet<string>): Promise<number> {
    const { rows } = await this.sql<{ id: string }>(pgBossStatements(this.settings.schema).releaseStrays, [
      [FILE_QUEUE, GIVEN_UP_QUEUE],
      workerId,
      [...holding],
    ]);
    return rows.length;
  }

  /**
   * pg-boss's fetch and the timeout in ONE transaction. As two statements, a worker killed between them
   * (or frozen, then killed) left its jobs active under the expiry they were queued with, so the files
   * waited that long for another worker, and `worker --until-idle` waited with them.
   */
  private async take(
    queue: string,
    max: number,
    timeoutSeconds: number,
    workerId: string,
  ): Promise<PgBoss.JobWithMetadata<FileJobData>[]> {
    return this.db.transaction().execute(async (trx) => {
      const db = {
        executeSql: (text: string, values: unknown[]) => trx.executeQuery(CompiledQuery.raw(text, values)),
      };
      const jobs = await this.boss.fetch<FileJobData>(queue, { batchSize: max, includeMetadata: true, db });
      if (jobs.length > 0) {
        await trx.executeQuery(
          CompiledQuery.raw(pgBossStatements(this.settings.schema).setTimeout, [
            queue,
            jobs.map((job) => job.id),
            timeoutSeconds,
            workerId,
          ]),
        );
      }
      return jobs;
    });
  }

  async complete(job: FileJob, output: Record<string, unknown> = {}): Promise<void> {
    await this.boss.complete(queueOf(job), job.id, output);
  }

  /** Fails an attempt: pg-boss retries it after a backoff while attempts remain, else the job is failed. */
  async fail(job: FileJob, error: unknown): Promise<void> {
    await this.boss.fail(queueOf(job), job.id, { message: describeError(error) });
  }

  /**
   * Puts a job back on the queue without spending one of its attempts (a backend is down: the file is not
   * to blame), to be taken again after `delaySeconds` by any worker.
   */
  async release(job: FileJob, delaySeconds: number): Promise<void> {
    await this.sql(pgBossStatements(this.settings.schema).release, [
      queueOf(job),
      job.id,
      delaySeconds,
      job.takenBy,
    ]);
  }

  /**
   * Puts back the job of a file that is not ready yet (still being copied into the folder), without spending
   * an attempt, to be taken again after the queue's retry delay (`queue.retryDelaySeconds`), which it returns.
   */
  async postpone(job: FileJob, now = Date.now()): Promise<number> {
    const delay = this.settings.retryDelaySeconds;
    await this.sql(pgBossStatements(this.settings.schema).postpone, [
      queueOf(job),
      job.id,
      delay,
      Math.floor(now),
    ]);
    return delay;
  }

  /** The ids of a session's files that have a job queued or running (in either queue). */
  async liveFileIds(sessionId: string): Promise<Set<string>> {
    const { rows } = await this.sql<{ file_id: string }>(pgBossStatements(this.settings.schema).liveFileIds, [
      [FILE_QUEUE, GIVEN_UP_QUEUE],
      sessionId,
    ]);
    return new Set(rows.map((row) => row.file_id));
  }

  /** Whether any job is queued, waiting for a retry or running, in either queue. */
  /**
   * The jobs not finished that nobody can take now: held by workers (this one's included), or queued to start
   * later. For `worker --until-idle`, which waits for them and says so.
   */
  async waitingWork(): Promise<QueueWait> {
    const { rows } = await this.sql<{
      active: number | string;
      active_until: Date | string | null;
      later: number | string;
      next_start: Date | string | null;
    }>(pgBossStatements(this.settings.schema).waiting, [[FILE_QUEUE, GIVEN_UP_QUEUE]]);
    const row = rows[0];
    const iso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);
    return {
      active: Number(row?.active ?? 0),
      activeUntil: iso(row?.active_until),
      later: Number(row?.later ?? 0),
      nextStart: iso(row?.next_start),
    };
  }

  /** Whether any job is not finished (queued, retrying or running): what `worker --until-idle` waits out. */
  async hasWork(): Promise<boolean> {
    const wait = await this.waitingWork();
    return wait.active + wait.later > 0;
  }

  /** Stops pg-boss's timers; the connections are the registry's, closed with it. */
  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, close: false, wait: true });
  }

  private async sql<R>(text: string, values: unknown[]): Promise<{ rows: R[] }> {
    return (await this.db.executeQuery(CompiledQuery.raw(text, values))) as { rows: R[] };
  }
}

/**
 * A session's jobs by state, read without starting pg-boss (for `status`): zeros when the queue was never
 * set up in this database.
 */
export async function readSessionJobCounts(
  database: OpenDatabase,
  schema: string,
  sessionId: string,
): Promise<SessionJobCounts | null> {
  if (database.dialect !== 'postgres') return null;
  const db = database.db.withoutPlugins() as unknown as Kysely<unknown>;
  const statements = pgBossStatements(schema);
  const installed = await db.executeQuery<{ name: string | null }>(
    CompiledQuery.raw(statements.installed, []),
  );
  if (!installed.rows[0]?.name) return null;
  const { rows } = await db.executeQuery<{ state: string; n: number | string }>(
    CompiledQuery.raw(statements.sessionJobStates, [FILE_QUEUE, sessionId]),
  );
  const counts: SessionJobCounts = { queued: 0, active: 0, done: 0, failed: 0, activeUntil: null };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.state === 'created' || row.state === 'retry') counts.queued += n;
    else if (row.state === 'active') counts.active += n;
    else if (row.state === 'completed') counts.done += n;
    else if (row.state === 'failed') counts.failed += n;
  }
  if (counts.active > 0) {
    const expiry = await db.executeQuery<{ expires: Date | string | null }>(
      CompiledQuery.raw(statements.sessionActiveExpiry, [FILE_QUEUE, sessionId]),
    );
    const expires = expiry.rows[0]?.expires ?? null;
    counts.activeUntil = expires === null ? null : new Date(expires).toISOString();
  }
  return counts;
}

/** See JobQueue.waitingWork. */
export interface QueueWait {
  /** Jobs being processed, by this worker or others. */
  active: number;
  /** When the last of them runs out of time (--job-timeout): by then a gone worker's jobs are back on the queue. */
  activeUntil: string | null;
  /** Jobs queued to start later. */
  later: number;
  nextStart: string | null;
}

function toFileJob(job: PgBoss.JobWithMetadata<FileJobData>, givenUp: boolean, takenBy: string): FileJob {
  // Written by postpone beside the fields the job was queued with.
  const data = job.data as FileJobData & {
    stillWritingSince?: unknown;
    postponements?: unknown;
    putBack?: unknown;
  };
  const output = job.output as { message?: unknown; value?: { message?: unknown } } | null;
  const lastError = output?.message ?? output?.value?.message;
  return {
    id: job.id,
    sessionId: String(job.data.sessionId),
    fileId: String(job.data.fileId),
    relativePath: String(job.data.relativePath ?? ''),
    retryCount: job.retryCount,
    retryLimit: job.retryLimit,
    givenUp,
    lastError: typeof lastError === 'string' ? lastError : null,
    stillWritingSince:
      data.stillWritingSince == null || !Number.isFinite(Number(data.stillWritingSince))
        ? null
        : Number(data.stillWritingSince),
    postponements: Number(data.postponements ?? 0) || 0,
    putBack: Number(data.putBack ?? 0) || 0,
    takenBy,
  };
}

function queueOf(job: FileJob): string {
  return job.givenUp ? GIVEN_UP_QUEUE : FILE_QUEUE;
}

/**
 * `count` UUIDs (version 7 layout) that sort in the order given: a 48-bit millisecond clock reading, plus
 * the index, then random bits. pg-boss takes the jobs of one insert in id order, so the files of a folder
 * are processed in their path order, as a single run does.
 */
export function orderedIds(count: number, now = Date.now()): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const time = (now + i).toString(16).padStart(12, '0').slice(-12);
    const random = randomBytes(10).toString('hex');
    const variant = ((parseInt(random[3]!, 16) & 0x3) | 0x8).toString(16);
    ids.push(
      `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(8, 20)}`,
    );
  }
  return ids;
}
