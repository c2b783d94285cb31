import type { PipelineListener, SessionTotals } from '../core/pipeline/events.js';
import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from '../core/pipeline/file-outcome.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { SessionCounterRepository } from '../db/repositories/session-counter-repository.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { serviceDown } from '../db/connection-loss.js';
import { sweepForcedSession } from '../documents/remove-copies-elsewhere.js';
import { UserError } from '../errors.js';
import type { FileToProcess } from './file-processor.js';
import {
  finishSession,
  prepareCollection,
  processFiles,
  startSession,
  type IngestResult,
  type Run,
} from './run-ingest.js';
import { SessionTally } from './session-tally.js';
import type { IngestDependencies, IngestOptions } from './types.js';

export interface SessionRunSettings {
  /** Where a registered file's bytes are (the caller's storage layout: e.g. an upload folder). */
  locate(file: BatchFile): string;
  collectResults?: boolean;
}

/**
 * Runs the files of a session that already exists (registered by an upload, say) through the same steps as
 * `ingest`. The database's file states are the only truth: a file already in a final state is done and only
 * counted; every other file (never started, or cut short by a stop) is processed. So the same call starts a
 * session, resumes it after a crash, or finds nothing to do.
 *
 * Stopped by `options.signal` (a server shutting down), the files in flight finish and the session stays
 * `processing`: whoever runs it next finishes it. It is closed (completed, partially failed, failed) only
 * when every file is final, or when an error that is not one file's stops the run.
 */
export async function runSessionFiles(
  sessionId: string,
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener,
  settings: SessionRunSettings,
): Promise<IngestResult & { session: BatchUpload }> {
  const started = performance.now();
  const batches = new BatchRepository(deps.database.db);
  const session = await batches.findSession(sessionId);
  if (!session) throw new UserError(`no session '${sessionId}'`);
  const rows = await batches.listFiles(sessionId);
  const unsettled = rows.filter((row) => !isFinal(row));
  const run: Run = {
    options,
    deps,
    listener,
    sourceDir: session.sourceDir,
    session,
    // An existing session, whatever its state: its rows stay, and its earlier runs' files count.
    resumed: true,
    batches,
    audit: new AuditRepository(deps.database.db),
    counters: new SessionCounterRepository(deps.database.db),
    tally: new SessionTally(rows.length, settledTotals(rows.filter(isFinal))),
    results: settings.collectResults ? [] : null,
  };
  const files: FileToProcess[] = unsettled.map((row) => ({
    fileId: row.id,
    relativePath: row.relativePath,
    absolutePath: settings.locate(row),
    outsideSource: false,
    size: row.fileSize,
    mtimeMs: null,
  }));
  const open = session.status === 'pending' || session.status === 'processing';
  if (files.length === 0 && !open) {
    // A closed session with every file final: nothing to do, and nothing to change.
    return {
      session,
      status: session.status,
      totals: run.tally.snapshot(),
      seconds: 0,
      interrupted: false,
      stopped: null,
      resumed: false,
      files: [],
      stageSeconds: {},
    };
  }
  await prepareCollection(run);
  await startSession(run);
  // Resumed as `ingest` resumes one: an earlier run may have died between a row and the old chunks' removal.
  await sweepForcedSession(deps, options, session.id);
  const processed = await processFiles(run, {
    failedEntries: [],
    known: [],
    work: files,
    earlier: rows.filter(isFinal),
  });
  const { interrupted } = processed;
  // A bare driver error (pg's "Connection terminated unexpectedly") named as what it is, as `ingest` does:
  // the session's note says the database was lost, not the driver's words alone.
  const fatal = serviceDown(processed.fatal, deps.database) ?? processed.fatal;
  let seconds = (performance.now() - started) / 1000;
  let totals: SessionTotals;
  if (interrupted && !fatal) {
    // Not closed: the files not reached stay as they are, for the next start to finish.
    totals = await run.counters.recount(session.id, { final: true });
  } else {
    ({ seconds, totals } = await finishSession(run, { interrupted: false, fatal, started }));
  }
  if (fatal) throw fatal;
  const finalSession = (await batches.findSession(session.id))!;
  return {
    session: finalSession,
    status: finalSession.status,
    totals,
    seconds,
    interrupted,
    // A backend that went down was thrown above (the API answers 503): a run that returns was not stopped.
    stopped: null,
    resumed: rows.some(isFinal),
    files: run.results ?? [],
    stageSeconds: run.tally.stageSeconds,
  };
}

/** A file is final when its outcome says so; no outcome yet, or one a later run takes (deferred, interrupted), is not. */
export function isFinal(file: Pick<BatchFile, 'outcome'>): boolean {
  if (!file.outcome || !(file.outcome in FILE_OUTCOMES)) return false;
  return outcomeKind(file.outcome as FileOutcome) !== 'pending';
}

/** What the files already final contribute to the session's counts, as the tally would have counted them. */
export function settledTotals(files: BatchFile[]): Partial<SessionTotals> {
  const t = {
    processedFiles: 0,
    failedFiles: 0,
    createdPatients: 0,
    matchedPatients: 0,
    reviewRequired: 0,
    duplicates: 0,
    pages: 0,
    chunks: 0,
  };
  for (const file of files) {
    const outcome = file.outcome as FileOutcome;
    const kind = outcomeKind(outcome);
    t.processedFiles++;
    if (kind === 'failed') t.failedFiles++;
    else if (kind === 'review' && outcome !== 'already_pending_review') t.reviewRequired++;
    if (outcome === 'duplicate' || outcome === 'duplicate_in_batch') t.duplicates++;
    if (outcome === 'ingested') {
      if (file.matchingStatus === 'new_patient') t.createdPatients++;
      else if (file.matchingStatus === 'matched') t.matchedPatients++;
      t.pages += file.pages ?? 0;
      t.chunks += file.chunks ?? 0;
    }
  }
  return t;
}
