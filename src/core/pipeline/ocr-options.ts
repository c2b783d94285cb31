// The OCR choices a run is configured with. They live in core because the configuration (which may import
// only core) validates them and the pipeline flags files by them; the OCR adapter itself adds its own
// internal bounds (adapters/ocr/types.ts).

/** `auto`: only pages without a usable text layer; `off`: never; `force`: every page. */
export const OCR_MODES = ['auto', 'off', 'force'] as const;
export type OcrMode = (typeof OCR_MODES)[number];

/**
 * `tesseract.js`: Tesseract compiled to WebAssembly, with its language data from npm packages (nothing to
 * install); `tesseract`: the native Debian tesseract, with poppler's pdftoppm to rasterise (faster).
 */
export const OCR_ENGINES = ['tesseract.js', 'tesseract'] as const;
export type OcrEngineName = (typeof OCR_ENGINES)[number];

/** The configurable defaults (DECISIONS 8: 60 s per page, 10 min per file). */
export const OCR_DEFAULTS = {
  mode: 'auto',
  engine: 'tesseract.js',
  /** Per reading of a page (a faint or turned page is read again), counted from when the child starts it. */
  pageTimeoutMs: 60_000,
  /**
   * Per file, counted from when a child takes the file (queueing excluded); a scan with more pages to read
   * than this allows at 20 s a page gets 20 s a page (adapters/ocr/types.ts, ocrFileLimitMs).
   */
  fileTimeoutMs: 10 * 60_000,
  /** Mean word confidence (0-1) below which an OCR'd document is flagged `low_ocr_confidence`. */
  minConfidence: 0.7,
} as const satisfies { mode: OcrMode; engine: OcrEngineName } & Record<string, unknown>;
