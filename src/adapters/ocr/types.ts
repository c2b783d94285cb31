// OCR for pages without a text layer: the modes, the engines and their bounds. The OCR extractor wraps any
// TextExtractor (see ocr-extractor.ts), so the pipeline still sees one extractor and one result shape.

import { OCR_DEFAULTS as CONFIGURABLE_DEFAULTS } from '../../core/pipeline/ocr-options.js';

export { OCR_ENGINES, OCR_MODES, type OcrEngineName, type OcrMode } from '../../core/pipeline/ocr-options.js';

/** Spanish first (the records' language), English for what Spanish does not read (drug names, lab codes). */
export const OCR_LANGUAGES = ['spa', 'eng'] as const;

/**
 * The folder of each @tesseract.js-data package that tesseract.js reads: the LSTM-only "best_int" models,
 * what tesseract.js itself would fetch for its default LSTM engine, a quarter the size of the
 * legacy-plus-LSTM data beside them.
 */
export const TESSERACT_JS_MODEL_FOLDER = '4.0.0_best_int';

/** The configurable defaults (core/pipeline/ocr-options) and the adapter's own bounds. */
export const OCR_DEFAULTS = {
  ...CONFIGURABLE_DEFAULTS,
  /** Per-child V8 heap ceiling, as the text extraction's; the process as a whole may use twice this. */
  maxMemoryMb: 512,
  /**
   * What a long scan's per-file limit allows each page it reads (see ocrFileLimitMs): about three times a
   * page of print here (tesseract.js 6.9 s, native 4.5 s a full page on 2 shared cores, `npm run bench:ocr`).
   */
  fileTimeoutPerPageMs: 20_000,
  /**
   * Rasterising resolution: what hospital scanners produce, and where Tesseract reads 9-10 pt print well.
   * On generated 200 dpi scans 300 dpi read 0.2-0.9 points more characters right, for 2.25× the pixels.
   */
  dpi: 200,
} as const;

/** What the OCR of one page found. */
export interface OcrPageText {
  /** 1-based page number. */
  page: number;
  text: string;
  /** Words recognised, and the sum of their confidences (0-100, Tesseract's scale). */
  words: number;
  confidenceSum: number;
}

/**
 * The per-file limit for a scan whose OCR reads `pages` pages: the configured limit (ocr.fileTimeoutSeconds),
 * or a page's allowance for each page read when that is longer. A fixed 10 minutes failed a 55-page scan
 * read at an ordinary 11 s a page, though every page would have been read; the per-page limit still stops a
 * page that hangs, and this one still stops a file read far slower than any scan should be.
 */
export function ocrFileLimitMs(
  configuredMs: number,
  pages: number,
  longScanCapMs = Number.POSITIVE_INFINITY,
): number {
  return Math.max(configuredMs, Math.min(pages * OCR_DEFAULTS.fileTimeoutPerPageMs, longScanCapMs));
}
