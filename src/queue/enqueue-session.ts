import type { PipelineListener } from '../core/pipeline/events.js';
import { FILE_QUEUE } from '../core/queue/defaults.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditActor } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { discoverFiles } from '../ingest/discover-files.js';
import { byRelativePath } from '../ingest/path-order.js';
import {
  beginRun,
  disposeOf,
  ownFilesOf,
  prepareCollection,
  registerFiles,
  resolveSourceDir,
  settleMissing,
  settleUpFront,
  startSession,
  type RunPlan,
} from '../ingest/run-ingest.js';
import type { FileToProcess } from '../ingest/file-processor.js';
import { checkBeforeMatching } from '../ingest/check-drop-file.js';
import type { FileResult } from '../core/pipeline/events.js';
import type { ProcessedFile } from '../ingest/session-tally.js';
import { runAuditActor, type IngestDependencies, type IngestOptions } from '../ingest/types.js';
import { settleQueueSession } from './finish-queue-session.js';
import type { JobQueue } from './job-queue.js';
import { enqueueInterruptedNote } from '../core/pipeline/session-notes.js';

/** How far the queueing is: `queued` of the `total` files to queue have their job. */
export type QueueProgress = (progress: { sessionId: string; queued: number; total: number }) => void;

export interface EnqueuedSession {
  session: BatchUpload;
  /** Jobs queued: one per file found (by this call: a resumed enqueue's files that have a job are not counted). */
  jobs: number;
  /** Stopped by Ctrl-C (`options.signal`): the files still without a job, which the same command queues. */
  interrupted?: { filesLeft: number };
  /** The folder's unfinished enqueued session was joined (interrupted, or its workers not done yet). */
  resumed?: boolean;
  /** Hidden and system entries of the folder skipped (see discoverFiles); absent for a session not of a folder. */
  skippedHidden?: string[];
  /** The --glob matched no file of a folder holding this many. */
  filesNotMatchingGlob?: number;
  /**
   * The files this call settled instead of queueing, in path order: those failed at registration (a bad name, a
   * check before matching), settled from memory, or gone from a resumed session. Absent for a session not of a folder.
   */
  settled?: FileResult[];
}

/**
 * `ingest DIR --enqueue`: the first steps of a run (find the files, open the session, register every file
 * — --max-files does not apply: workers pull — and check the vector collection), then one job per file
 * instead of processing them. The session is marked as the queue's before its jobs are queued, so that a
 * kill half way leaves it to the workers' sweep, which queues the files that got no job.
 */
export async function enqueueFolder(
  options: IngestOptions,
  deps: IngestDependencies,
  queue: JobQueue,
  settings: { timeoutSeconds: number; listener?: PipelineListener; onQueued?: QueueProgress },
): Promise<EnqueuedSession> {
  const listener = settings.listener ?? (() => undefined);
  const sourceDir = await resolveSourceDir(options.sourceDir);
  const discovery = await discoverFiles({
    sourceDir,
    glob: options.glob,
    skip: await ownFilesOf(options, deps),
    includeHidden: options.includeHidden,
  });
  await prepareCollection({ options, deps });
  // Every file is queued (--max-files does not apply: workers pull); an interrupted run's session of the
  // folder that stores documents the same way is resumed, as a run would.
  const all = { ...options, maxFiles: Number.MAX_SAFE_INTEGER, resumeUnfinishedEnqueue: true };
  const run = await beginRun(all, deps, listener, sourceDir, { collectResults: true });
  const plan = await registerFiles(run, discovery);
  await startSession(run);
  const sessionId = run.session.id;
  // A resumed enqueue: the files that got their job (before a Ctrl-C, or by the first enqueue whose workers
  // are still at it) keep it, and get no second one.
  const queued = run.resumed ? await queue.liveFileIds(sessionId) : new Set<string>();
  // Files the run settles before matching are settled here, as `ingest DIR` records them: failed, or left for the
  // next run as still being written. No worker has anything to do with them.
  const { failed, work } = await refuseBeforeMatching(
    plan.work.filter((file) => !queued.has(file.fileId)),
    options,
  );
  // Entries that failed as found, those files and files settled from memory need no worker: recorded here,
  // each in the log as a run's are.
  const settled = async (file: FileToProcess, processed: ProcessedFile) => {
    await disposeOf(run, file, processed.result);
    run.tally.record(processed);
    run.results!.push(processed.result);
    listener({ type: 'file_finished', result: processed.result, totals: run.tally.snapshot() });
  };
  await settleUpFront(run, { ...plan, failedEntries: [...plan.failedEntries, ...failed] }, settled);
  // Files gone since an earlier run of the session: the workers have not hashed the new names yet.
  await settleMissing(run, plan.missing ?? [], settled);
  // The session's counts with them, as `status` and this command's report read them while the workers work.
  await run.counters.recount(sessionId);
  const enqueued = await queueSessionFiles(
    deps.database,
    queue,
    sessionId,
    work.map((file) => ({ fileId: file.fileId, relativePath: file.relativePath })),
    {
      timeoutSeconds: settings.timeoutSeconds,
      actor: runAuditActor(options),
      signal: options.signal,
      onQueued: settings.onQueued,
    },
  );
  return {
    ...enqueued,
    resumed: run.resumed,
    settled: run.results!.sort(byRelativePath),
    skippedHidden: discovery.skippedHidden,
    ...(discovery.filesNotMatchingGlob ? { filesNotMatchingGlob: discovery.filesNotMatchingGlob } : {}),
  };
}

