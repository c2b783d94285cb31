import type { TextExtractor } from '../adapters/extraction/types.js';
import type { OcrSettings } from '../config/ocr-settings.js';
import { hungToolDetail } from '../core/text/hung-tool.js';
import { ServiceUnavailableError, UsageError } from '../errors.js';

export const EXTRACTORS = ['pdf-parse', 'pdfium', 'pdftotext'] as const;
export type ExtractorName = (typeof EXTRACTORS)[number];
/**
 * PDFium by measurement (README, Performance): about three times pdf.js's page rate on the bench corpus,
 * the same text and outcomes, less memory per child, and nothing to install. pdf-parse stays one flag away.
 */
export const DEFAULT_EXTRACTOR: ExtractorName = 'pdfium';

/**
 * How long the start of a run waits for `pdftotext -v` or tesseract's and pdftoppm's version probes: a tool on a
 * network disk that stopped answering, or a wrapper script that hangs, must not hold the run before its first file
 * (the same 10 s as doctor's bound).
 */
export const TOOL_CHECK_TIMEOUT_MS = 10_000;

/** A tool that did not answer its version probe in time: not a missing install, nor the user's mistake (69). */
function hungToolError(tool: string, probe: string, fallback: string): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `${tool} ${hungToolDetail(probe, TOOL_CHECK_TIMEOUT_MS / 1000)}`,
    `check that \`${probe}\` answers in a shell (a program on a network disk that stopped answering?), or use ${fallback}`,
  );
}

/** The text extractor `--extractor` names, with its pool of child processes started. */
export async function openExtractor(
  name: ExtractorName,
  options: { timeoutMs?: number; workers?: number },
): Promise<TextExtractor> {
  if (name === 'pdftotext') {
    const { createPdftotextExtractor, isPdftotextAvailable } =
      await import('../adapters/extraction/index.js');
    const signal = AbortSignal.timeout(TOOL_CHECK_TIMEOUT_MS);
    const { available } = await isPdftotextAvailable('pdftotext', { signal });
    if (signal.aborted) throw hungToolError('pdftotext', 'pdftotext -v', 'the default --extractor pdfium');
    if (!available) {
      throw new UsageError(
        '--extractor pdftotext needs poppler-utils, which is not installed',
        'install it (Debian: apt-get install poppler-utils), or use the default --extractor pdfium',
      );
    }
    return createPdftotextExtractor({ timeoutMs: options.timeoutMs, concurrency: options.workers });
  }
  if (name === 'pdfium') {
    const { createPdfiumExtractor } = await import('../adapters/extraction/pdfium-extractor.js');
    return createPdfiumExtractor({ timeoutMs: options.timeoutMs, workers: options.workers });
  }
  const { createPdfParseExtractor } = await import('../adapters/extraction/pdf-parse-extractor.js');
  return createPdfParseExtractor({ timeoutMs: options.timeoutMs, workers: options.workers });
}

/**
 * Wraps the text extractor with OCR (see adapters/ocr); checks first that a native engine is installed. With
 * OCR off, files with a scanned page (under a stamp of text, or beside pages of text) fail as scans without
 * any text do (unreadScansWithoutOcr).
 */
export async function withOcr(
  extractor: TextExtractor,
  settings: OcrSettings,
  workers: number | undefined,
  limits: { longScanCapMs?: number } = {},
): Promise<TextExtractor> {
  if (settings.mode === 'off') {
    const { unreadScansWithoutOcr } = await import('../adapters/ocr/plan-ocr.js');
    return {
      name: extractor.name,
      extract: async (path, options) => {
        const result = await extractor.extract(path, options);
        return unreadScansWithoutOcr(result) ?? result;
      },
      close: () => extractor.close(),
    };
  }
  const { createOcrExtractor, checkNativeOcr } = await import('../adapters/ocr/index.js');
  if (settings.engine === 'tesseract') {
    const signal = AbortSignal.timeout(TOOL_CHECK_TIMEOUT_MS);
    const native = await checkNativeOcr({}, { signal });
    if (signal.aborted) {
      throw hungToolError(
        'tesseract',
        'tesseract --version, tesseract --list-langs, pdftoppm -v',
        'the default --ocr-engine tesseract.js',
      );
    }
    if (!native.available) {
      throw new UsageError(
        `--ocr-engine tesseract needs ${native.missing.join(', ')}, which ${native.missing.length === 1 ? 'is' : 'are'} not installed`,
        `install ${native.missing.length === 1 ? 'it' : 'them'} (Debian: apt-get install ${native.missing.join(' ')}), or use the default --ocr-engine tesseract.js`,
      );
    }
  }
  return createOcrExtractor(extractor, {
    mode: settings.mode,
    engine: settings.engine,
    pageTimeoutMs: settings.pageTimeoutMs,
    fileTimeoutMs: settings.fileTimeoutMs,
    ...(limits.longScanCapMs === undefined ? {} : { longScanCapMs: limits.longScanCapMs }),
    // Half the text extraction's processes: OCR'd files never take every core from text-layer files.
    processes: settings.processes ?? Math.max(1, Math.floor((workers ?? 2) / 2)),
  });
}
