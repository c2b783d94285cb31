import fs from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import type { FileResult, PipelineListener, PipelineStage, SessionTotals } from '../core/pipeline/events.js';
import { disposalFor } from '../core/pipeline/file-outcome.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { SessionCounterRepository } from '../db/repositories/session-counter-repository.js';
import type { BatchStatus, BatchUpload } from '../db/schema.js';
import { retryWhileReconnecting, serviceDown } from '../db/connection-loss.js';
import { ServiceUnavailableError, UsageError, UserError } from '../errors.js';
import { discoverFiles, type DiscoveredFile } from './discover-files.js';
import { FileProcessor, type FileToProcess } from './file-processor.js';
import { FileNotFinished } from './file-run.js';
import { GroupCommitter } from './group-committer.js';
import { moveWithoutOverwrite } from './move-file.js';
import { SessionTally, type ProcessedFile } from './session-tally.js';
import { DEFAULT_STORE_BATCH_SIZE, type IngestDependencies, type IngestOptions } from './types.js';

export interface IngestResult {
  session: BatchUpload;
  status: BatchStatus;
  totals: SessionTotals;
  seconds: number;
  interrupted: boolean;
  /**
   * Why the run stopped before its files were done: a backend down (exit 69). The files in flight finished;
   * the others stay for the next run. The caller reports the session, then this error.
   */
  stopped: ServiceUnavailableError | null;
  /** Every file's result, in path order (only when `collectResults` is set: the JSON report). */
  files: FileResult[];
  /** Seconds spent in each stage, summed over files (they overlap under concurrency: compare shares). */
  stageSeconds: Partial<Record<PipelineStage, number>>;
}

/** Persisting the running counts at most this often keeps `status` live without a write per file. */
const COUNTS_FLUSH_MS = 1000;
/**
 * How long a finished file waits for others to share its write. Files in flight go on meanwhile (a file
 * frees its slot when it hands its write over), so the wait costs only how soon its result is reported.
 * At the 35-50 files a second of 2 cores, 40 ms made groups of one or two files; 300 ms took 10-12 % less
 * main-thread CPU per 1,000 files (10.1-10.4 s against 11.4-12.3 s), and 1,000 ms no less than 300.
 */
const STORE_BATCH_DELAY_MS = 300;

/** What the steps of one run share: the session, its repositories, its counts and its listener. */
interface Run {
  options: IngestOptions;
  deps: IngestDependencies;
  listener: PipelineListener;
  sourceDir: string;
  session: BatchUpload;
  batches: BatchRepository;
  audit: AuditRepository;
  counters: SessionCounterRepository;
  tally: SessionTally;
  /** Every file's result, when the caller wants them (the JSON report). */
  results: FileResult[] | null;
}

/**
 * One ingest of a folder, as named steps over a run: open the session, register the files (deferring
 * those over --max-files), make sure the vector collection fits the embedder, start, process the files,
 * finish. Each file's own work is FileProcessor's; the counts are the tally's.
 */
export async function runIngest(
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener = () => undefined,
  settings: { collectResults?: boolean } = {},
): Promise<IngestResult> {
  const started = performance.now();
  const sourceDir = await resolveSourceDir(options.sourceDir);
  const discovered = await discoverFiles({ sourceDir, glob: options.glob });
  const run = await openSession(options, deps, listener, sourceDir, discovered.length, settings);
  const files = await registerFiles(run, discovered);
  await prepareCollection(run);
  await startSession(run);
  const { interrupted, fatal } = await processFiles(run, files);
  let stopped = serviceDown(fatal, deps.database);
  // PostgreSQL may stay away past the retries: the session cannot be recorded then, but the report of what
  // this process did is still printed (--json too) before the run ends with 69; the next run recovers the
  // session left open.
  let lost: ServiceUnavailableError | null = null;
  const seconds = await finishSession(run, { interrupted, fatal: stopped ?? fatal, started }).catch(
    (error: unknown) => {
      lost = serviceDown(error, deps.database);
      if (!lost) throw error;
      return (performance.now() - started) / 1000;
    },
  );
  if (fatal && !stopped) throw fatal;
  const finalSession = lost
    ? null
    : await retryWhileReconnecting(deps.database, () => run.batches.findSession(run.session.id)).catch(
        (error: unknown) => {
          lost = serviceDown(error, deps.database);
          if (!lost) throw error;
          return null;
        },
      );
  stopped ??= lost;
  const session = finalSession ?? unrecordedSession(run, stopped);
  const results = run.results ?? [];
  results.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return {
    session,
    status: session.status,
    totals: run.tally.snapshot(),
    seconds,
    interrupted,
    stopped,
    files: results,
    stageSeconds: run.tally.stageSeconds,
  };
}

/** The session as this process knows it, when the database that should record it is gone. */
function unrecordedSession(run: Run, stopped: ServiceUnavailableError | null): BatchUpload {
  return {
    ...run.session,
    ...run.tally.counts(),
    status: 'failed',
    errorMessage: `stopped: ${stopped?.message ?? 'the database went away'}; the files not done stay for the next run`,
    completedAt: null,
  };
}

