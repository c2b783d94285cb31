import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseByteSize } from '../core/pipeline/check-pdf-file.js';
import type { PipelineEvent, PipelineListener } from '../core/pipeline/events.js';
import { createLogListener } from '../ingest/log-listener.js';
import { openPipelineLogger } from '../ingest/pipeline-logger.js';
import { PROCESSING_TYPES } from '../db/schema.js';
import { ExitCode, UsageError } from '../errors.js';
import type { IngestOptions } from '../ingest/types.js';
import type { IngestResult } from '../ingest/run-ingest.js';
import { DEFAULT_STORE_BATCH_SIZE } from '../ingest/types.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';
import { currentUser } from './shared/current-user.js';
import {
  DEFAULT_EXTRACTOR,
  EXTRACTORS,
  openPipelineAdapters,
  type ExtractorName,
} from './shared/adapters.js';
import { loadBackendConfig, type BackendFlags } from '../config/load-config.js';
import { toFileJson, toSessionJson } from './shared/report-json.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { FILE_OUTCOMES, outcomeKind } from '../core/pipeline/file-outcome.js';
import { handleInterrupts } from '../ui/handle-interrupts.js';
import { createIngestPresenter, type ReviewOutcome } from '../ui/ingest-presenter.js';

/** Raw flag values as commander hands them over. */
export interface IngestCommandOptions extends DatabaseOptions, BackendFlags {
  dir: string;
  type?: string;
  user?: string;
  glob?: string;
  concurrency?: string;
  maxFileSize?: string;
  maxFiles?: string;
  chunkSize?: string;
  chunkOverlap?: string;
  embedBatchSize?: string;
  storeBatchSize?: string;
  autoThreshold?: string;
  reviewThreshold?: string;
  timeout?: string;
  collection?: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  nonInteractive?: boolean;
  /** `pdfium` (default), `pdf-parse` or `pdftotext`. */
  extractor?: string;
  /** JSON log lines to this file (`-`: stderr). */
  logFile?: string;
  /** No progress or summary output (errors still go to stderr). */
  quiet?: boolean;
  /** Keep patient names out of the logs. */
  redact?: boolean;
  archiveDir?: string;
  quarantineDir?: string;
  io?: CommandIo;
  signal?: AbortSignal;
}

/**
 * SQLite page cache for a run, in MB. It counts in the resident memory, which must stay flat and small
 * beside the extraction processes (10,000 files: the whole process tree under 500 MB); the writes are
 * appends and the reads index lookups, which a larger cache barely speeds up.
 */
const INGEST_SQLITE_CACHE_MB = 32;
/** Extraction processes: one per core, as the service's max_parallel_files, up to 10. */
const EXTRACTION_PROCESSES = Math.min(os.availableParallelism(), 10);
/**
 * Files in flight: twice the extraction processes, so that while some files are matched, chunked and
 * stored on the main thread, every extraction process still has a file (measured on 2 cores, 1,000 files:
 * 4 in flight took 22 s where 2 took 26 s; 8 was no faster than 4).
 */
const DEFAULT_CONCURRENCY = 2 * EXTRACTION_PROCESSES;

