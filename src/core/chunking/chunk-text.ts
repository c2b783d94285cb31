import { normalizeText } from './normalize-text.js';
import type { ChunkTextOptions } from './types.js';

export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_OVERLAP = 200;

export class InvalidChunkOptionsError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidChunkOptionsError';
  }
}

/**
 * Splits text into chunks of at most `chunkSize` characters, each starting with about `overlap` characters
 * from the end of the previous one — the behaviour of LangChain's RecursiveCharacterTextSplitter that the
 * hospital service uses. Inside each window the cut goes at the last paragraph break, else line break, else
 * sentence end, else space; only a run of over half a window without any of these is cut mid-word.
 * Whitespace is normalised first; no chunk is empty; text with no content gives no chunks.
 */
export function chunkText(text: string, options: ChunkTextOptions = {}): string[] {
  const { chunkSize, overlap } = validateChunkOptions(options);
  const normalized = normalizeText(text);
  const chunks: string[] = [];
  let start = 0;
  while (start < normalized.length) {
    if (normalized.length - start <= chunkSize) {
      pushChunk(chunks, normalized.slice(start));
      break;
    }
    const end = findChunkEnd(normalized, start, chunkSize);
    pushChunk(chunks, normalized.slice(start, end));
    // Guaranteed progress, whatever the boundaries found: the loop always terminates.
    start = Math.max(start + 1, findNextStart(normalized, start, end, overlap));
  }
  return chunks;
}

export function validateChunkOptions(options: ChunkTextOptions): Required<ChunkTextOptions> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const overlap = options.overlap ?? DEFAULT_CHUNK_OVERLAP;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new InvalidChunkOptionsError(
      `chunk size must be a positive whole number of characters, got ${chunkSize}`,
    );
  }
  if (!Number.isInteger(overlap) || overlap < 0) {
    throw new InvalidChunkOptionsError(
      `chunk overlap must be zero or a positive whole number, got ${overlap}`,
    );
  }
  if (overlap >= chunkSize) {
    throw new InvalidChunkOptionsError(
      `chunk overlap (${overlap}) must be smaller than the chunk size (${chunkSize})`,
    );
  }
  return { chunkSize, overlap };
}

function pushChunk(chunks: string[], piece: string): void {
  const trimmed = piece.trim();
  if (trimmed) chunks.push(trimmed);
}

/** End (exclusive) of the chunk that starts at `start`, at the best boundary inside the window. */
function findChunkEnd(text: string, start: number, chunkSize: number): number {
  const limit = start + chunkSize;
  // A boundary earlier than half the window would make needlessly small chunks: prefer a weaker boundary.
  const earliest = start + Math.max(1, Math.floor(chunkSize / 2));
  // A boundary character at `limit` itself still gives a chunk of exactly `chunkSize`.
  const paragraph = lastIndexBetween(text, '\n\n', earliest, limit);
  if (paragraph !== -1) return paragraph;
  const line = lastIndexBetween(text, '\n', earliest, limit);
  if (line !== -1) return line;
  const sentence = lastSentenceEnd(text, earliest, limit);
  if (sentence !== -1) return sentence;
  const space = lastIndexBetween(text, ' ', earliest, limit);
  if (space !== -1) return space;
  const cut = avoidSplittingSurrogatePair(text, limit);
  return cut > start ? cut : limit;
}

/** Position just after the last `.`, `!`, `?` or `;` that is followed by whitespace, or -1. */
function lastSentenceEnd(text: string, from: number, limit: number): number {
  for (let i = limit; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a) {
      const p = text.charCodeAt(i - 1);
      if (p === 0x2e || p === 0x21 || p === 0x3f || p === 0x3b) return i;
    }
  }
  return -1;
}

/**
 * Last start of `needle` within [from, limit], or -1. Bounded on purpose: `lastIndexOf` alone would scan back
 * to the start of the text whenever the window lacks the separator, making chunking quadratic.
 */
function lastIndexBetween(text: string, needle: string, from: number, limit: number): number {
  const index = text.slice(from, limit + needle.length).lastIndexOf(needle);
  return index === -1 ? -1 : from + index;
}

function avoidSplittingSurrogatePair(text: string, end: number): number {
  const c = text.charCodeAt(end - 1);
  return c >= 0xd800 && c <= 0xdbff ? end - 1 : end;
}

/** Start of the next chunk: `overlap` characters back from `end`, moved forward to the start of a word. */
function findNextStart(text: string, start: number, end: number, overlap: number): number {
  let next = end - overlap;
  if (next <= start) next = start + 1;
  if (next >= end) return end;
  if (!isWordStart(text, next)) {
    const space = nextWhitespace(text, next, end);
    // A single token longer than the overlap: keep the overlap mid-token rather than lose it.
    if (space !== -1 && space + 1 < end) next = space + 1;
  }
  const adjusted = avoidSplittingSurrogatePair(text, next);
  return adjusted > start ? adjusted : next;
}

function isWordStart(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  return index === 0 || before === 0x20 || before === 0x0a;
}

function nextWhitespace(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a) return i;
  }
  return -1;
}