/** Creates the session (recording its options), and closes any a killed run left open on this folder. */
async function openSession(
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener,
  sourceDir: string,
  totalFiles: number,
  settings: { collectResults?: boolean },
): Promise<Run> {
  const batches = new BatchRepository(deps.database.db);
  const audit = new AuditRepository(deps.database.db);
  const session = await batches.createSession({
    uploadedBy: options.uploadedBy,
    processingType: options.processingType,
    sourceDir,
    options: {
      glob: options.glob ?? null,
      concurrency: options.concurrency,
      max_file_size: options.maxFileSize,
      max_files: options.maxFiles,
      chunk_size: options.chunkSize,
      chunk_overlap: options.chunkOverlap,
      embed_batch_size: options.embedBatchSize,
      force: options.force,
      thresholds: options.thresholds,
      collection: deps.collection,
      embedder: deps.embedder?.id ?? null,
      extractor: deps.extractor.name,
      ocr: options.ocr
        ? { mode: options.ocr.mode, engine: options.ocr.engine, min_confidence: options.ocr.minConfidence }
        : null,
      store_batch_size: options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE,
      trust_content: options.trustContent === true,
    },
  });
  if (options.recoverAbandoned) {
    const recovered = await batches.markAbandonedSessions(sourceDir, session.id);
    if (recovered > 0) {
      await audit.record({
        actor: options.uploadedBy,
        action: 'abandoned_sessions_closed',
        batchId: session.id,
        details: { sessions: recovered, source_dir: sourceDir },
      });
    }
  }
  await audit.record({
    actor: options.uploadedBy,
    action: 'session_created',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: { source_dir: sourceDir, files: totalFiles, processing_type: options.processingType },
  });
  return {
    options,
    deps,
    listener,
    sourceDir,
    session,
    batches,
    audit,
    counters: new SessionCounterRepository(deps.database.db),
    tally: new SessionTally(totalFiles),
    results: settings.collectResults ? [] : null,
  };
}

/** Registers every file found as pending; those over --max-files are marked deferred for the next run. */
async function registerFiles(run: Run, discovered: DiscoveredFile[]): Promise<FileToProcess[]> {
  const { options, batches, session } = run;
  const registered = await batches.registerFiles(
    session.id,
    discovered.map((file) => ({
      relativePath: file.relativePath,
      filename: path.basename(file.relativePath),
      fileSize: null,
    })),
  );
  const deferred = discovered.slice(options.maxFiles);
  for (let i = 0; i < deferred.length; i++) {
    const row = registered[options.maxFiles + i]!;
    await batches.updateFile(row.id, {
      outcome: 'deferred',
      errorMessage: `over the limit of ${options.maxFiles} files per session (--max-files); run again to ingest it`,
    });
  }
  run.tally.defer(deferred.length);
  return discovered.slice(0, options.maxFiles).map((file, i) => ({ ...file, fileId: registered[i]!.id }));
}

/** Vectors need an embedder and a store whose collection was filled by that same embedder. */
async function prepareCollection({ options, deps }: Pick<Run, 'options' | 'deps'>): Promise<void> {
  if (options.processingType === 'complete') return;
  if (!deps.embedder || !deps.vectorStore) {
    throw new UserError(`processing type '${options.processingType}' needs a vector store and an embedder`);
  }
  await deps.vectorStore.ensureCollection({
    name: deps.collection,
    embedderId: deps.embedder.id,
    dimension: deps.embedder.dimension,
  });
}

async function startSession({ batches, counters, session, tally, listener, sourceDir, options }: Run): Promise<void> {
  await batches.markStarted(session.id);
  await counters.set(session.id, { totalFiles: tally.snapshot().totalFiles });
  listener({
    type: 'session_started',
    sessionId: session.id,
    sourceDir,
    totalFiles: tally.snapshot().totalFiles,
    processingType: options.processingType,
  });
}

/**
 * Runs the files through the FileProcessor, `concurrency` at a time, until all are done, the signal stops
 * the run (Ctrl-C: files in flight finish), or an error that is not one file's stops it.
 */
