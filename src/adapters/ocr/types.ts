// OCR for pages without a text layer: the modes, the engines and their bounds. The OCR extractor wraps any
// TextExtractor (see ocr-extractor.ts), so the pipeline still sees one extractor and one result shape.

/** `auto`: only pages without a usable text layer; `off`: never; `force`: every page. */
export const OCR_MODES = ['auto', 'off', 'force'] as const;
export type OcrMode = (typeof OCR_MODES)[number];

/**
 * `tesseract.js`: Tesseract compiled to WebAssembly, with its language data from npm packages (nothing to
 * install); `tesseract`: the native Debian tesseract, with poppler's pdftoppm to rasterise (faster).
 */
export const OCR_ENGINES = ['tesseract.js', 'tesseract'] as const;
export type OcrEngineName = (typeof OCR_ENGINES)[number];

/** Spanish first (the records' language), English for what Spanish does not read (drug names, lab codes). */
export const OCR_LANGUAGES = ['spa', 'eng'] as const;

/**
 * The folder of each @tesseract.js-data package that tesseract.js reads: the LSTM-only "best_int" models,
 * what tesseract.js itself would fetch for its default LSTM engine, a quarter the size of the
 * legacy-plus-LSTM data beside them.
 */
export const TESSERACT_JS_MODEL_FOLDER = '4.0.0_best_int';

export const OCR_DEFAULTS = {
  mode: 'auto',
  engine: 'tesseract.js',
  /** Per page, counted from when the child starts the page. */
  pageTimeoutMs: 60_000,
  /** Per file, counted from when a child takes the file (queueing excluded). */
  fileTimeoutMs: 10 * 60_000,
  /** Per-child V8 heap ceiling, as the text extraction's; the process as a whole may use twice this. */
  maxMemoryMb: 512,
  /**
   * Rasterising resolution: what hospital scanners produce, and where Tesseract reads 9-10 pt print well.
   * On generated 200 dpi scans 300 dpi read 0.2-0.9 points more characters right, for 2.25× the pixels.
   */
  dpi: 200,
  /** Mean word confidence (0-1) below which an OCR'd document is flagged `low_ocr_confidence`. */
  minConfidence: 0.7,
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
