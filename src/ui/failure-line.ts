import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { fitFileLine } from './format.js';
import type { Messages } from './i18n/messages.js';

/**
 * A failed file as the dashboard's error list and the progress lines above the bar show it, in the screens'
 * language, fitted to `width`: the whole file name and kind of failure, the detail cut at its end.
 */
export function failureLine(
  prefix: string,
  file: { relativePath: string; outcome: string; message: string | null },
  m: Messages,
  width: number,
): string {
  return fitFileLine(
    prefix,
    sanitizeForTerminal(file.relativePath),
    `: ${m.outcome(file.outcome)}` +
      (file.message ? ` — ${sanitizeForTerminal(m.detail(file.message))}` : ''),
    width,
  );
}
