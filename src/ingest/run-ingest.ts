import fs from 'node:fs/promises';
import path from 'node:path';
import PQueue from 'p-queue';
import {
  emptyTotals,
  type FileResult,
  type PipelineListener,
  type PipelineStage,
  type SessionTotals,
} from '../core/pipeline/events.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { BatchStatus, BatchUpload } from '../db/schema.js';
import { ExitCode, UserError } from '../errors.js';
import { discoverFiles } from './discover-files.js';
import { moveWithoutOverwrite } from './move-file.js';
import { disposalFor } from '../core/pipeline/file-outcome.js';
import { FileProcessor, type FileToProcess } from './file-processor.js';
import { GroupCommitter } from './group-committer.js';
import { DEFAULT_STORE_BATCH_SIZE, type IngestDependencies, type IngestOptions } from './types.js';

export interface IngestResult {
  session: BatchUpload;
  status: BatchStatus;
  totals: SessionTotals;
  seconds: number;
  interrupted: boolean;
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

export async function runIngest(
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener = () => undefined,
  settings: { collectResults?: boolean } = {},
): Promise<IngestResult> {
  const started = performance.now();
  const sourceDir = await resolveSourceDir(options.sourceDir);
  const discovered = await discoverFiles({ sourceDir, glob: options.glob });
  const storeBatchSize = options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE;

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
      force: options.force,
      thresholds: options.thresholds,
      collection: deps.collection,
      embedder: deps.embedder?.id ?? null,
      extractor: deps.extractor.name,
      ocr: options.ocr ?? null,
      store_batch_size: storeBatchSize,
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
    details: { source_dir: sourceDir, files: discovered.length, processing_type: options.processingType },
  });

  const accepted = discovered.slice(0, options.maxFiles);
  const deferred = discovered.slice(options.maxFiles);
  const registered = await batches.registerFiles(
    session.id,
    discovered.map((file) => ({
      relativePath: file.relativePath,
      filename: path.basename(file.relativePath),
      fileSize: null,
    })),
  );
  const totals: SessionTotals = { ...emptyTotals(), totalFiles: discovered.length };
  const results: FileResult[] = [];
  const stageSeconds: Partial<Record<PipelineStage, number>> = {};
  for (let i = 0; i < deferred.length; i++) {
    const row = registered[options.maxFiles + i]!;
    await batches.updateFile(row.id, {
      outcome: 'deferred',
      errorMessage: `over the limit of ${options.maxFiles} files per session (--max-files); run again to ingest it`,
    });
    totals.deferred++;
  }

  if (options.processingType !== 'complete') {
    if (!deps.embedder || !deps.vectorStore) {
      throw new UserError(`processing type '${options.processingType}' needs a vector store and an embedder`);
    }
    await deps.vectorStore.ensureCollection({
      name: deps.collection,
      embedderId: deps.embedder.id,
      dimension: deps.embedder.dimension,
    });
  }

  await batches.markStarted(session.id);
  await batches.updateCounts(session.id, { totalFiles: totals.totalFiles });
  listener({
    type: 'session_started',
    sessionId: session.id,
    sourceDir,
    totalFiles: totals.totalFiles,
    processingType: options.processingType,
  });

  const totalPatients = await new PatientRepository(deps.database.db).count();
  const committer = new GroupCommitter(deps, {
    maxFiles: storeBatchSize,
    maxDelayMs: STORE_BATCH_DELAY_MS,
  });
  const processor = new FileProcessor(
    session.id,
    options,
    deps,
    totals,
    totalPatients,
    (file, stage) =>
      listener({ type: 'file_stage', fileId: file.fileId, relativePath: file.relativePath, stage }),
    committer,
  );
  let lastFlush = performance.now();
  const flushCounts = async (force = false) => {
    if (!force && performance.now() - lastFlush < COUNTS_FLUSH_MS) return;
    lastFlush = performance.now();
    await batches.updateCounts(session.id, toCounts(totals));
  };

  const queue = new PQueue({ concurrency: options.concurrency });
  /** Files past their own work, waiting for their group's write: their results come when it commits. */
  const awaitingWrite = new Set<Promise<void>>();
  let fatal: unknown = null;
  let interrupted = false;
  for (let i = 0; i < accepted.length; i++) {
    if (options.signal?.aborted || fatal) {
      interrupted = Boolean(options.signal?.aborted);
      break;
    }
    const file: FileToProcess = { ...accepted[i]!, fileId: registered[i]!.id };
    // Back-pressure: queue only a few files ahead, so memory stays flat however large the folder.
    await queue.onSizeLessThan(options.concurrency);
    void queue.add(async () => {
      if (fatal) return;
      listener({ type: 'file_started', fileId: file.fileId, relativePath: file.relativePath });
      // The slot frees when the file hands its write over, so that the next file's extraction need not
      // wait for the group to fill; while the writes are behind, it frees only once its own is done.
      await new Promise<void>((freeSlot) => {
        const handOff = () => {
          if (committer.backlog <= 2 * storeBatchSize) freeSlot();
        };
        const finished = processor
          .process(file, handOff)
          .then(async (result) => {
            await disposeOf(file, result, options, audit, session.id);
            for (const [stage, ms] of Object.entries(result.stageMs) as [PipelineStage, number][]) {
              stageSeconds[stage] = (stageSeconds[stage] ?? 0) + ms / 1000;
            }
            if (settings.collectResults) results.push(result);
            listener({ type: 'file_finished', result, totals: { ...totals } });
            await flushCounts();
          })
          .catch((error: unknown) => {
            fatal ??= error;
          })
          .finally(() => {
            awaitingWrite.delete(finished);
            freeSlot();
          });
        awaitingWrite.add(finished);
      });
    });
  }
  await queue.onIdle();
  await committer.flush();
  await Promise.all(awaitingWrite);
  if (options.signal?.aborted) interrupted = true;

  const status: BatchStatus = fatal
    ? 'failed'
    : totals.failedFiles === 0
      ? 'completed'
      : totals.failedFiles >= totals.totalFiles - totals.deferred
        ? 'failed'
        : 'partially_failed';
  await flushCounts(true);
  const errorMessage = fatal
    ? `stopped: ${(fatal as Error).message ?? String(fatal)}`
    : interrupted
      ? 'interrupted: files not yet started stay pending; run the same command again to finish them'
      : null;
  await batches.finishSession(session.id, interrupted && !fatal ? 'failed' : status, errorMessage);
  await audit.record({
    actor: options.uploadedBy,
    action: interrupted ? 'session_interrupted' : 'session_completed',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: toCounts(totals),
  });
  const seconds = (performance.now() - started) / 1000;
  listener({ type: 'session_finished', sessionId: session.id, status, totals: { ...totals }, seconds });
  if (fatal) throw fatal;
  const finalSession = (await batches.findSession(session.id))!;
  results.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return {
    session: finalSession,
    status: finalSession.status,
    totals,
    seconds,
    interrupted,
    files: results,
    stageSeconds,
  };
}

