import type { TextExtractor } from '../adapters/extraction/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { PipelineListener } from '../core/pipeline/events.js';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../core/queue/defaults.js';
import { realSourceDir, withRunLock } from '../ingest/run-lock.js';
import { enqueueFolder, type EnqueuedSession, type QueueProgress } from '../queue/enqueue-session.js';
import { JobQueue } from '../queue/job-queue.js';
import type { IngestSessionOptions } from './ingest-session.js';
import { withReviewCounts, type ListedSession } from './sessions.js';
import { openSearchAdapters } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';
import { requirePostgres } from './queue-database.js';

/**
 * `ingest DIR --enqueue`: registers the folder's session and files as `ingest` does, under the same run
 * lock (a second one on the folder exits 75), checks the vector collection against the embedder, puts
 * one job per file on the queue and returns: workers do the rest.
 */
export async function enqueueIngestSession(
  location: RegistryLocation,
  backends: BackendConfig,
  options: IngestSessionOptions,
  hooks: { listener?: PipelineListener; jobTimeoutSeconds?: number; onQueued?: QueueProgress } = {},
): Promise<EnqueuedSession & { session: ListedSession }> {
  requirePostgres(location, '`ingest --enqueue`');
  return withRegistry(location, (database) =>
    withRunLock(database, { sourceDir: realSourceDir(options.sourceDir) }, async (lock) => {
      const search =
        options.processingType === 'complete' ? null : await openSearchAdapters({ database, backends });
      try {
        const queue = await JobQueue.open(database, { ...backends.queue, supervise: false });
        try {
          const enqueued = await enqueueFolder(
            options,
            {
              database,
              extractor: extractorNamed(options.extractor),
              embedder: search?.embedder ?? null,
              vectorStore: search?.vectorStore ?? null,
              collection: backends.collection,
            },
            queue,
            {
              timeoutSeconds: hooks.jobTimeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
              onQueued: hooks.onQueued,
              listener: (event) => {
                if (event.type === 'session_started')
                  void lock.setSession(event.sessionId).catch(() => undefined);
                hooks.listener?.(event);
              },
            },
          );
          // Counted as `status` counts them: a re-run's files whose content already waits for review are
          // `already_waiting`, which the report must show (no worker takes them; a person does).
          const [session] = await withReviewCounts(database, [enqueued.session]);
          return { ...enqueued, session: session! };
        } finally {
          await queue.close();
        }
      } finally {
        await search?.vectorStore.close();
      }
    }),
  );
}

/**
 * The session records which extractor its files are meant for; enqueueing extracts nothing, so no
 * extraction process is started for it.
 */
function extractorNamed(name: string): TextExtractor {
  return {
    name,
    extract: () => Promise.reject(new Error('an enqueue extracts nothing: workers do')),
    close: async () => undefined,
  };
}
