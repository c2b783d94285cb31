import type { SessionTotals } from '../core/pipeline/events.js';

/** The closing lines of an ingest on stdout: what happened, and where to look next. */
export function formatIngestSummary(result: {
  session: { id: string; status: string };
  totals: SessionTotals;
  seconds: number;
}): string[] {
  const t = result.totals;
  const s = result.session;
  const lines = [
    '',
    `Session ${s.id} — ${s.status} in ${result.seconds.toFixed(1)} s`,
    `  ${t.totalFiles} files: ${t.processedFiles - t.failedFiles - t.reviewRequired - t.duplicates} ingested, ` +
      `${t.duplicates} duplicates, ${t.reviewRequired} waiting for review, ${t.failedFiles} failed` +
      (t.deferred ? `, ${t.deferred} left for the next run` : ''),
    `  patients: ${t.matchedPatients} matched, ${t.createdPatients} created · ${t.pages} pages, ${t.chunks} chunks`,
  ];
  if (t.notMoved > 0) {
    lines.push(
      `  ${t.notMoved} file${t.notMoved === 1 ? '' : 's'} recorded but not archived or quarantined: still in the drop folder (see status --files)`,
    );
  }
  if (t.reviewRequired > 0) lines.push(`  Settle the reviews with: tecsalud-batch review ${s.id.slice(0, 8)}`);
  if (t.failedFiles > 0 || t.notMoved > 0) lines.push(`  See every file with: tecsalud-batch status ${s.id.slice(0, 8)} --files`);
  return lines;
}
