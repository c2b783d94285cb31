import { Option } from '@commander-js/extra-typings';
import { parseByteSize } from '../../core/pipeline/check-pdf-file.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_MAX_FILE_SIZE } from '../../core/pipeline/defaults.js';

/** `--max-file-size`, as `ingest`, `serve` and `match` list it. */
export function maxFileSizeOption() {
  return new Option('--max-file-size <size>', 'largest file accepted, e.g. 10MB (default 10MB)');
}

/**
 * The value of `--max-file-size` (or the setting that stands for it) in bytes, the default when unset; one
 * that is no size is refused (64) in the same words wherever it is given.
 */
export function readMaxFileSize(text: string | undefined): number {
  const size = text === undefined ? DEFAULT_MAX_FILE_SIZE : parseByteSize(text);
  if (size === null || size <= 0) {
    throw new UsageError(`--max-file-size '${text}' is not a size`, 'write it like 10MB, 512KB or 1048576');
  }
  return size;
}
