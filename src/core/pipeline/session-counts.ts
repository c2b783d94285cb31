import { emptyTotals, type SessionTotals } from './events.js';
import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from './file-outcome.js';
import type { BatchStatus, MatchingStatus, ProcessingStatus } from './statuses.js';

/** The files of a session that share one state, as the database groups them. */
export interface FileStateGroup {
  outcome: string | null;
  processingStatus: ProcessingStatus;
  matchingStatus: MatchingStatus;
  /** Their final state is recorded, but they could not be archived or quarantined. */
  notMoved: boolean;
  files: number;
  pages: number;
  chunks: number;
}

/**
 * A session's counts, derived from its files' recorded states rather than tallied in memory, so that they
 * are right whatever stopped the run (a crash, a kill, a backend that died) and however many runs (a resumed
 * session) and reviews contributed. `createdPatients` comes from elsewhere (the audit log also knows the
 * patients created for files that then failed).
 */
export function countSessionFiles(groups: FileStateGroup[], createdPatients: number): SessionTotals {
  const t = { ...emptyTotals(), createdPatients };
  for (const group of groups) {
    const n = group.files;
    t.totalFiles += n;
    if (group.notMoved) t.notMoved += n;
    const outcome = isOutcome(group.outcome) ? group.outcome : null;
    if (outcome === null) {
      // No outcome yet (not reached), or one this version does not know: its processing status says.
      if (group.processingStatus === 'failed') {
        t.processedFiles += n;
        t.failedFiles += n;
      } else if (group.processingStatus === 'completed') t.processedFiles += n;
      continue;
    }
    const kind = outcomeKind(outcome);
    if (kind === 'pending') {
      if (outcome === 'deferred') t.deferred += n;
      if (outcome === 'still_being_written') t.stillBeingWritten = (t.stillBeingWritten ?? 0) + n;
      continue;
    }
    t.processedFiles += n;
    if (kind === 'failed') t.failedFiles += n;
    else if (kind === 'review' && group.processingStatus === 'pending') {
      // A copy of content another file waits with is not a second review: counted apart.
      if (outcome === 'already_pending_review') t.alreadyWaiting = (t.alreadyWaiting ?? 0) + n;
      else t.reviewRequired += n;
    }
    if (outcome === 'duplicate' || outcome === 'duplicate_in_batch') t.duplicates += n;
    // Done, but not ingested: without this the closing summary (which recounts) called them ingested.
    if (outcome === 'previously_rejected' || outcome === 'rejected') t.rejected = (t.rejected ?? 0) + n;
    // Likewise: the document is counted under the final name the transfer gave it.
    if (outcome === 'renamed_by_transfer') t.renamedByTransfer = (t.renamedByTransfer ?? 0) + n;
    if (outcome === 'ingested') {
      if (group.matchingStatus === 'matched') t.matchedPatients += n;
      t.pages += group.pages;
      t.chunks += group.chunks;
    }
  }
  return t;
}

/**
 * A session's status from its counts: interrupted when the run was stopped (Ctrl-C) or left files not yet
 * final; failed when the run itself stopped, or every file it attempted failed; partially_failed when some
 * did; otherwise completed.
 */
export function sessionStatus(
  t: SessionTotals,
  run: { interrupted: boolean; stopped: boolean },
): BatchStatus {
  if (run.stopped) return 'failed';
  if (run.interrupted) return 'interrupted';
  if (t.failedFiles === 0) return 'completed';
  return t.failedFiles >= t.processedFiles ? 'failed' : 'partially_failed';
}

function isOutcome(value: string | null): value is FileOutcome {
  return value !== null && Object.hasOwn(FILE_OUTCOMES, value);
}
