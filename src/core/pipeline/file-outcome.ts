import type { MatchingStatus, ProcessingStatus } from './statuses.js';

/**
 * Every file ends in exactly one of these outcomes, with a message. `kind` says how it counts in a
 * session: done (nothing more to do), review (waits for an admin), failed (needs attention and a
 * re-run), pending (not attempted in this run; a re-run takes it).
 */
export const FILE_OUTCOMES = {
  ingested: { kind: 'done', label: 'ingested' },
  duplicate: { kind: 'done', label: 'duplicate (already ingested)' },
  duplicate_in_batch: { kind: 'done', label: 'duplicate (identical to another file in this batch)' },
  // Not done: the same bytes carry two patients' expedientes, so one of the two names is wrong.
  duplicate_other_patient: {
    kind: 'failed',
    label: 'identical to a document filed under another expediente',
  },
  already_pending_review: { kind: 'review', label: 'already waiting for review' },
  review_required: { kind: 'review', label: 'waiting for an admin review' },
  rejected: { kind: 'done', label: 'rejected by a reviewer' },
  previously_rejected: { kind: 'done', label: 'set aside: a reviewer rejected the same content' },
  invalid_name: { kind: 'failed', label: 'filename does not follow the TecSalud pattern' },
  not_pdf: { kind: 'failed', label: 'not a PDF' },
  empty_file: { kind: 'failed', label: 'empty file' },
  too_large: { kind: 'failed', label: 'larger than --max-file-size' },
  unreadable: { kind: 'failed', label: 'cannot be read' },
  outside_source: { kind: 'failed', label: 'symlink leading outside the source folder' },
  encrypted: { kind: 'failed', label: 'password-protected PDF' },
  corrupt: { kind: 'failed', label: 'corrupt PDF' },
  image_only: { kind: 'failed', label: 'no text layer (scanned image: needs OCR)' },
  extraction_timeout: { kind: 'failed', label: 'text extraction timed out' },
  extraction_memory: { kind: 'failed', label: 'text extraction ran out of memory' },
  extraction_error: { kind: 'failed', label: 'text extraction failed' },
  embedding_failed: { kind: 'failed', label: 'embedding service failed' },
  vector_store_failed: { kind: 'failed', label: 'vector store failed' },
  processing_failed: { kind: 'failed', label: 'processing failed on every attempt (job queue workers)' },
  patient_conflict: { kind: 'review', label: 'expediente taken by a differently named patient' },
  // Done, not failed: a `.filepart` its transfer renamed before its turn came; the final name carries the file.
  renamed_by_transfer: {
    kind: 'done',
    label: 'renamed by its transfer once complete: taken under its final name',
  },
  deferred: { kind: 'pending', label: 'left for the next run (--max-files reached)' },
  // Not failed: a copy under way (a nightly export, an SMB upload) is not there yet; the next run reads it whole.
  still_being_written: { kind: 'pending', label: 'still being written: left for the next run' },
  interrupted: { kind: 'pending', label: 'interrupted before it finished' },
} as const;

export type FileOutcome = keyof typeof FILE_OUTCOMES;
export type OutcomeKind = (typeof FILE_OUTCOMES)[FileOutcome]['kind'];

export function outcomeKind(outcome: FileOutcome): OutcomeKind {
  return FILE_OUTCOMES[outcome].kind;
}

/** The service's processing status for a final outcome. */
/** Outcomes a later run (or worker) still takes: a file in one of them, or with none, is not finished. */
export const UNFINISHED_OUTCOMES: readonly FileOutcome[] = (
  Object.keys(FILE_OUTCOMES) as FileOutcome[]
).filter((outcome) => outcomeKind(outcome) === 'pending');

export function processingStatusFor(outcome: FileOutcome): ProcessingStatus {
  switch (outcomeKind(outcome)) {
    case 'done':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      return 'pending';
  }
}

export type { MatchingStatus };

/** Outcomes that say something about the file itself (so re-running will not help): quarantined. */
const QUARANTINED: ReadonlySet<FileOutcome> = new Set<FileOutcome>([
  'invalid_name',
  'not_pdf',
  'empty_file',
  'too_large',
  'encrypted',
  'corrupt',
  'image_only',
]);

/** Where drop-folder hygiene sends a file after its final state is recorded. */
export function disposalFor(outcome: FileOutcome): 'archive' | 'quarantine' | 'keep' {
  if (outcome === 'ingested' || outcome === 'duplicate' || outcome === 'duplicate_in_batch') return 'archive';
  return QUARANTINED.has(outcome) ? 'quarantine' : 'keep';
}
