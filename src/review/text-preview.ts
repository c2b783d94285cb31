import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';

/**
 * Every non-empty line of a document's text, spaces collapsed and sanitised for the terminal: the review
 * shows the whole text and scrolls through it. Lines are split before sanitising (a newline is a control
 * character and would otherwise show as `\x0A`); the screen wraps long ones to its width.
 */
export function textLines(text: string | null): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n|\f/)) {
    const line = raw.replace(/\s+/g, ' ').trim();
    // pdf-parse page markers carry no evidence.
    if (line === '' || /^-- \d+ of \d+ --$/.test(line)) continue;
    out.push(sanitizeForTerminal(line));
  }
  return out;
}
