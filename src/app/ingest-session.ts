import type { TextExtractor } from '../adapters/extraction/types.js';
import type { PipelineListener } from '../core/pipeline/events.js';
import type { BackendConfig } from '../config/load-config.js';
import type { OcrSettings } from '../config/ocr-settings.js';
import { runIngest, type IngestResult } from '../ingest/run-ingest.js';
import { realSourceDir, withRunLock } from '../ingest/run-lock.js';
import type { IngestOptions } from '../ingest/types.js';
import type { ReviewTally, ReviewWalk } from './review-walk.js';
import { EXTRACTION_PROCESSES, INGEST_SQLITE_CACHE_MB } from './ingest-defaults.js';
import { openPipelineAdapters } from './open-backends.js';
import type { ExtractorName } from './open-extractor.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { openReviewSession } from './review-session.js';

export interface IngestSessionOptions extends IngestOptions {
  /** Per-file text-extraction limit. */
  timeoutSeconds: number;
  extractor: ExtractorName;
  /** OCR of pages without a text layer around the extractor; none when absent (as `--ocr off`). */
  ocrSettings?: OcrSettings;
}

export interface IngestSessionHooks {
  /** Receives the pipeline's events (the dashboard, the progress line, the log). */
  listener?: PipelineListener;
  /**
   * Settles the session's reviews with a person at a keyboard, resolving when they quit. Absent (no
   * terminal, --non-interactive, --json), reviews stay pending for `tecsalud-batch review`.
   */
  review?: (walk: ReviewWalk, reviewer: string) => Promise<void>;
  /** Keep every file's result for the report (the JSON output). */
  collectResults?: boolean;
  /** An extractor to use instead of starting the configured one (the caller keeps and closes it). */
  extractor?: TextExtractor;
}

export interface IngestSessionResult extends IngestResult {
  /** What the review right after the run decided, when there was one. */
  reviewed: { tally: ReviewTally; stillPending: number } | null;
}

/**
 * One ingest of a folder, start to end: opens (creating when needed) the registry, takes the folder's run
 * lock (a second run exits 75), opens the extractor, embedder and vector store, runs the pipeline, and
 * then, when a person is there to do it, the review of the files it held.
 */
export async function runIngestSession(
  location: RegistryLocation,
  backends: BackendConfig,
  options: IngestSessionOptions,
  hooks: IngestSessionHooks = {},
): Promise<IngestSessionResult> {
  return withRegistry(
    location,
    async (database) => {
      // One run per (folder, database) at a time: a second one stops here with exit 75.
      const result = await withRunLock(
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
            openedExtractor: hooks.extractor,
            embedBatchSize: options.embedBatchSize,
            ocr: options.ocrSettings,
          });
          const listener: PipelineListener = (event) => {
            if (event.type === 'session_started')
              void lock.setSession(event.sessionId).catch(() => undefined);
            hooks.listener?.(event);
          };
          try {
            // Holding the lock, any session still "running" on this folder was left by a killed run.
            return await runIngest(
              { ...options, recoverAbandoned: true, halt: lock.halt, fileMode: backends.fileMode },
              { database, ...adapters },
              listener,
              {
                collectResults: hooks.collectResults,
              },
            );
          } finally {
            await adapters.close();
          }
        },
      );
      let reviewed: IngestSessionResult['reviewed'] = null;
      if (
        hooks.review &&
        !result.interrupted &&
        !result.stopped &&
        result.totals.reviewRequired + (result.totals.alreadyWaiting ?? 0) > 0
      ) {
        const session = await openReviewSession({
          database,
          backends,
          reviewer: options.uploadedBy,
          sessionId: result.session.id,
        });
        if (session) {
          try {
            await hooks.review(session.walk, options.uploadedBy);
          } finally {
            reviewed = await session.close();
          }
        }
      }
      return { ...result, reviewed };
    },
    // An ingest may start a new registry (files of new patients create them).
    { sqliteCacheMb: INGEST_SQLITE_CACHE_MB, create: true, fileMode: backends.fileMode },
  );
}
