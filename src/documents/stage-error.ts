import type { FileOutcome } from '../core/pipeline/file-outcome.js';

/** A failure that belongs to one file: recorded with its outcome, and the batch goes on. */
export class FileStageError extends Error {
  constructor(
    readonly outcome: FileOutcome,
    message: string,
  ) {
    super(message);
    this.name = 'FileStageError';
  }
}
