import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import {
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_COLLECTION,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_STORE_BATCH_SIZE,
} from '../core/pipeline/defaults.js';
import type { PipelineStage } from '../core/pipeline/events.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { isUploadSession, uploadedFileName } from '../core/uploads/uploaded-file-name.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { QueueRepository } from '../db/repositories/queue-repository.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { auditActorAsUploader, readSessionOptions } from '../db/session-options.js';
import { FileProcessor, type FileToProcess } from '../ingest/file-processor.js';
import { GroupCommitter } from '../ingest/group-committer.js';
import { namesListedLater } from '../ingest/names-in-folder.js';
import { prepareCollection } from '../ingest/run-ingest.js';
import type { IngestDependencies, IngestOptions } from '../ingest/types.js';
import { DatabaseContentClaims } from './database-content-claims.js';
import { locateFile } from './locate-file.js';

/** The adapters for one session (its collection, its processing type), and how to release them. */
export interface SessionAdapters {
  deps: IngestDependencies;
  close(): Promise<void>;
}

/**
 * Opens the adapters a session's files need, bound to the session's collection (the app layer's
 * business: it knows the configuration).
 */
export type OpenSessionAdapters = (
  session: BatchUpload,
  options: IngestOptions,
  collection: string,
) => Promise<SessionAdapters>;

/** As in a single run: a finished file waits this long for others to share its write. */
const STORE_BATCH_DELAY_MS = 300;

/**
 * What a worker needs to run one session's files: the options the session was registered with, the
 * adapters, and a FileProcessor (the very steps `ingest` runs) whose writes are grouped across the files
 * of the session this worker has in flight.
 */
export class SessionWork {
  readonly batches: BatchRepository;
  readonly audit: AuditRepository;
  readonly storeBatchSize: number;
  readonly deps: IngestDependencies;

  private constructor(
    readonly session: BatchUpload,
    readonly options: IngestOptions,
    readonly processor: FileProcessor,
    readonly committer: GroupCommitter,
    private readonly adapters: SessionAdapters,
  ) {
    this.deps = adapters.deps;
    this.batches = new BatchRepository(adapters.deps.database.db);
    this.audit = new AuditRepository(adapters.deps.database.db);
    this.storeBatchSize = options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE;
  }

  static async open(
    session: BatchUpload,
    settings: { concurrency: number; onStage?: (file: FileToProcess, stage: PipelineStage) => void },
    openAdapters: OpenSessionAdapters,
  ): Promise<SessionWork> {
    const options = ingestOptionsOf(session, settings.concurrency);
    const adapters = await openAdapters(session, options, sessionCollection(session));
    try {
      const { deps } = adapters;
      // The same check a run makes before its first file: the collection fits this worker's embedder.
      await prepareCollection({ options, deps });
      const committer = new GroupCommitter(deps, {
        maxFiles: options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE,
        maxDelayMs: STORE_BATCH_DELAY_MS,
      });
      const totalPatients = await new PatientRepository(deps.database.db).count();
      const processor = new FileProcessor(
        session.id,
        options,
        deps,
        totalPatients,
        settings.onStage ?? (() => undefined),
        committer,
        // Every file of a queued session is processed: --max-files does not apply to workers.
        () => true,
        session.sourceDir,
        new DatabaseContentClaims(new QueueRepository(deps.database.db), session.id),
        // The session's files, as registered: a new patient is named by the first of them naming it.
        namesListedLater(() => new BatchRepository(deps.database.db).listFilePaths(session.id)),
      );
      return new SessionWork(session, options, processor, committer, adapters);
    } catch (error) {
      await adapters.close();
      throw error;
    }
  }

  /** The file as the steps take it: its path under the session's folder, checked as discovery checks it. */
  async toProcess(file: BatchFile): Promise<FileToProcess> {
    // The HTTP API's uploads are kept under a derived name in the session's folder (see UploadStore).
    const storedAs = isUploadSession(this.session) ? uploadedFileName(file.relativePath) : file.relativePath;
    const located = await locateFile(this.session.sourceDir, file.relativePath, storedAs);
    return { ...located, fileId: file.id };
  }

  /** Writes what waits for its group, then releases the adapters. */
  async close(): Promise<void> {
    try {
      await this.committer.flush();
    } finally {
      await this.adapters.close();
    }
  }
}

/** The collection a session writes its chunks to. */
export function sessionCollection(session: BatchUpload): string {
  return readSessionOptions(session.optionsJson).collection ?? DEFAULT_COLLECTION;
}

/** The options a session was registered with, as a run of it would use them; concurrency is the worker's. */
export function ingestOptionsOf(session: BatchUpload, concurrency: number): IngestOptions {
  const o = readSessionOptions(session.optionsJson);
  return {
    sourceDir: session.sourceDir,
    glob: o.glob ?? undefined,
    processingType: session.processingType,
    ...auditActorAsUploader(session),
    concurrency,
    maxFileSize: o.max_file_size ?? DEFAULT_MAX_FILE_SIZE,
    maxFiles: o.max_files ?? Number.MAX_SAFE_INTEGER,
    chunkSize: o.chunk_size ?? DEFAULT_CHUNK_SIZE,
    chunkOverlap: o.chunk_overlap ?? DEFAULT_CHUNK_OVERLAP,
    embedBatchSize: o.embed_batch_size ?? DEFAULT_EMBED_BATCH_SIZE,
    storeBatchSize: o.store_batch_size ?? DEFAULT_STORE_BATCH_SIZE,
    force: o.force ?? false,
    client: o.client ?? 'cli',
    thresholds: o.thresholds ?? DEFAULT_THRESHOLDS,
    archiveDir: o.archive_dir ?? undefined,
    quarantineDir: o.quarantine_dir ?? undefined,
    trustContent: o.trust_content ?? false,
    ...(o.ocr
      ? { ocr: { mode: o.ocr.mode, engine: o.ocr.engine, minConfidence: o.ocr.min_confidence } }
      : {}),
    // A file still being copied into the folder when its worker reads it is left pending, as `ingest DIR` leaves it.
    ...(o.still_writing_seconds === undefined ? {} : { stillWritingMs: o.still_writing_seconds * 1000 }),
  };
}
