import type { PipelineEvent } from '../../core/pipeline/events.js';
import { FILE_OUTCOMES, outcomeKind } from '../../core/pipeline/file-outcome.js';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';

/**
 * A plain progress line on stderr every few seconds, and each failure as it happens: the fallback when
 * neither stdout nor stderr is a terminal (cron, CI logs).
 */
export function createPlainProgressListener(stderr: NodeJS.WritableStream): (event: PipelineEvent) => void {
  let last = 0;
  const writeLine = (text: string) => stderr.write(`${text}\n`);
  return (event) => {
    if (event.type === 'session_started') {
      writeLine(`Ingesting ${event.totalFiles} files from ${sanitizeForTerminal(event.sourceDir)} …`);
    } else if (event.type === 'file_finished') {
      const { result, totals } = event;
      if (outcomeKind(result.outcome) === 'failed') {
        writeLine(
          `  ✗ ${sanitizeForTerminal(result.relativePath)}: ${FILE_OUTCOMES[result.outcome].label}` +
            (result.message ? ` — ${sanitizeForTerminal(result.message)}` : ''),
        );
      }
      const now = Date.now();
      if (now - last > 3000 || totals.processedFiles === totals.totalFiles - totals.deferred) {
        last = now;
        writeLine(
          `  ${totals.processedFiles}/${totals.totalFiles - totals.deferred} files · ${totals.failedFiles} failed · ` +
            `${totals.reviewRequired} review · ${totals.duplicates} duplicates`,
        );
      }
    }
  };
}
