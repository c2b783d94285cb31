import { ExitCode } from '../../errors.js';

/**
 * The exit code of a batch from its counts: 130 interrupted, 3 some failed, 2 some wait for review, else 0.
 * `ingest DIR` passes its session's totals; `ingest --enqueue` the files it settled as found, so that a cron
 * line reads the same code for the same news whichever way the folder is ingested.
 */
export function exitCodeFor(result: {
  interrupted: boolean;
  totals: { failedFiles: number; reviewRequired: number; alreadyWaiting?: number; notMoved?: number };
}): number {
  if (result.interrupted) return ExitCode.Interrupted;
  // A file ingested but left in the drop folder (read-only archive) is a failure of the run's promise.
  if (result.totals.failedFiles > 0 || (result.totals.notMoved ?? 0) > 0) return ExitCode.SomeFailed;
  // Copies of content already waiting count too: the review they wait for is still pending.
  if (result.totals.reviewRequired + (result.totals.alreadyWaiting ?? 0) > 0) return ExitCode.ReviewPending;
  return ExitCode.Success;
}
