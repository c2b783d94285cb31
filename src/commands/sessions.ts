import { PROCESSING_TYPES, type BatchFile, type BatchUpload, type ProcessingType } from '../db/schema.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { ExitCode, UserError } from '../errors.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { loadBackendConfig, type BackendFlags, type BackendConfig } from '../config/load-config.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';
import { currentUser } from './shared/current-user.js';
import { batchFileFlags, toBatchFileJson, toSessionJson } from './shared/report-json.js';
import type { OpenDatabase } from '../db/open-database.js';

const PROCESSING_TYPE_INFO: Record<ProcessingType, { label: string; description: string }> = {
  vectorized: {
    label: 'Vectorized',
    description:
      'Chunks, embeds and stores the text in the vector store for semantic search; no full text in the database.',
  },
  complete: {
    label: 'Complete',
    description: 'Stores the full extracted text in the database (medical_documents); no vectors.',
  },
  both: {
    label: 'Both',
    description: 'Stores the full text in the database and the chunks in the vector store (the default).',
  },
};

export function processingTypesCommand(options: { json?: boolean; io?: CommandIo }): number {
  const io = options.io ?? processIo;
  const types = PROCESSING_TYPES.map((value) => ({ value, ...PROCESSING_TYPE_INFO[value] }));
  if (options.json) writeJson(io, types);
  else
    for (const t of types)
      writeLine(io.stdout, `${t.value.padEnd(11)} ${t.label.padEnd(11)} ${t.description}`);
  return ExitCode.Success;
}

/** Finds a session by id or unique prefix; without one, the latest session. */
export async function resolveSession(
  database: OpenDatabase,
  idOrPrefix: string | undefined,
): Promise<BatchUpload> {
  const batches = new BatchRepository(database.db);
  if (!idOrPrefix) {
    const latest = await batches.latestSession();
    if (!latest)
      throw new UserError(
        'there are no sessions yet',
        ExitCode.Usage,
        'run `tecsalud-batch ingest DIR` first',
      );
    return latest;
  }
  const found = await batches.findSessionByPrefix(idOrPrefix.trim());
  if (found.length === 0) {
    throw new UserError(
      `no session '${sanitizeForTerminal(idOrPrefix)}'`,
      ExitCode.Usage,
      'list them with `tecsalud-batch sessions`',
    );
  }
  if (found.length > 1) {
    throw new UserError(
      `'${sanitizeForTerminal(idOrPrefix)}' matches several sessions`,
      ExitCode.Usage,
      'give more of the id',
    );
  }
  return found[0]!;
}

export interface StatusOptions extends DatabaseOptions {
  session?: string;
  files?: boolean;
  json?: boolean;
  io?: CommandIo;
}

export async function statusCommand(options: StatusOptions): Promise<number> {
  const io = options.io ?? processIo;
  const { session, files } = await withDatabase(options, async (database) => {
    const session = await resolveSession(database, options.session);
    const files =
      options.files || options.json ? await new BatchRepository(database.db).listFiles(session.id) : [];
    return { session, files };
  });
  if (options.json) {
    writeJson(io, { ...toSessionJson(session), files: files.map(toBatchFileJson) });
    return ExitCode.Success;
  }
  const s = toSessionJson(session);
  writeLine(io.stdout, `Session ${s.session_id}`);
  const rows: [string, unknown][] = [
    ['status', s.status],
    ['processing type', s.processing_type],
    ['uploaded by', s.uploaded_by],
    ['source', s.source_dir],
    ['files', `${s.processed_files}/${s.total_files} processed, ${s.failed_files} failed`],
    ['patients', `${s.matched_patients} matched, ${s.created_patients} created`],
    ['review required', s.review_required],
    ['duplicates', s.duplicates],
    ['created', s.created_at],
    ['started', s.started_at ?? '—'],
    ['completed', s.completed_at ?? '—'],
    ['processing time', s.processing_time === null ? '—' : `${s.processing_time} s`],
  ];
  if (s.error_message) rows.push(['note', s.error_message]);
  for (const [label, value] of rows)
    writeLine(io.stdout, `  ${label.padEnd(16)} ${sanitizeForTerminal(String(value))}`);
  if (options.files) {
    writeLine(io.stdout, '');
    for (const f of files) {
      const flags = batchFileFlags(f);
      writeLine(
        io.stdout,
        `  ${(f.outcome ?? f.processingStatus).padEnd(22)} ${sanitizeForTerminal(f.relativePath)}` +
          (flags.length > 0 ? `  ⚑ ${flags.join(', ')}` : '') +
          (f.errorMessage ? `\n  ${''.padEnd(22)} ↳ ${sanitizeForTerminal(f.errorMessage)}` : '') +
          (f.ocrEngine ? `\n  ${''.padEnd(22)} ↳ ${describeOcr(f)}` : ''),
      );
    }
  }
  return ExitCode.Success;
}

function describeOcr(file: BatchFile): string {
  const pages = `${file.ocrPages ?? 0} page${file.ocrPages === 1 ? '' : 's'}`;
  const confidence =
    file.ocrConfidence === null ? 'no words read' : `mean word confidence ${file.ocrConfidence.toFixed(2)}`;
  const low = file.lowOcrConfidence ? ': low, check the text against the scan' : '';
  return `OCR (${file.ocrEngine}) read ${pages}, ${confidence}${low}`;
}

export interface SessionsOptions extends DatabaseOptions {
  limit: string;
  json?: boolean;
  io?: CommandIo;
}