/**
 * The files a run settles before matching, with its outcome and words (see checkBeforeMatching): a name that does
 * not parse, a link out of the folder, an unreadable, over-size, empty or not-a-PDF file fail; a transfer still
 * under way, and an empty or cut-short file that changed while it was watched, are left for the next run
 * (`still_being_written`), not queued: the folder's next `ingest --enqueue` queues them once complete, as the next
 * `ingest DIR` reads them.
 */
async function refuseBeforeMatching(
  files: FileToProcess[],
  options: IngestOptions,
): Promise<{ failed: RunPlan['failedEntries']; work: FileToProcess[] }> {
  const failed: RunPlan['failedEntries'] = [];
  const work: FileToProcess[] = [];
  for (const { file, failure } of await checkBeforeMatching(files, options)) {
    if (failure) failed.push({ file, outcome: failure.outcome, message: failure.message });
    else work.push(file);
  }
  return { failed, work };
}

/**
 * Hands a registered session's unfinished files to the queue (the seam `serve` uses to process a session
 * with workers when a queue is configured): marks it as the queue's, queues one job per file, and closes
 * it at once when it has none.
 */
export async function enqueueRegisteredSession(
  database: OpenDatabase,
  queue: JobQueue,
  sessionId: string,
  settings: { timeoutSeconds: number; actor: AuditActor },
): Promise<EnqueuedSession> {
  const batches = new BatchRepository(database.db);
  const session = await batches.findSession(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  if (session.status === 'pending') await batches.markStarted(sessionId);
  const unfinished = await new QueueRepository(database.db).unfinishedFiles(sessionId);
  return queueSessionFiles(
    database,
    queue,
    sessionId,
    unfinished.map((file) => ({ fileId: file.id, relativePath: file.relativePath })),
    settings,
  );
}

async function queueSessionFiles(
  database: OpenDatabase,
  queue: JobQueue,
  sessionId: string,
  files: { fileId: string; relativePath: string }[],
  settings: {
    timeoutSeconds: number;
    actor: AuditActor;
    signal?: AbortSignal | undefined;
    onQueued?: QueueProgress | undefined;
  },
): Promise<EnqueuedSession> {
  await new QueueRepository(database.db).recordQueueSession(sessionId, FILE_QUEUE, files.length);
  settings.onQueued?.({ sessionId, queued: 0, total: files.length });
  const jobs = await queue.enqueue(
    files.map((file) => ({ sessionId, ...file })),
    {
      timeoutSeconds: settings.timeoutSeconds,
      signal: settings.signal,
      onProgress: (queued) => settings.onQueued?.({ sessionId, queued, total: files.length }),
    },
  );
  const filesLeft = files.length - jobs;
  await new AuditRepository(database.db).record({
    ...settings.actor,
    action: filesLeft > 0 ? 'session_enqueue_interrupted' : 'session_enqueued',
    batchId: sessionId,
    entityType: 'batch_upload',
    entityId: sessionId,
    details: { jobs, queue: FILE_QUEUE, ...(filesLeft > 0 ? { files_left: filesLeft } : {}) },
  });
  const batches = new BatchRepository(database.db);
  if (filesLeft > 0) {
    // Interrupted: the session waits for the same command, which queues the files still without a job.
    // Its workers leave it alone meanwhile (a closed session's jobs are skipped; the next enqueue queues
    // those files again).
    await batches.markInterruptedBecause(sessionId, enqueueInterruptedNote(filesLeft));
    return { session: (await batches.findSession(sessionId))!, jobs, interrupted: { filesLeft } };
  }
  if (files.length === 0) await settleQueueSession(database, sessionId, settings.actor, queue);
  const session = (await batches.findSession(sessionId))!;
  return { session, jobs };
}
