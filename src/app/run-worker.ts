import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import type { TextExtractor } from '../adapters/extraction/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OcrSettings } from '../config/ocr-settings.js';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../core/queue/defaults.js';
import { migrationsUnknownHere } from '../db/migration-state.js';
import { serviceDown } from '../db/connection-loss.js';
import { migrateToLatest } from '../db/open-database.js';
import { UsageError } from '../errors.js';
import { JobQueue } from '../queue/job-queue.js';
import { QueueWorker, type WorkerSummary } from '../queue/queue-worker.js';
import type { OpenSessionAdapters } from '../queue/session-work.js';
import type { WorkerListener } from '../queue/worker-events.js';
import { EXTRACTION_PROCESSES } from './ingest-defaults.js';
import { openPipelineAdapters } from './open-backends.js';
import { openExtractor, withOcr, type ExtractorName } from './open-extractor.js';
import { openRegistry, type RegistryLocation } from './open-registry.js';
import { requirePostgres } from './queue-database.js';

const require = createRequire(import.meta.url);
const { version: TOOL_VERSION } = require('../../package.json') as { version: string };

/** What a long scan's OCR leaves of its job's --job-timeout: the file's writes after the reading, and a margin. */
const JOB_TIMEOUT_MARGIN_SECONDS = 60;

export interface WorkerRunOptions {
  /** Files in flight at once; extraction runs in min(concurrency, cores, 10) processes. */
  concurrency: number;
  /** Exit once the queue holds no job (queued, retrying or running anywhere). */
  untilIdle: boolean;
  /** How long a job may run before it is taken for abandoned and handed to another worker. */
  jobTimeoutSeconds?: number;
  extractor: ExtractorName;
  /** Per-file text-extraction limit. */
  timeoutSeconds: number;
  /** OCR of pages without a text layer (the worker's configuration, as `ingest` resolves it); none when absent. */
  ocr?: OcrSettings;
  /** Aborted (SIGTERM, Ctrl-C): finish the jobs in flight, take no more. */
  signal?: AbortSignal;
}

export interface WorkerRunHooks {
  listener?: WorkerListener;
  /** An extractor to use instead of starting the configured one (the caller keeps and closes it). */
  extractor?: TextExtractor;
  /** pg-boss's own background errors (its maintenance while the database is away). */
  onQueueError?: (error: Error) => void;
}

/**
 * `tecsalud-batch worker`: takes file jobs from the queue until stopped (or, with `untilIdle`, until the
 * queue is empty), and runs each through the ingest's steps. Refuses a database migrated by a newer
 * version of the tool: its files might need steps this version does not have.
 */
export async function runWorker(
  location: RegistryLocation,
  backends: BackendConfig,
  options: WorkerRunOptions,
  hooks: WorkerRunHooks = {},
): Promise<WorkerSummary> {
  requirePostgres(location, '`worker`');
  const jobTimeoutSeconds = options.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS;
  const database = await openRegistry(location, {
    migrate: false,
    // The files in flight, their group writes and the queue's own statements share the pool.
    poolSize: Math.max(10, options.concurrency + 6),
  });
  let extractor: TextExtractor | null = null;
  let queue: JobQueue | null = null;
  try {
    const raw = database.db.withoutPlugins() as unknown as Kysely<unknown>;
    const newer = await migrationsUnknownHere(raw);
    if (newer.length > 0) {
      throw new UsageError(
        `the database was migrated by a newer version of tecsalud-batch (${newer.join(', ')} unknown to ` +
          `this worker, version ${TOOL_VERSION}); this worker will not process its files`,
        'install the same version of tecsalud-batch on every worker (and on the machine that enqueues)',
      );
    }
    await migrateToLatest(raw, 'postgres');
    if (hooks.extractor) {
      extractor = hooks.extractor;
    } else {
      const workers = Math.min(EXTRACTION_PROCESSES, options.concurrency);
      const textLayer = await openExtractor(options.extractor, {
        timeoutMs: options.timeoutSeconds * 1000,
        workers,
      });
      try {
        // A long scan's OCR ends a minute before its job's time runs out: past --job-timeout the job would be
        // taken for abandoned and read again by another worker while this one still reads it.
        const longScanCapMs = Math.max(0, (jobTimeoutSeconds - JOB_TIMEOUT_MARGIN_SECONDS) * 1000);
        extractor = options.ocr
          ? await withOcr(textLayer, options.ocr, workers, { longScanCapMs })
          : textLayer;
      } catch (error) {
        await textLayer.close();
        throw error;
      }
    }
    queue = await JobQueue.open(database, {
      ...backends.queue,
      supervise: true,
      // A vanished worker's job is retried at most this long after its timeout.
      maintenanceIntervalSeconds: Math.min(60, Math.max(1, Math.floor(jobTimeoutSeconds / 4))),
      onError: hooks.onQueueError,
    });
    const sharedExtractor = extractor;
    const openAdapters: OpenSessionAdapters = async (session, ingestOptions, collection) => {
      const adapters = await openPipelineAdapters({
        database,
        processingType: session.processingType,
        backends,
        collection,
        openedExtractor: sharedExtractor,
        embedBatchSize: ingestOptions.embedBatchSize,
      });
      return { deps: { database, ...adapters }, close: () => adapters.close() };
    };
    const worker = new QueueWorker(database, queue, openAdapters, {
      workerId: randomUUID(),
      concurrency: options.concurrency,
      jobTimeoutSeconds,
      untilIdle: options.untilIdle,
      giveUpAfterOutageMs: options.untilIdle ? backends.queue.untilIdleOutageSeconds * 1000 : undefined,
      signal: options.signal,
      version: TOOL_VERSION,
      listener: hooks.listener,
    });
    return await worker.run();
  } catch (error) {
    // A PostgreSQL that cannot be reached, or that went away: exit 69 with a hint, never a stack trace.
    throw serviceDown(error, database) ?? error;
  } finally {
    await queue?.close().catch(() => undefined);
    if (extractor && !hooks.extractor) await extractor.close();
    await database.close();
  }
}
