import type { MatchThresholds } from '../core/matching/types.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { TextExtractor } from '../adapters/extraction/types.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { AuditActor } from '../db/repositories/audit-repository.js';
import type { ActorKind, ProcessingType } from '../db/schema.js';
import type { FileModePolicy } from '../private-files.js';
import type { MessageClient } from '../core/pipeline/already-ingested.js';

export { DEFAULT_STORE_BATCH_SIZE } from '../core/pipeline/defaults.js';

export type { MatchThresholds };

export interface IngestOptions {
  sourceDir: string;
  glob?: string;
  /** Walk hidden and system folders and take hidden files (`--include-hidden`, config `includeHidden`). */
  includeHidden?: boolean;
  processingType: ProcessingType;
  uploadedBy: string;
  /**
   * What `uploadedBy` is, as the audit entries of the run say: the run's user (default), or the API token that
   * created an upload session (then `uploadedBy` is that token's name: see sessionAuditActor).
   */
  actorKind?: ActorKind;
  /** Files in flight at once (the service's max_parallel_files). */
  concurrency: number;
  maxFileSize: number;
  maxFiles: number;
  chunkSize: number;
  chunkOverlap: number;
  /** Re-ingest content that was already ingested, replacing its chunks. */
  force: boolean;
  /**
   * Who reads the files' messages: the command line (the default) or an HTTP API client (an upload
   * session), which has no --force to be told about.
   */
  client?: MessageClient;
  thresholds: MatchThresholds;
  /**
   * `--trust-content` (issue 15): a file the filename alone would send to review is attached when its
   * document names one registry patient beyond doubt (audited `content_confirmed`). Off by default.
   */
  trustContent?: boolean;
  /** Chunks per embedder call. */
  embedBatchSize: number;
  /** Files written together: one vector-store call and one database transaction (default 32). */
  storeBatchSize?: number;
  /**
   * How the extractor OCRs (recorded with the session), and the mean OCR word confidence (0-1) below which
   * an ingested file is flagged `low_ocr_confidence` (default 0.7, OCR_DEFAULTS.minConfidence).
   */
  ocr?: { mode: string; engine: string; minConfidence: number };
  /** Stops taking new files when aborted (Ctrl-C); files in flight finish. */
  signal?: AbortSignal;
  /**
   * Stops the run as failed when aborted, with the signal's reason as the error (the run lock lost for
   * good): files in flight finish, the others stay for the next run.
   */
  halt?: AbortSignal;
  /**
   * The caller holds the run lock on this folder: sessions still marked running there were left by a
   * killed run, and are closed as interrupted.
   */
  recoverAbandoned?: boolean;
  /**
   * `ingest --enqueue`, holding the run lock: the folder's enqueued session not yet final — interrupted by
   * Ctrl-C, or still being worked on by the workers — is resumed (when it stores documents the same way),
   * instead of a new session registering every file again (its files already queued then ended as duplicates
   * of the first session's). DECISIONS "Resuming": the files' states are the truth, the queue a dispatcher.
   */
  resumeUnfinishedEnqueue?: boolean;
  /**
   * A file not yet a whole PDF and changed less than this long ago, or one that changes while it is read, is
   * taken as still being copied in: recorded `still_being_written`, not read further, left for the next run
   * (`ingest --still-writing-seconds`; a worker takes it from the session `--enqueue` recorded). Unset: no such
   * check (an upload is whole when it gets here).
   */
  stillWritingMs?: number;
  /** Move each ingested (or already ingested) file here, keeping its relative path. */
  archiveDir?: string;
  /** Move each file that failed validation here, keeping its relative path. */
  quarantineDir?: string;
  /** Who may read the moved files and the folders created for them (config `fileMode`; default owner-only). */
  fileMode?: FileModePolicy;
  /**
   * The tool's own files besides the database (the config file, the log), as absolute paths: never taken
   * for input, nor moved, when they sit in the folder (see own-files.ts). The database's are added by the run.
   */
  ownFiles?: readonly string[];
}

/** The adapters a run needs, chosen once at start-up from configuration. */
export interface IngestDependencies {
  database: OpenDatabase;
  extractor: TextExtractor;
  /** Needed for processing types `vectorized` and `both`. */
  embedder: Embedder | null;
  vectorStore: VectorStore | null;
  collection: string;
}

/** Whom a run's audit entries name: its `uploadedBy`, as its `actorKind` says (the run's user by default). */
export function runAuditActor(options: Pick<IngestOptions, 'uploadedBy' | 'actorKind'>): AuditActor {
  return { actor: options.uploadedBy, actorKind: options.actorKind ?? 'os_user' };
}
