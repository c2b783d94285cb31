import type { PipelineEvent } from '../../core/pipeline/events.js';
import { outcomeKind } from '../../core/pipeline/file-outcome.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { messagesFor, type Messages } from '../i18n/messages.js';

/**
 * A plain progress line on stderr every few seconds, and each failure as it happens: the fallback when
 * neither stdout nor stderr is a terminal (cron, CI logs).
 */
export function createPlainProgressListener(
  stderr: NodeJS.WritableStream,
  messages: Messages = messagesFor('en'),
): (event: PipelineEvent) => void {
  let last = 0;
  const writeLine = (text: string) => stderr.write(`${text}\n`);
  return (event) => {
    if (event.type === 'session_started') {
      writeLine(messages.progress.started(event.totalFiles, sanitizeForTerminal(event.sourceDir)));
    } else if (event.type === 'file_finished') {
      const { result, totals } = event;
      if (outcomeKind(result.outcome) === 'failed') {
        writeLine(
          `  ✗ ${sanitizeForTerminal(result.relativePath)}: ${messages.outcome(result.outcome)}` +
            (result.message ? ` — ${sanitizeForTerminal(messages.detail(result.message))}` : ''),
        );
      }
      const now = Date.now();
      if (now - last > 3000 || totals.processedFiles === totals.totalFiles - totals.deferred) {
        last = now;
        writeLine(
          `  ${messages.progress.counts({
            done: totals.processedFiles,
            target: totals.totalFiles - totals.deferred,
            failed: totals.failedFiles,
            review: totals.reviewRequired,
            duplicates: totals.duplicates,
          })}`,
        );
      }
    }
  };
}
