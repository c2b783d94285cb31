import { filesLeftForNextRun, type SessionTotals } from '../core/pipeline/events.js';
import type { ReviewTally } from '../app/review-walk.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { EN, type Messages } from './i18n/messages.js';

export interface IngestSummaryInput {
  session: { id: string; status: string };
  totals: SessionTotals;
  seconds: number;
  interrupted?: boolean;
  /** The review right after the run: its decisions are in the counts, and what still waits. */
  reviewed?: { tally: ReviewTally; stillPending: number } | null;
  /** Type codes of this run's files that the service does not know, with their file counts (see UnknownTypeCodes). */
  unknownTypeCodes?: ReadonlyMap<string, number>;
  /** How many of those files are on record as type `other` (see UnknownTypeCodes.recorded). */
  unknownTypeCodesRecorded?: number;
  /** Hidden and system entries of the folder the run skipped (see discoverFiles). */
  skippedHidden?: readonly string[];
  /** The --glob matched no file of a folder holding this many (see discoverFiles). */
  filesNotMatchingGlob?: number;
  glob?: string;
  /** The registry held no patient when the run began: its display (see IngestResult.registryEmptyAtStart). */
  registryEmptyAtStart?: string;
}

/** Skipped hidden entries named in the summary; `--json` lists them all. */
const SHOWN_HIDDEN = 3;

/**
 * The line on the hidden and system entries skipped, with the first few names; null when there were none.
 * Not a failure (a NAS's `.snapshot/` or `@eaDir/` is in every drop), but never silent. The same line for a
 * run, an enqueue and a dry run, so that one predicts the other.
 */
export function skippedHiddenLine(hidden: readonly string[], m: Messages): string | null {
  if (hidden.length === 0) return null;
  const names =
    hidden.slice(0, SHOWN_HIDDEN).map(sanitizeForTerminal).join(', ') +
    (hidden.length > SHOWN_HIDDEN ? ', …' : '');
  return m.summary.skippedHidden(hidden.length, names);
}

/**
 * The line on a --glob that matched no file of a folder holding some; null otherwise. Not a failure (a night
 * with no file of the kind is normal), but a pattern mistyped would take nothing night after night unseen.
 */
export function globMatchedNoFileLine(
  glob: string | undefined,
  filesInFolder: number | undefined,
  m: Messages,
): string | null {
  if (glob === undefined || !filesInFolder) return null;
  return m.summary.globMatchedNoFile(sanitizeForTerminal(glob), filesInFolder);
}

/**
 * The closing lines of an ingest on stdout: what happened, and where to look next. After a review, the
 * counts are the ones after it (a file attached in review is ingested; only what still waits is waiting),
 * so the lines never contradict each other.
 */
export function formatIngestSummary(result: IngestSummaryInput, m: Messages = EN): string[] {
  const t = result.totals;
  const s = result.session;
  const r = result.reviewed ?? null;
  const setAside = t.rejected ?? 0;
  // Both wait for a review: the session's own, and the copies of content that already waited elsewhere.
  const waitingAll = t.reviewRequired + (t.alreadyWaiting ?? 0);
  const renamed = t.renamedByTransfer ?? 0;
  const pipelineIngested = t.processedFiles - t.failedFiles - waitingAll - t.duplicates - setAside - renamed;
  const settled = r ? r.tally.attached + r.tally.created : 0;
  const status = result.interrupted ? 'interrupted' : s.status;
  const lines = [
    '',
    m.summary.session(s.id, m.sessionStatus(status), result.seconds),
    `  ${m.summary.files({
      total: t.totalFiles,
      ingested: Math.max(0, pipelineIngested) + settled,
      duplicates: t.duplicates,
      setAside,
      rejectedInReview: r?.tally.rejected ?? 0,
      waiting: r ? r.stillPending : waitingAll,
      failed: t.failedFiles,
      // Over --max-files, still being written, or never started by a run that was stopped (Ctrl-C, a backend
      // down): the next run's.
      deferred: filesLeftForNextRun(t),
    })}`,
    `  ${m.summary.patients(
      t.matchedPatients + (r?.tally.attached ?? 0),
      t.createdPatients + (r?.tally.created ?? 0),
      t.pages + (r?.tally.pages ?? 0),
      t.chunks + (r?.tally.chunks ?? 0),
    )}`,
  ];
  // Every patient made from a filename: right on a first run, and otherwise the one sign of a registry missed
  // (a mistyped --db, a shell without the cron line's TECSALUD_DB, the wrong folder), which exits 0.
  const created = t.createdPatients + (r?.tally.created ?? 0);
  if (result.registryEmptyAtStart !== undefined && created > 0)
    lines.push(`  ${m.summary.registryWasEmpty(created, sanitizeForTerminal(result.registryEmptyAtStart))}`);
  if (t.notMoved > 0) lines.push(`  ${m.summary.notMoved(t.notMoved)}`);
  const hidden = skippedHiddenLine(result.skippedHidden ?? [], m);
  if (hidden) lines.push(`  ${hidden}`);
  const unmatched = globMatchedNoFileLine(result.glob, result.filesNotMatchingGlob, m);
  if (unmatched) lines.push(`  ${unmatched}`);
  // Not a failure (exit 0 when nothing else is wrong: cron chunks big folders this way), but never silent.
  if (t.deferred > 0 && !result.interrupted) lines.push(`  ${m.summary.deferred(t.deferred)}`);
  // Not a failure either: the export was still copying them in when the run read the folder.
  const stillBeingWritten = t.stillBeingWritten ?? 0;
  if (stillBeingWritten > 0) lines.push(`  ${m.summary.stillBeingWritten(stillBeingWritten)}`);
  if (renamed > 0) lines.push(`  ${m.summary.renamedByTransfer(renamed)}`);
  const unknownCodes = [...(result.unknownTypeCodes ?? new Map<string, number>())].sort(
    ([a, n], [b, k]) => k - n || a.localeCompare(b),
  );
  if (unknownCodes.length > 0) {
    const files = unknownCodes.reduce((sum, [, n]) => sum + n, 0);
    const codes = unknownCodes.map(([code, n]) => (n > 1 ? `${code} ×${n}` : code)).join(', ');
    const recorded = result.unknownTypeCodesRecorded ?? 0;
    lines.push(`  ${m.summary.unknownTypeCodes(files, codes, '`tecsalud-batch parse --help`', recorded)}`);
  }
  if (r) lines.push(`  ${m.reviewClosing(r.tally, r.stillPending)}`);
  const waiting = r ? r.stillPending : waitingAll;
  if (waiting > 0) lines.push(`  ${m.summary.settle(`tecsalud-batch review ${s.id.slice(0, 8)}`)}`);
  if (t.failedFiles > 0 || t.notMoved > 0) {
    lines.push(`  ${m.summary.seeFiles(`tecsalud-batch status ${s.id.slice(0, 8)} --files`)}`);
  }
  return lines;
}