/**
 * Archive or quarantine a file once its final state is committed. A run killed before the move
 * leaves the file in place; the re-run finds it already ingested (a duplicate) and moves it then.
 * A failed move is reported on the file, never fatal: the file simply stays where it was.
 */
async function disposeOf(
  file: FileToProcess,
  result: FileResult,
  options: IngestOptions,
  audit: AuditRepository,
  sessionId: string,
): Promise<void> {
  const disposal = disposalFor(result.outcome);
  const targetRoot =
    disposal === 'archive'
      ? options.archiveDir
      : disposal === 'quarantine'
        ? options.quarantineDir
        : undefined;
  if (!targetRoot) return;
  try {
    result.movedTo = await moveWithoutOverwrite(file.absolutePath, targetRoot, file.relativePath);
    await audit.record({
      actor: options.uploadedBy,
      action: disposal === 'archive' ? 'file_archived' : 'file_quarantined',
      batchId: sessionId,
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
  if (!stat) {
    throw new UserError(
      `the folder '${dir}' does not exist`,
      ExitCode.Usage,
      'give the folder that holds the PDFs',
    );
  }
  if (!stat.isDirectory()) {
    throw new UserError(
      `'${dir}' is not a folder`,
      ExitCode.Usage,
      'give the folder that holds the PDFs, not a file',
    );
  }
  return fs.realpath(dir);
}

function toCounts(totals: SessionTotals) {
  return {
    totalFiles: totals.totalFiles,
    processedFiles: totals.processedFiles,
    failedFiles: totals.failedFiles,
    createdPatients: totals.createdPatients,
    matchedPatients: totals.matchedPatients,
    reviewRequired: totals.reviewRequired,
    duplicates: totals.duplicates,
  };
}
