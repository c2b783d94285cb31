// Extracted PDF text is full of layout noise: NBSPs, tabs, runs of spaces, CRLF, stray control characters.
// Chunk sizes are counted in characters, so the noise would eat into every chunk and skew the boundaries.

/** Control characters other than the whitespace ones handled below. */
const CONTROL_CHARS = /[^\P{Cc}\t\n\v\f]/gu;
const SPACE = '\\t\\f\\v \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000';
/**
 * Runs of two or more spaces, or one space other than U+0020. Leaving single ordinary spaces unmatched
 * makes this pass twenty times faster than replacing every space with itself.
 */
const SPACE_RUN = new RegExp(`[${SPACE}]{2,}|[${SPACE.replace(' ', '')}]`, 'g');

/**
 * Collapses whitespace while keeping the structure the splitter breaks on: a single `\n` between lines and
 * `\n\n` between paragraphs. Returns the empty string for text that is only whitespace.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(SPACE_RUN, ' ')
    .replace(/ \n ?|\n /g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
