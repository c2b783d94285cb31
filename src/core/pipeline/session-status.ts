import type { BatchStatus } from './statuses.js';

/**
 * A finished session's status from its counts (the rule a run's tally applies): completed when no file
 * failed, failed when every file it attempted failed, else partially failed.
 */
export function finishedSessionStatus(counts: {
  totalFiles: number;
  failedFiles: number;
  deferred?: number;
}): BatchStatus {
  if (counts.failedFiles === 0) return 'completed';
  return counts.failedFiles >= counts.totalFiles - (counts.deferred ?? 0) ? 'failed' : 'partially_failed';
}
