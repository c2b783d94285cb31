import { parseFilename } from '../core/filename/parse-filename.js';
import type { FileResult, MatchSummary } from '../core/pipeline/events.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import type { BatchFile } from '../db/schema.js';

/** A file an earlier run (or step) settled, as the report shows it: from its recorded state. */
export function resultFromRow(row: BatchFile): FileResult {
  return {
    fileId: row.id,
    relativePath: row.relativePath,
    filename: row.filename,
    outcome: row.outcome as FileOutcome,
    processingStatus: row.processingStatus,
    message: row.errorMessage,
    parse: parseFilename(row.filename),
    match: null,
    pages: row.pages,
    chunks: row.chunks,
    documentId: row.documentId,
    contentSha256: row.contentSha256,
    moveError: row.moveError,
    stageMs: {},
  };
}

/**
 * An ingested file as its row records it, with the patient it was attached to: what the live counts and
 * the dashboard counted for it. `vectorized`: its document has vectors (the dashboard counts it embedded).
 */
export function ingestedResultFromRow(
  row: BatchFile,
  patientExpediente: string,
  vectorized: boolean,
): FileResult {
  const status = row.matchingStatus === 'new_patient' ? 'new_patient' : 'matched';
  const match: MatchSummary = {
    decision: status === 'new_patient' ? 'new' : 'auto',
    status,
    confidence: row.matchConfidence ?? 0,
    reason: matchReasonOf(row.matchingDetails),
    patientExpediente,
    candidates: [],
  };
  // Its embedding's time was the run's that did it: zero here, only its having run counts.
  return { ...resultFromRow(row), match, stageMs: vectorized ? { embed: 0 } : {} };
}

/**
 * What the row of an ingested file that a later copy took back into review records (its document detached,
 * as DocumentChangeRepository.detach writes it): for a row kept in memory, and for the report (takenBackResult).
 */
export function takenBackRow(message: string) {
  return {
    outcome: 'review_required',
    processingStatus: 'pending',
    matchingStatus: 'review_required',
    errorMessage: message,
    documentId: null,
    chunks: null,
    patientId: null,
  } as const satisfies Partial<BatchFile>;
}

/** The report of an ingested file that a later copy took back into review: as its row now records it. */
export function takenBackResult(result: FileResult, message: string): FileResult {
  const row = takenBackRow(message);
  return {
    ...result,
    outcome: row.outcome,
    processingStatus: row.processingStatus,
    message: row.errorMessage,
    documentId: row.documentId,
    chunks: row.chunks,
    match: result.match ? { ...result.match, status: row.matchingStatus, patientExpediente: null } : null,
  };
}

function matchReasonOf(details: string | null): string {
  if (!details) return '';
  try {
    const reason = (JSON.parse(details) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : '';
  } catch {
    return '';
  }
}
