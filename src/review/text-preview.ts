import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';

/**
 * The first non-empty lines of a document's text, which often name the patient. Lines are split
 * before sanitising (a newline is a control character and would otherwise show as `\x0A`), and each
 * line is cut to `width` so that a page-wide line cannot push the screen around.
 */
export function previewLines(
  text: string | null,
  options: { lines?: number; width?: number } = {},
): string[] {
  if (!text) return [];
  const maxLines = options.lines ?? 12;
  const width = options.width ?? 72;
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\s+/g, ' ').trim();
    // pdf-parse page markers carry no evidence.
    if (line === '' || /^-- \d+ of \d+ --$/.test(line)) continue;
    const safe = sanitizeForTerminal(line);
    out.push(safe.length > width ? `${safe.slice(0, width - 1)}…` : safe);
    if (out.length >= maxLines) break;
  }
  return out;
}
