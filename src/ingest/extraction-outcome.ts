import type { ExtractionFailureOutcome } from '../adapters/extraction/types.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';

/**
 * The outcome a file records when its text cannot be extracted: every such file fails, whatever its
 * filename would match. `match PATH` predicts the same from the same table.
 */
export const EXTRACTION_OUTCOMES: Readonly<Record<ExtractionFailureOutcome, FileOutcome>> = {
  encrypted: 'encrypted',
  corrupt: 'corrupt',
  image_only: 'image_only',
  timeout: 'extraction_timeout',
  too_large_memory: 'extraction_memory',
  unreadable: 'unreadable',
  extraction_error: 'extraction_error',
};
