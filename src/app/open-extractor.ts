import type { TextExtractor } from '../adapters/extraction/types.js';
import { UsageError } from '../errors.js';

export const EXTRACTORS = ['pdf-parse', 'pdftotext'] as const;
export type ExtractorName = (typeof EXTRACTORS)[number];

/** The text extractor `--extractor` names, with its pool of child processes started. */
export async function openExtractor(
  name: ExtractorName,
  options: { timeoutMs?: number; workers?: number },
): Promise<TextExtractor> {
  if (name === 'pdftotext') {
    const { createPdftotextExtractor, isPdftotextAvailable } =
      await import('../adapters/extraction/index.js');
    const { available } = await isPdftotextAvailable();
    if (!available) {
      throw new UsageError(
        '--extractor pdftotext needs poppler-utils, which is not installed',
        'install it (Debian: apt-get install poppler-utils), or use the default --extractor pdf-parse',
      );
    }
    return createPdftotextExtractor({ timeoutMs: options.timeoutMs, concurrency: options.workers });
  }
  const { createPdfParseExtractor } = await import('../adapters/extraction/pdf-parse-extractor.js');
  return createPdfParseExtractor({ timeoutMs: options.timeoutMs, workers: options.workers });
}

