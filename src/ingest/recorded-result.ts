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

/** The report of an ingested file that a later copy took back into review: as its row now records it. */
export function takenBackResult(result: FileResult, message: string): FileResult {
  return {
    ...result,
    outcome: 'review_required',
    processingStatus: 'pending',
    message,
    documentId: null,
    chunks: null,
    match: result.match ? { ...result.match, status: 'review_required', patientExpediente: null } : null,
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
