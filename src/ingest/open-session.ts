import type { Embedder } from '../adapters/embedders/types.js';
import type { TextExtractor } from '../adapters/extraction/types.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchUpload } from '../db/schema.js';
import { readSessionOptions, type SessionOptions } from '../db/session-options.js';
import {
  DEFAULT_STORE_BATCH_SIZE,
  runAuditActor,
  type IngestDependencies,
  type IngestOptions,
} from './types.js';

/** The session a run works in: a new one, or the unfinished one of the folder it resumes. */
export interface OpenedSession {
  session: BatchUpload;
  resumed: boolean;
}

/**
 * The settings a session's documents depend on: a run resumes an unfinished session only when it would
 * store its files the same way (the rest — concurrency, limits — may differ from run to run).
 */
const SAME_DOCUMENTS: readonly (keyof SessionOptions)[] = [
  'glob',
  'chunk_size',
  'chunk_overlap',
  'force',
  'collection',
  'embedder',
  // Which files attach and which go to review depend on these too (OCR reads scans; trust attaches more).
  'ocr',
  'trust_content',
];

/** What a session's recorded options need of the run's adapters: their identities, nothing they do. */
export interface SessionAdapterNames {
  collection: string;
  embedder: Pick<Embedder, 'id'> | null;
  extractor: Pick<TextExtractor, 'name'>;
}

/** The options a run records on its session (a folder's run, or an HTTP API session when it is created). */
export function sessionOptionsOf(options: IngestOptions, deps: SessionAdapterNames): SessionOptions {
  return {
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
    // Workers that finish a queued session's files dispose of them the same way.
    archive_dir: options.archiveDir ?? null,
    quarantine_dir: options.quarantineDir ?? null,
    ...(options.stillWritingMs === undefined ? {} : { still_writing_seconds: options.stillWritingMs / 1000 }),
    ...(options.client === 'api' ? { client: 'api' as const } : {}),
  };
}

/**
 * Opens the run's session. Holding the folder's run lock (`recoverAbandoned`), a session of the folder that a
 * run did not finish — interrupted by Ctrl-C, or left running by a killed run — is resumed when it stores
 * documents the same way: its files not yet final are this run's to finish, and those final are done
 * (DECISIONS 2: the files' recorded states are the only truth). Older unfinished sessions, or one with other
 * settings, are closed as taken over, and a new session is created.
 */
export async function openSession(
  options: IngestOptions,
  deps: IngestDependencies,
  sourceDir: string,
): Promise<OpenedSession> {
  const batches = new BatchRepository(deps.database.db);
  const audit = new AuditRepository(deps.database.db);
  const wanted = sessionOptionsOf(options, deps);
  const unfinished = options.recoverAbandoned ? await batches.unfinishedSessions(sourceDir) : [];
  const [newest] = unfinished;
  const enqueued = options.resumeUnfinishedEnqueue ? await batches.unfinishedEnqueue(sourceDir) : undefined;
  const resumable =
    enqueued && resumes(enqueued, options, wanted)
      ? enqueued
      : newest && resumes(newest, options, wanted)
        ? newest
        : null;
  const session =
    resumable ??
    (await batches.createSession({
      uploadedBy: options.uploadedBy,
      processingType: options.processingType,
      sourceDir,
      options: wanted,
    }));
  const superseded = unfinished.filter((s) => s.id !== resumable?.id).map((s) => s.id);
  if (superseded.length > 0) {
    await batches.supersedeSessions(superseded, session.id);
    await audit.record({
      ...runAuditActor(options),
      action: 'abandoned_sessions_closed',
      batchId: session.id,
      details: { sessions: superseded, source_dir: sourceDir },
    });
  }
  await audit.record({
    ...runAuditActor(options),
    action: resumable ? 'session_resumed' : 'session_created',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: {
      source_dir: sourceDir,
      processing_type: options.processingType,
      previous_status: resumable?.status ?? null,
    },
  });
  return { session, resumed: resumable !== null };
}

function resumes(session: BatchUpload, options: IngestOptions, wanted: SessionOptions): boolean {
  if (session.processingType !== options.processingType) return false;
  const recorded = readSessionOptions(session.optionsJson);
  return SAME_DOCUMENTS.every((key) => JSON.stringify(recorded[key]) === JSON.stringify(wanted[key]));
}