const optionsSchema = z
  .object({
    type: z
      .enum(PROCESSING_TYPES, { error: () => `--type must be one of ${PROCESSING_TYPES.join(', ')}` })
      .default('both'),
    concurrency: z.coerce
      .number({ error: () => '--concurrency must be a whole number from 1 to 64' })
      .int('--concurrency must be a whole number from 1 to 64')
      .min(1, '--concurrency must be at least 1')
      .max(64, '--concurrency must be at most 64')
      .default(DEFAULT_CONCURRENCY),
    maxFiles: z.coerce
      .number({ error: () => '--max-files must be a whole number' })
      .int('--max-files must be a whole number')
      .min(1, '--max-files must be at least 1')
      .default(1000),
    chunkSize: z.coerce
      .number({ error: () => '--chunk-size must be a number of characters' })
      .int('--chunk-size must be a whole number')
      .min(100, '--chunk-size must be at least 100 characters')
      .max(100_000, '--chunk-size must be at most 100000 characters')
      .default(1000),
    chunkOverlap: z.coerce
      .number({ error: () => '--chunk-overlap must be a number of characters' })
      .int('--chunk-overlap must be a whole number')
      .min(0, '--chunk-overlap must be ≥ 0')
      .default(200),
    embedBatchSize: z.coerce
      .number({ error: () => '--embed-batch-size must be a whole number' })
      .int('--embed-batch-size must be a whole number')
      .min(1, '--embed-batch-size must be at least 1')
      .max(2048, '--embed-batch-size must be at most 2048')
      .default(256),
    storeBatchSize: z.coerce
      .number({ error: () => '--store-batch-size must be a whole number' })
      .int('--store-batch-size must be a whole number')
      .min(1, '--store-batch-size must be at least 1')
      .max(1000, '--store-batch-size must be at most 1000')
      .default(DEFAULT_STORE_BATCH_SIZE),
    autoThreshold: z.coerce
      .number({ error: () => '--auto-threshold must be a number between 0 and 1' })
      .min(0, '--auto-threshold must be between 0 and 1')
      .max(1, '--auto-threshold must be between 0 and 1')
      .default(0.95),
    reviewThreshold: z.coerce
      .number({ error: () => '--review-threshold must be a number between 0 and 1' })
      .min(0, '--review-threshold must be between 0 and 1')
      .max(1, '--review-threshold must be between 0 and 1')
      .default(0.6),
    extractor: z
      .enum(EXTRACTORS, { error: () => `--extractor must be one of ${EXTRACTORS.join(', ')}` })
      .default(DEFAULT_EXTRACTOR),
    timeout: z.coerce
      .number({ error: () => '--timeout must be a number of seconds' })
      .positive('--timeout must be a positive number of seconds')
      .default(60),
  })
  .refine((o) => o.chunkOverlap < o.chunkSize, {
    message: '--chunk-overlap must be smaller than --chunk-size',
  })
  .refine((o) => o.reviewThreshold <= o.autoThreshold, {
    message: '--review-threshold must not be above --auto-threshold',
  });

export function resolveIngestOptions(
  raw: IngestCommandOptions,
): IngestOptions & { timeoutSeconds: number; extractor: ExtractorName } {
  const parsed = optionsSchema.safeParse({
    type: raw.type,
    concurrency: raw.concurrency,
    maxFiles: raw.maxFiles,
    chunkSize: raw.chunkSize,
    chunkOverlap: raw.chunkOverlap,
    embedBatchSize: raw.embedBatchSize,
    storeBatchSize: raw.storeBatchSize,
    autoThreshold: raw.autoThreshold,
    reviewThreshold: raw.reviewThreshold,
    timeout: raw.timeout,
    extractor: raw.extractor,
  });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const maxFileSize = raw.maxFileSize === undefined ? 10 * 1024 * 1024 : parseByteSize(raw.maxFileSize);
  if (maxFileSize === null || maxFileSize <= 0) {
    throw new UsageError(
      `--max-file-size '${raw.maxFileSize}' is not a size`,
      'write it like 10MB, 512KB or 1048576',
    );
  }
  const o = parsed.data;
  return {
    sourceDir: path.resolve(raw.cwd, raw.dir),
    glob: raw.glob,
    processingType: o.type,
    uploadedBy: raw.user?.trim() || currentUser(),
    concurrency: o.concurrency,
    maxFileSize,
    maxFiles: o.maxFiles,
    chunkSize: o.chunkSize,
    chunkOverlap: o.chunkOverlap,
    embedBatchSize: o.embedBatchSize,
    storeBatchSize: o.storeBatchSize,
    force: Boolean(raw.force),
    thresholds: { auto: o.autoThreshold, review: o.reviewThreshold },
    signal: raw.signal,
    timeoutSeconds: o.timeout,
    extractor: o.extractor,
    archiveDir: resolveDisposalDir(raw.archiveDir, '--archive-dir', raw),
    quarantineDir: resolveDisposalDir(raw.quarantineDir, '--quarantine-dir', raw),
  };
}