export async function sessionsCommand(options: SessionsOptions): Promise<number> {
  const io = options.io ?? processIo;
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UserError(`--limit must be a whole number ≥ 1`, ExitCode.Usage);
  const sessions = await withDatabase(options, ({ db }) => new BatchRepository(db).listSessions(limit));
  if (options.json)
    writeJson(
      io,
      sessions.map((s) => toSessionJson(s)),
    );
  else if (sessions.length === 0) writeLine(io.stdout, 'No sessions yet.');
  else {
    for (const s of sessions) {
      writeLine(
        io.stdout,
        `${s.id.slice(0, 8)}  ${s.createdAt.slice(0, 19).replace('T', ' ')}  ${s.status.padEnd(16)} ` +
          `${String(s.processedFiles).padStart(5)}/${String(s.totalFiles).padEnd(5)} files  ` +
          `${s.failedFiles} failed  ${s.reviewRequired} review  ${sanitizeForTerminal(s.sourceDir)}`,
      );
    }
  }
  return ExitCode.Success;
}

export interface CleanupOptions extends DatabaseOptions, BackendFlags {
  session?: string;
  /** e.g. `7d`, `12h`: every finished session older than this (the service's cleanup_completed_sessions_days). */
  olderThan?: string;
  purge?: boolean;
  user?: string;
  json?: boolean;
  io?: CommandIo;
}

/**
 * Removes sessions' working state (their file rows and any text kept for reviews). Ingested
 * documents stay unless `--purge`, which also deletes the session's documents and their vectors.
 * Files still waiting for review are kept: cleaning never throws away a pending decision.
 */
export async function cleanupCommand(options: CleanupOptions): Promise<number> {
  const io = options.io ?? processIo;
  if (!options.session && !options.olderThan) {
    throw new UserError('name a session, or give --older-than (e.g. 7d)', ExitCode.Usage);
  }
  if (options.session && options.olderThan) {
    throw new UserError('give either a session or --older-than, not both', ExitCode.Usage);
  }
  if (options.purge && options.olderThan) {
    throw new UserError('--purge works on one named session at a time', ExitCode.Usage);
  }
  const cutoff = options.olderThan
    ? new Date(Date.now() - parseDuration(options.olderThan)).toISOString()
    : null;
  const backends = await loadBackendConfig(options);
  const reports = await withDatabase({ ...options, db: backends.db }, async (database) => {
    const batches = new BatchRepository(database.db);
    const sessions = cutoff
      ? await batches.finishedSessionsBefore(cutoff)
      : [await resolveSession(database, options.session)];
    const results = [];
    for (const session of sessions) results.push(await cleanOneSession(database, session, options, backends));
    return results;
  });
  if (options.json)
    writeJson(io, cutoff ? { older_than: options.olderThan, cutoff, sessions: reports } : reports[0]);
  else {
    if (reports.length === 0) writeLine(io.stdout, `No finished sessions older than ${options.olderThan}.`);
    for (const report of reports) {
      writeLine(
        io.stdout,
        `Cleaned session ${report.session_id.slice(0, 8)}: ${report.removed_file_records} file records removed` +
          (report.kept_pending_reviews ? `, ${report.kept_pending_reviews} pending reviews kept` : '') +
          (options.purge
            ? `, ${report.purged_documents} documents purged with their vectors.`
            : '; ingested documents kept.'),
      );
    }
  }
  return ExitCode.Success;
}

async function cleanOneSession(
  database: OpenDatabase,
  session: BatchUpload,
  options: CleanupOptions,
  backends: BackendConfig,
) {
  if (session.status === 'processing' || session.status === 'pending') {
    throw new UserError(
      `session ${session.id.slice(0, 8)} is still ${session.status}`,
      ExitCode.Usage,
      'wait for it to finish (or, if its run was killed, run the ingest again first)',
    );
  }
  let purgedDocuments: string[] = [];
  if (options.purge) {
    if (session.processingType !== 'complete') {
      const { openSearchAdapters } = await import('./shared/adapters.js');
      // The vectors live where the session put them: its recorded collection, the configured store.
      const recorded = (JSON.parse(session.optionsJson) as { collection?: string }).collection;
      const { vectorStore } = await openSearchAdapters({
        database,
        backends,
        collection: options.collection ?? recorded ?? backends.collection,
      });
      const documents = await database.db
        .selectFrom('medicalDocuments')
        .select('id')
        .where('batchId', '=', session.id)
        .execute();
      for (const doc of documents) await vectorStore.deleteDocument(doc.id);
      await vectorStore.close();
    }
    purgedDocuments = await new DocumentRepository(database.db).deleteByBatch(session.id);
  }
  const batches = new BatchRepository(database.db);
  const { removed, keptPendingReviews } = await batches.deleteSessionWorkingState(session.id);
  await new AuditRepository(database.db).record({
    actor: options.user ?? currentUser(),
    action: options.purge ? 'session_purged' : 'session_cleaned',
    batchId: session.id,
    entityType: 'batch_upload',
    entityId: session.id,
    details: {
      removed_files: removed,
      kept_pending_reviews: keptPendingReviews,
      purged_documents: purgedDocuments.length,
    },
  });
  return {
    session_id: session.id,
    removed_file_records: removed,
    kept_pending_reviews: keptPendingReviews,
    purged_documents: purgedDocuments.length,
  };
}

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/i.exec(text);
  if (!match)
    throw new UserError(
      `--older-than '${text}' is not a duration`,
      ExitCode.Usage,
      'write it like 7d, 12h, 2w or 30m',
    );
  return Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!;
}
