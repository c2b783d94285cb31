/**
 * The states a session and its files go through, as the hospital service names them (and as the database
 * stores them). The pipeline's rules about them live in core; the tables only hold them. `interrupted` is
 * ours (DECISIONS 1): a run stopped by Ctrl-C or killed, whose files not yet final the next run of the
 * folder finishes in the same session; the HTTP API shows it to the service's clients as `failed`.
 */
export const BATCH_STATUSES = [
  'pending',
  'processing',
  'completed',
  'partially_failed',
  'failed',
  'interrupted',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const MATCHING_STATUSES = [
  'pending',
  'matched',
  'new_patient',
  'review_required',
  'rejected',
] as const;
export type MatchingStatus = (typeof MATCHING_STATUSES)[number];

export const PROCESSING_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

export const PROCESSING_TYPES = ['vectorized', 'complete', 'both'] as const;
export type ProcessingType = (typeof PROCESSING_TYPES)[number];
