import {
  leftForNextRun,
  type FileResult,
  type PipelineEvent,
  type SessionTotals,
} from '../../core/pipeline/events.js';
import { outcomeKind } from '../../core/pipeline/file-outcome.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { messagesFor, type Messages } from '../i18n/messages.js';

/**
 * Least time between two lines on a scan's OCR. A 30-page scan takes minutes with no file finishing: a
 * log that says nothing all that while reads as a run that hangs. Short scans print nothing.
 */
export const OCR_LINE_EVERY_MS = 10_000;

/**
 * A plain progress line on stderr every few seconds, each failure as it happens, and now and then the page
 * a long scan's OCR is on: the fallback when neither stdout nor stderr is a terminal (cron, CI logs).
 */
export function createPlainProgressListener(
  stderr: NodeJS.WritableStream,
  messages: Messages = messagesFor('en'),
): (event: PipelineEvent) => void {
  let last = 0;
  const writeLine = (text: string) => stderr.write(`${text}\n`);
  let lastCounts = '';
  let lastOcrLine = Date.now();
  const writeCounts = (totals: SessionTotals, now: boolean) => {
    const at = Date.now();
    if (!now && at - last <= 3000 && totals.processedFiles !== totals.totalFiles - leftForNextRun(totals))
      return;
    const counts = `  ${messages.progress.counts({
      done: totals.processedFiles,
      target: totals.totalFiles - leftForNextRun(totals),
      failed: totals.failedFiles,
      review: totals.reviewRequired + (totals.alreadyWaiting ?? 0),
      duplicates: totals.duplicates,
    })}`;
    // A write group's files are reported one by one with the group's totals already in: one line says them.
    if (counts === lastCounts) return;
    last = at;
    lastCounts = counts;
    writeLine(counts);
  };
  return (event) => {
    if (event.type === 'session_started') {
      writeLine(messages.progress.started(event.totalFiles, sanitizeForTerminal(event.sourceDir)));
    } else if (event.type === 'file_stage' && event.ocrPage) {
      if (Date.now() - lastOcrLine < OCR_LINE_EVERY_MS) return;
      lastOcrLine = Date.now();
      const { page, pages } = event.ocrPage;
      writeLine(messages.progress.ocrPage(sanitizeForTerminal(event.relativePath), page, pages));
    } else if (event.type === 'file_finished') {
      const { result, totals } = event;
      if (outcomeKind(result.outcome) === 'failed') writeLine(fileLine('  ✗ ', result, messages));
      writeCounts(totals, false);
    } else if (event.type === 'session_finished') {
      // Files past --max-files are deferred once the window's last file is done, with no file event of their
      // own: without this line the log's last count is whatever the 3-second throttle let through (`17/300`).
      writeCounts(event.totals, true);
    } else if (event.type === 'file_outcome_changed' && event.result.outcome !== event.previous.outcome) {
      // A file reported before (ingested) went back to review: said at once, with why, and the counts after.
      writeLine(fileLine('  ↺ ', event.result, messages));
      writeCounts(event.totals, true);
    }
  };
}

/** A file's line: its path, its outcome and its detail, in the messages' language. */
export function fileLine(prefix: string, result: FileResult, messages: Messages): string {
  return (
    `${prefix}${sanitizeForTerminal(result.relativePath)}: ${messages.outcome(result.outcome)}` +
    (result.message ? ` — ${sanitizeForTerminal(messages.detail(result.message))}` : '')
  );
}
