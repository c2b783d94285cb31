import type { FileResult, SessionTotals } from '../../../src/core/pipeline/events.js';
import type { FileOutcome } from '../../../src/core/pipeline/file-outcome.js';

export function totals(patch: Partial<SessionTotals> = {}): SessionTotals {
  return {
    totalFiles: 10,
    processedFiles: 0,
    failedFiles: 0,
    createdPatients: 0,
    matchedPatients: 0,
    reviewRequired: 0,
    duplicates: 0,
    deferred: 0,
    notMoved: 0,
    pages: 0,
    chunks: 0,
    ...patch,
  };
}

export function fileResult(id: string, outcome: FileOutcome, patch: Partial<FileResult> = {}): FileResult {
  return {
    fileId: id,
    relativePath: `${id}.pdf`,
    filename: `${id}.pdf`,
    outcome,
    processingStatus: 'completed',
    message: null,
    parse: null,
    match: null,
    pages: null,
    chunks: null,
    documentId: null,
    contentSha256: null,
    stageMs: {},
    ...patch,
  };
}
