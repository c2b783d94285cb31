/**
 * A document's text rebuilt from its chunks (in order), for a document stored as vectors only: each chunk
 * starts with about `overlap` characters of the previous one's end (see chunkText), which are written once.
 * Without an overlap, or where none is found, chunks are joined by a line break (chunks are trimmed, so
 * whatever whitespace stood there is gone). The result is the normalised text chunking saw, not the PDF's.
 */
export function joinChunks(chunks: readonly string[], options: { overlap: number }): string {
  let text = '';
  for (const chunk of chunks) {
    if (text === '') {
      text = chunk;
      continue;
    }
    const shared = options.overlap > 0 ? sharedLength(text, chunk, options.overlap) : 0;
    text += shared > 0 ? chunk.slice(shared) : `\n${chunk}`;
  }
  return text;
}

/**
 * The longest start of `next` that ends `previous`, at most `overlap` characters and a little more (a
 * chunk's start is moved to a word start, and its end to a boundary, so the shared part may differ
 * slightly from the setting).
 */
function sharedLength(previous: string, next: string, overlap: number): number {
  const longest = Math.min(previous.length, next.length, overlap * 2);
  for (let k = longest; k > 0; k--) {
    if (previous.endsWith(next.slice(0, k))) return k;
  }
  return 0;
}
