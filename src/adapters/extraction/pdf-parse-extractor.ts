// pdf-parse (pdf.js) in the pool of child processes (see pooled-extractor.ts): pure JavaScript, nothing to
// install, one flag away from the default.
import { availableParallelism } from 'node:os';
import { createPooledExtractor } from './pooled-extractor.js';
import type { TextExtractor } from './types.js';

export type PdfParseExtractorOptions = {
  /** Child processes; default: every core (os.availableParallelism()). */
  workers?: number;
  /** Per-file limit, counted from when a child starts the file (queueing excluded); default 60 000. */
  timeoutMs?: number;
  /** Per-child V8 old-generation ceiling in MB (--max-old-space-size); default 512. */
  maxMemoryMb?: number;
};

export const PDF_PARSE_DEFAULTS = { timeoutMs: 60_000, maxMemoryMb: 512 } as const;

export function createPdfParseExtractor(options: PdfParseExtractorOptions = {}): TextExtractor {
  return createPooledExtractor({
    name: 'pdf-parse',
    workerName: 'pdf-parse-worker',
    workers: options.workers ?? availableParallelism(),
    timeoutMs: options.timeoutMs ?? PDF_PARSE_DEFAULTS.timeoutMs,
    maxMemoryMb: options.maxMemoryMb ?? PDF_PARSE_DEFAULTS.maxMemoryMb,
  });
}