async function processFiles(run: Run, files: FileToProcess[]): Promise<{ interrupted: boolean; fatal: unknown }> {
  const { options, deps, listener, session, tally } = run;
  const storeBatchSize = options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE;
  const totalPatients = await new PatientRepository(deps.database.db).count();
  const committer = new GroupCommitter(deps, { maxFiles: storeBatchSize, maxDelayMs: STORE_BATCH_DELAY_MS });
  const processor = new FileProcessor(
    session.id,
    options,
    deps,
    totalPatients,
    (file, stage) => listener({ type: 'file_stage', fileId: file.fileId, relativePath: file.relativePath, stage }),
    committer,
  );
  let lastFlush = performance.now();
  const flushCounts = async () => {
    if (performance.now() - lastFlush < COUNTS_FLUSH_MS) return;
    lastFlush = performance.now();
    await run.counters.set(session.id, tally.counts());
  };
  const finished = async (file: FileToProcess, processed: ProcessedFile) => {
    await disposeOf(run, file, processed.result);
    tally.record(processed);
    run.results?.push(processed.result);
    listener({ type: 'file_finished', result: processed.result, totals: tally.snapshot() });
    await flushCounts();
  };

  const queue = new PQueue({ concurrency: options.concurrency });
  /** Files past their own work, waiting for their group's write: their results come when it commits. */
  const awaitingWrite = new Set<Promise<void>>();
  let fatal: unknown = null;
  let interrupted = false;
  const halted = () => {
    if (options.halt?.aborted) fatal ??= options.halt.reason;
    return fatal !== null;
  };
  for (const file of files) {
    if (options.signal?.aborted || halted()) {
      interrupted = Boolean(options.signal?.aborted);
      break;
    }
    // Back-pressure: queue only a few files ahead, so memory stays flat however large the folder.
    await queue.onSizeLessThan(options.concurrency);
    void queue.add(async () => {
      if (halted()) return;
      listener({ type: 'file_started', fileId: file.fileId, relativePath: file.relativePath });
      // The slot frees when the file hands its write over, so that the next file's extraction need not
      // wait for the group to fill; while the writes are behind, it frees only once its own is done.
      await new Promise<void>((freeSlot) => {
        const handOff = () => {
          if (committer.backlog <= 2 * storeBatchSize) freeSlot();
        };
        const done = processor
          .process(file, handOff)
          .then((processed) => finished(file, processed))
          .catch((error: unknown) => {
            // The file reached no final state: it stays for the next run; its patient, if it made one, counts.
            if (error instanceof FileNotFinished) {
              if (error.createdPatient) tally.patientCreated();
              fatal ??= error.reason;
            } else fatal ??= error;
          })
          .finally(() => {
            awaitingWrite.delete(done);
            freeSlot();
          });
        awaitingWrite.add(done);
      });
    });
  }
  await queue.onIdle();
  await committer.flush();
  await Promise.all(awaitingWrite);
  if (options.signal?.aborted) interrupted = true;
  halted();
  return { interrupted, fatal };
}

/** Records the final counts and status, the audit row and the closing event; returns the run's seconds. */
async function finishSession(
  { batches, counters, audit, session, tally, listener, options, deps }: Run,
  outcome: { interrupted: boolean; fatal: unknown; started: number },
): Promise<number> {
  const { interrupted, fatal } = outcome;
  const status = tally.status(Boolean(fatal));
  const errorMessage = fatal
    ? `stopped: ${(fatal as Error).message ?? String(fatal)}${fatal instanceof ServiceUnavailableError ? '; the files not done stay for the next run' : ''}`
    : interrupted
      ? 'interrupted: files not yet started stay pending; run the same command again to finish them'
      : null;
  // The database may be what failed: when it comes back within a few seconds (a restart), the session is
  // still recorded on a new connection (these writes are safe to repeat).
  await retryWhileReconnecting(deps.database, async () => {
    await counters.set(session.id, tally.counts());
    await batches.finishSession(session.id, interrupted && !fatal ? 'failed' : status, errorMessage);
  });
  await retryWhileReconnecting(deps.database, () =>
    audit.record({
      actor: options.uploadedBy,
      action: interrupted ? 'session_interrupted' : fatal ? 'session_stopped' : 'session_completed',
      batchId: session.id,
      entityType: 'batch_upload',
      entityId: session.id,
      details: { ...tally.counts(), ...(fatal ? { error: errorMessage } : {}) },
    }),
  );
  const seconds = (performance.now() - outcome.started) / 1000;
  listener({ type: 'session_finished', sessionId: session.id, status, totals: tally.snapshot(), seconds });
  return seconds;
}

/**
 * Archive or quarantine a file once its final state is committed. A run killed before the move
 * leaves the file in place; the re-run finds it already ingested (a duplicate) and moves it then.
 * A failed move is reported on the file, never fatal: the file simply stays where it was.
 */
async function disposeOf(
  { options, audit, session }: Pick<Run, 'options' | 'audit' | 'session'>,
  file: FileToProcess,
  result: FileResult,
): Promise<void> {
  const disposal = disposalFor(result.outcome);
  const targetRoot =
    disposal === 'archive' ? options.archiveDir : disposal === 'quarantine' ? options.quarantineDir : undefined;
  if (!targetRoot) return;
  try {
    result.movedTo = await moveWithoutOverwrite(file.absolutePath, targetRoot, file.relativePath, options.fileMode);
    await audit.record({
      actor: options.uploadedBy,
      action: disposal === 'archive' ? 'file_archived' : 'file_quarantined',
      batchId: session.id,
      entityType: 'batch_file',
      entityId: file.fileId,
      details: { outcome: result.outcome, to: result.movedTo },
    });
  } catch (error) {
    result.movedTo = null;
    result.message = `${result.message ? `${result.message}; ` : ''}could not move it to ${targetRoot}: ${(error as Error).message}`;
  }
}

async function resolveSourceDir(dir: string): Promise<string> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat) throw new UsageError(`the folder '${dir}' does not exist`, 'give the folder that holds the PDFs');
  if (!stat.isDirectory()) {
    throw new UsageError(`'${dir}' is not a folder`, 'give the folder that holds the PDFs, not a file');
  }
  return fs.realpath(dir);
}
