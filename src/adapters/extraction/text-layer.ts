// pdf-parse separates pages with lines like "-- 1 of 3 --"; a scan yields nothing but those, so a
// plain emptiness check on its joined text would call a scan "extracted".
const PAGE_MARKER = /^[ \t]*-- \d+ of \d+ --[ \t]*$/gm;

export function hasTextLayer(pageTexts: readonly string[]): boolean {
  return pageTexts.some((text) => text.replace(PAGE_MARKER, '').trim().length > 0);
}

/** The document's text as the pipeline stores and chunks it: pages separated by a blank line. */
export function joinPageTexts(pageTexts: readonly string[]): string {
  return pageTexts.map((text) => text.trimEnd()).join('\n\n');
}

/** A PDF starts with "%PDF-", though readers tolerate up to 1 KB of junk before it. */
export function hasPdfHeader(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  return head.includes('%PDF-', 0, 'latin1');
}
