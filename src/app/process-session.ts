import type { TextExtractor } from '../adapters/extraction/types.js';
import type { BackendConfig } from '../config/load-config.js';
import type { PipelineListener } from '../core/pipeline/events.js';
import { apiFilesNotDone } from '../core/pipeline/session-notes.js';
import type { OpenDatabase } from '../db/open-database.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { auditActorAsUploader, readSessionOptions, sessionAuditActor } from '../db/session-options.js';
import { runSessionFiles } from '../ingest/run-session.js';
import type { IngestResult } from '../ingest/run-ingest.js';
import { LockedError, withRunLock } from '../ingest/run-lock.js';
import type { RunLockHolder } from '../db/repositories/run-lock-repository.js';
import { ServiceUnavailableError, UserError } from '../errors.js';
import { dispatchSessionToQueue, sessionsGoToQueue } from './dispatch-session.js';
import { EXTRACTION_PROCESSES } from './ingest-defaults.js';
import type { IngestSessionOptions } from './ingest-session.js';
import { openPipelineAdapters } from './open-backends.js';
import { openExtractor, withOcr } from './open-extractor.js';
import { findSession, recordSessionStartFailure } from './upload-sessions.js';
import type { UploadStore } from './upload-store.js';
import { waitForQueuedSession } from './wait-queued-session.js';
import type { AuditActor } from '../db/repositories/audit-repository.js';

export interface SessionProcessingOptions {
  database: OpenDatabase;
  backends: BackendConfig;
  store: UploadStore;
  /**
   * The server's settings (concurrency, extractor, timeout, and the defaults a session records when it is
   * created). A session runs with the chunking, thresholds and limits it recorded.
   */
  defaults: IngestSessionOptions;
  /** An extractor the caller keeps (a test's stand-in); otherwise one is started on first use and kept. */
  extractor?: TextExtractor;
}

export interface ProcessHooks {
  listener?: PipelineListener;
  /** Stops taking new files (a server shutting down); files in flight finish and the session stays open. */
  signal?: AbortSignal;
  /** Called once this process holds the session's lock: from then on no other process can run it. */
  onLocked?: () => void;
}

export type ProcessSessionResult = IngestResult & { session: BatchUpload };

/** Who holds the session's lock, when processing was refused because another process runs it; else null. */
export function otherRunHolding(error: unknown): RunLockHolder | null {
  return error instanceof LockedError ? error.holder : null;
}

/**
 * The session is no longer in the registry once its run holds the lock: an admin discarded it while the process
 * call was on its way (a discard and a run of one session go in turn). Nothing was taken and nothing is recorded:
 * the caller answers as for any session that is not there.
 */