/** Archive and quarantine folders must lie outside the drop folder, or the next run would find the files again. */
function resolveDisposalDir(
  value: string | undefined,
  flag: string,
  raw: IngestCommandOptions,
): string | undefined {
  if (!value) return undefined;
  const dir = path.resolve(raw.cwd, value);
  const source = path.resolve(raw.cwd, raw.dir);
  if (dir === source || dir.startsWith(source + path.sep)) {
    throw new UsageError(
      `${flag} '${value}' is inside the folder being ingested`,
      'choose a folder outside it',
    );
  }
  return dir;
}

export async function ingestCommand(raw: IngestCommandOptions): Promise<number> {
  const io = raw.io ?? processIo;
  const options = resolveIngestOptions(raw);
  // flags > env > config file > defaults; the database too, so that a config file's db is honoured.
  const backends = await loadBackendConfig(raw);
  raw = { ...raw, db: backends.db };
  if (raw.dryRun) {
    const { dryRunIngest } = await import('./ingest-dry-run.js');
    return dryRunIngest(options, raw, io);
  }
  const [{ runIngest }, { withRunLock }] = await Promise.all([
    import('../ingest/run-ingest.js'),
    import('../ingest/run-lock.js'),
  ]);
  const logger = raw.logFile ? await openPipelineLogger(raw.logFile, { cwd: raw.cwd }) : null;
  const presenter = await createIngestPresenter({
    json: Boolean(raw.json),
    nonInteractive: Boolean(raw.nonInteractive),
    // Log lines on stderr and a progress display on the same terminal would garble each other.
    quiet: Boolean(raw.quiet) || raw.logFile === '-',
    backends,
    stdout: io.stdout,
    stderr: io.stderr,
    plain: () => createProgressPrinter(io.stderr),
  });
  // Ctrl-C: the first stops taking new files, the second exits at once (see handleInterrupts).
  const interrupts = raw.signal ? null : handleInterrupts({ onFirst: () => presenter.interrupted() });
  options.signal = raw.signal ?? interrupts?.signal;
  let result: IngestResult;
  let reviewed = null as ReviewOutcome | null; // set inside the callback below
  const logListener = logger ? createLogListener(logger, { redact: Boolean(raw.redact) }) : null;
  try {
    result = await withDatabase(
      raw,
      async (database) => {
        // One run per (folder, database) at a time: a second one stops here with exit 75.
        const ingested = await withRunLock(
          database,
          { sourceDir: realSourceDir(options.sourceDir) },
          async (lock) => {
            const adapters = await openPipelineAdapters({
              database,
              processingType: options.processingType,
              backends,
              timeoutMs: options.timeoutSeconds * 1000,
              extractor: options.extractor,
              workers: Math.min(EXTRACTION_PROCESSES, options.concurrency),
            });
            const listener: PipelineListener = (event) => {
              if (event.type === 'session_started')
                void lock.setSession(event.sessionId).catch(() => undefined);
              logListener?.(event);
              presenter.listener?.(event);
            };
            try {
              // Holding the lock, any session still "running" on this folder was left by a killed run.
              return await runIngest(
                { ...options, recoverAbandoned: true },
                { database, ...adapters },
                listener,
                {
                  collectResults: Boolean(raw.json),
                },
              );
            } finally {
              await adapters.close();
            }
          },
        );
        if (!ingested.interrupted && ingested.totals.reviewRequired > 0) {
          reviewed = await presenter.settleReviews(database, ingested.session.id, options.uploadedBy);
        }
        return ingested;
      },
      { sqliteCacheMb: INGEST_SQLITE_CACHE_MB },
    );
  } catch (error) {
    logger?.error({ event: 'session_failed', error: (error as Error).message }, 'run stopped');
    throw error;
  } finally {
    interrupts?.dispose();
    await presenter.finish();
    logger?.flush();
  }
  if (raw.json) {
    writeJson(io, {
      ...toSessionJson(result.session, result.seconds),
      pages: result.totals.pages,
      chunks: result.totals.chunks,
      stage_seconds: Object.fromEntries(
        Object.entries(result.stageSeconds).map(([stage, seconds]) => [
          stage,
          Math.round(seconds * 1000) / 1000,
        ]),
      ),
      files: result.files.map(toFileJson),
    });
  } else if (!raw.quiet) printSummary(io, result);
  if (reviewed) writeLine(io.stdout, reviewed.summary);
  if (result.interrupted) {
    writeLine(
      io.stderr,
      'Interrupted: files not started stay pending; run the same command again to finish them.',
    );
  }
  return exitCodeFor(
    reviewed ? { ...result, totals: { ...result.totals, reviewRequired: reviewed.pending } } : result,
  );
}

