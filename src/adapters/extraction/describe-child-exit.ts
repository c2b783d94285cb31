import { describeFailure } from './describe-failure.js';
import type { ExtractionFailure } from './types.js';

export type ChildExit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * Names the failure of a file whose extraction process died under it. Node answers an exhausted heap
 * (--max-old-space-size) with "FATAL ERROR: Reached heap limit" and abort(), so SIGABRT (or the shell's
 * 134) means the file needed more memory than the ceiling; any other death is an extractor fault.
 */
export function describeChildExit(exit: ChildExit | undefined, maxMemoryMb: number): ExtractionFailure {
  if (exit?.signal === 'SIGABRT' || exit?.code === 134)
    return describeFailure('too_large_memory', { maxMemoryMb });
  const how =
    exit === undefined
      ? 'the extraction process exited unexpectedly'
      : exit.signal !== null
        ? `the extraction process was stopped by ${exit.signal}`
        : `the extraction process exited with code ${String(exit.code)}`;
  return describeFailure('extraction_error', { detail: how });
}