export class SessionGoneError extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is gone`);
    this.name = 'SessionGoneError';
  }
}

/**
 * Processing a session's uploaded files, the one way the HTTP API does it: take the session's lock (one
 * process at a time per session: a second gets exit 75's LockedError), open the backends, and run the
 * session's files that are not final through the ingest pipeline (see runSessionFiles). The same call
 * starts a session, resumes one a stopped server left, or finds nothing to do. With a queue configured
 * (issue 18) the same call hands the files to the workers and waits for them instead.
 */
export class SessionProcessing {
  private extractor: Promise<TextExtractor> | null = null;

  constructor(private readonly options: SessionProcessingOptions) {}

  async process(sessionId: string, hooks: ProcessHooks = {}): Promise<ProcessSessionResult> {
    const { database, backends } = this.options;
    if (sessionsGoToQueue(backends, database)) return this.dispatch(sessionId, hooks);
    try {
      return await this.processHere(sessionId, hooks);
    } catch (error) {
      await this.recordFailure(sessionId, error);
      throw error;
    }
  }

  /**
   * A run that stopped before it could close the session (a backend down or refused at start, an extractor
   * that would not start): the session says so — `failed`, with the message — instead of staying `pending`
   * (or `processing`) for a client that follows its status or its events. Its files not final stay as they
   * are, so a later process call runs them. A session another process holds (the lock) is that one's
   * business: it is left alone. A failure the run itself recorded (a backend lost mid-run closes the session
   * `failed`) is not overwritten; a database that cannot be reached records nothing (the caller still gets
   * the error).
   */
  private async recordFailure(sessionId: string, error: unknown): Promise<void> {
    const { database } = this.options;
    if (error instanceof LockedError || error instanceof SessionGoneError) return;
    // A service that is down: its hint is for whoever runs the server (which the log tells), not for the clients
    // reading this note, who can only process the session again once the service is back.
    const down = error instanceof ServiceUnavailableError;
    const what =
      error instanceof UserError
        ? `${error.message}${error.hint && !down ? ` (${error.hint})` : ''}`
        : error instanceof Error
          ? error.message
          : String(error);
    const message = `could not process the session: ${what}; ${apiFilesNotDone(down)}`;
    await recordSessionStartFailure(database, sessionId, message).catch(() => undefined);
  }

  /**
   * With a queue configured (issue 18), the workers process the session: under the session's lock (no run
   * of it here or elsewhere meanwhile) its unfinished files become jobs, then the wait follows the files'
   * rows until each is final. Per-file events come from the workers' own logs, not to this process's
   * listeners. The uploads must be where the workers read them (shared storage; see the README).
   */
  private async dispatch(sessionId: string, hooks: ProcessHooks): Promise<ProcessSessionResult> {
    const { database } = this.options;
    // A failure to hand the files over is recorded; once they are the queue's, the workers close the session.
    const actor = await this.handOver(sessionId, hooks).catch(async (error: unknown) => {
      await this.recordFailure(sessionId, error);
      throw error;
    });
    return waitForQueuedSession(database, sessionId, { actor, signal: hooks.signal });
  }

  private async handOver(sessionId: string, hooks: ProcessHooks): Promise<AuditActor> {
    const { database, backends, store } = this.options;
    return withRunLock(database, { sourceDir: store.sessionDir(sessionId) }, async (lock) => {
      await lock.setSession(sessionId);
      hooks.onLocked?.();
      const session = await findSession(database, sessionId);
      if (!session) throw new SessionGoneError(sessionId);
      await store.removeIncoming(sessionId);
      // Already the queue's (a restarted server resuming it, a second call): its files have their jobs, and
      // the workers' sweep queues any a kill left without one. Queuing them again would run files twice at once.
      const actor = sessionAuditActor(session);
      if (!(await new QueueRepository(database.db).isQueueSession(sessionId))) {
        await dispatchSessionToQueue(database, backends, sessionId, { actor });
      }
      return actor;
    });
  }

  private async processHere(sessionId: string, hooks: ProcessHooks): Promise<ProcessSessionResult> {
    const { database, backends, store, defaults } = this.options;
    const sessionDir = store.sessionDir(sessionId);
    return withRunLock(database, { sourceDir: sessionDir }, async (lock) => {
      await lock.setSession(sessionId);
      hooks.onLocked?.();
      const recorded = await this.recordedOptions(sessionId);
      const options = { ...defaults, ...recorded.options, sourceDir: sessionDir, signal: hooks.signal };
      const adapters = await openPipelineAdapters({
        database,
        processingType: options.processingType,
        backends,
        collection: recorded.collection,
        timeoutMs: defaults.timeoutSeconds * 1000,
        embedBatchSize: options.embedBatchSize,
        openedExtractor: await this.openExtractor(),
      });
      try {
        await store.removeIncoming(sessionId);
        return await runSessionFiles(
          sessionId,
          options,
          { database, ...adapters },
          hooks.listener ?? (() => undefined),
          {
            locate: (file) => store.storedPath(sessionId, file.relativePath),
          },
        );
      } finally {
        await adapters.close();
      }
    });
  }

  /** Stops the extraction processes this object started. */
  async close(): Promise<void> {
    const opened = this.extractor;
    this.extractor = null;
    if (opened && !this.options.extractor) await (await opened.catch(() => null))?.close();
  }

  private openExtractor(): Promise<TextExtractor> {
    if (this.options.extractor) return Promise.resolve(this.options.extractor);
    const { defaults } = this.options;
    const workers = Math.min(EXTRACTION_PROCESSES, defaults.concurrency);
    // Scans are OCR'd as ingest's are (the server's OCR settings: flags, environment, config file).
    this.extractor ??= openExtractor(defaults.extractor, {
      timeoutMs: defaults.timeoutSeconds * 1000,
      workers,
    }).then(async (textLayer) => {
      if (!defaults.ocrSettings || defaults.ocrSettings.mode === 'off') return textLayer;
      try {
        return await withOcr(textLayer, defaults.ocrSettings, workers);
      } catch (error) {
        await textLayer.close();
        throw error;
      }
    });
    // A failed start is not kept: the next call tries again.
    this.extractor.catch(() => (this.extractor = null));
    return this.extractor;
  }

  /** What the session recorded when it was created: its processing type, who uploaded it, its settings. */
  private async recordedOptions(sessionId: string) {
    const session = await findSession(this.options.database, sessionId);
    if (!session) throw new SessionGoneError(sessionId);
    const o = readSessionOptions(session.optionsJson);
    const d = this.options.defaults;
    return {
      collection: o.collection ?? this.options.backends.collection,
      options: {
        processingType: session.processingType,
        // The audit entries name the token that created the session, not the client's free-text uploaded_by.
        ...auditActorAsUploader(session),
        maxFileSize: o.max_file_size ?? d.maxFileSize,
        chunkSize: o.chunk_size ?? d.chunkSize,
        chunkOverlap: o.chunk_overlap ?? d.chunkOverlap,
        embedBatchSize: o.embed_batch_size ?? d.embedBatchSize,
        storeBatchSize: o.store_batch_size ?? d.storeBatchSize,
        thresholds: o.thresholds ?? d.thresholds,
        force: o.force ?? d.force,
        // The server's sessions are uploads: their files' messages are read by API clients.
        client: o.client ?? 'api',
        trustContent: o.trust_content ?? d.trustContent,
        ocr: o.ocr ? { mode: o.ocr.mode, engine: o.ocr.engine, minConfidence: o.ocr.min_confidence } : d.ocr,
      },
    };
  }
}