export function exitCodeFor(result: Pick<IngestResult, 'interrupted' | 'totals'>): number {
  if (result.interrupted) return ExitCode.Interrupted;
  if (result.totals.failedFiles > 0) return ExitCode.SomeFailed;
  if (result.totals.reviewRequired > 0) return ExitCode.ReviewPending;
  return ExitCode.Success;
}

function printSummary(io: CommandIo, result: IngestResult): void {
  const t = result.totals;
  const s = result.session;
  writeLine(io.stdout, '');
  writeLine(io.stdout, `Session ${s.id} — ${s.status} in ${result.seconds.toFixed(1)} s`);
  writeLine(
    io.stdout,
    `  ${t.totalFiles} files: ${t.processedFiles - t.failedFiles - t.reviewRequired - t.duplicates} ingested, ` +
      `${t.duplicates} duplicates, ${t.reviewRequired} waiting for review, ${t.failedFiles} failed` +
      (t.deferred ? `, ${t.deferred} left for the next run` : ''),
  );
  writeLine(
    io.stdout,
    `  patients: ${t.matchedPatients} matched, ${t.createdPatients} created · ${t.pages} pages, ${t.chunks} chunks`,
  );
  if (t.reviewRequired > 0) {
    writeLine(io.stdout, `  Settle the reviews with: tecsalud-batch review ${s.id.slice(0, 8)}`);
  }
  if (t.failedFiles > 0) {
    writeLine(io.stdout, `  See every file with: tecsalud-batch status ${s.id.slice(0, 8)} --files`);
  }
}

/** A plain progress line on stderr every few seconds, and each failure as it happens. */
function createProgressPrinter(stderr: NodeJS.WritableStream): (event: PipelineEvent) => void {
  let last = 0;
  return (event) => {
    if (event.type === 'session_started') {
      writeLine(stderr, `Ingesting ${event.totalFiles} files from ${sanitizeForTerminal(event.sourceDir)} …`);
    } else if (event.type === 'file_finished') {
      const { result, totals } = event;
      if (outcomeKind(result.outcome) === 'failed') {
        writeLine(
          stderr,
          `  ✗ ${sanitizeForTerminal(result.relativePath)}: ${FILE_OUTCOMES[result.outcome].label}` +
            (result.message ? ` — ${sanitizeForTerminal(result.message)}` : ''),
        );
      }
      const now = Date.now();
      if (now - last > 3000 || totals.processedFiles === totals.totalFiles - totals.deferred) {
        last = now;
        writeLine(
          stderr,
          `  ${totals.processedFiles}/${totals.totalFiles - totals.deferred} files · ${totals.failedFiles} failed · ` +
            `${totals.reviewRequired} review · ${totals.duplicates} duplicates`,
        );
      }
    }
  };
}

function realSourceDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir); // runIngest explains a missing folder
  }
}
