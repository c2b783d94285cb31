// The port the ingest pipeline extracts text through. Both adapters (pdf-parse in child processes, and
// poppler's pdftotext) return the same result shape, so the pipeline never learns which one ran.

/** Why a file yielded no text. Each has its own message for the records administrator. */
export type ExtractionFailureOutcome =
  | 'encrypted' // password-protected: needs an unprotected copy
  | 'corrupt' // not a PDF, truncated, or with broken structure or content streams
  | 'image_only' // readable, but no text layer on any page: needs OCR
  | 'timeout' // took longer than the per-file limit and was stopped
  | 'too_large_memory' // needed more memory than the per-process ceiling and was stopped
  | 'unreadable' // the file could not be read from disk (missing, permissions, a directory…)
  | 'extraction_error'; // anything else: an extractor fault rather than a property of the file

export type ExtractionSuccess = {
  ok: true;
  /** The pages' texts joined by a blank line, without page markers. */
  text: string;
  pages: number;
  pageTexts?: string[];
  /**
   * 1-based pages that look scanned: an image covers most of the page and its text layer holds no more than
   * a scanner's stamp, or nothing, or covers little of the page however many letters it has (a typed form;
   * see text-layer.ts). `--ocr auto` reads these even under a stamp, and with
   * `--ocr off` the file fails image_only (plan-ocr.ts), or the patient a scan names would go unchecked. Absent
   * when the extractor cannot tell.
   */
  scannedPages?: number[];
  /** Set when some pages' text came from OCR (see adapters/ocr). */
  ocr?: OcrInfo;
};

/** How OCR contributed to a document's text. */
export type OcrInfo = {
  /** `tesseract.js` or `tesseract`. */
  engine: string;
  /** The 1-based pages that were OCR'd. */
  pages: number[];
  /** Mean confidence of the words read, 0-1; null when the OCR'd pages had no words. */
  meanConfidence: number | null;
};

export type ExtractionFailure = {
  ok: false;
  outcome: ExtractionFailureOutcome;
  /** One sentence for a records administrator: what is wrong and what to do about it. */
  message: string;
  pages?: number;
};

export type ExtractionResult = ExtractionSuccess | ExtractionFailure;

export type ExtractOptions = {
  /** Aborting rejects the call with the signal's reason (a cancellation, not a property of the file). */
  signal?: AbortSignal;
  /**
   * Called when the file goes on to slow work of its own (OCR), so that the caller may start other files
   * meanwhile: a scan must not hold a slot that text-layer files could use.
   */
  onWaiting?: () => void;
  /** Called as OCR starts on each page: the `page`th of the `pages` it reads. */
  onOcrPage?: (progress: { page: number; pages: number }) => void;
  /**
   * Aborting stops the slow work of its own (OCR, queued or running) by rejecting with the signal's reason;
   * the text-layer extraction already running finishes. The ingest passes its Ctrl-C signal.
   */
  waitSignal?: AbortSignal;
};

export interface TextExtractor {
  /** Which extractor this is (`pdf-parse`, `pdftotext`): recorded with each session. */
  readonly name: string;
  /** Resolves with a result for every file; rejects only on caller abort or after close(). */
  extract(path: string, options?: ExtractOptions): Promise<ExtractionResult>;
  /** Waits for extractions in flight, then stops the worker processes. Call once at the end of a batch. */
  close(): Promise<void>;
}
