// The extraction port and its three adapters. Importing this loads neither pdf.js nor PDFium (they run
// only inside the child processes) nor poppler; constructing an extractor starts its child processes.
export type {
  ExtractionFailure,
  ExtractionFailureOutcome,
  ExtractionResult,
  ExtractionSuccess,
  ExtractOptions,
  TextExtractor,
} from './types.js';
export {
  createPdfParseExtractor,
  PDF_PARSE_DEFAULTS,
  type PdfParseExtractorOptions,
} from './pdf-parse-extractor.js';
export { createPdfiumExtractor, PDFIUM_DEFAULTS, type PdfiumExtractorOptions } from './pdfium-extractor.js';
export { createPdftotextExtractor, type PdftotextExtractorOptions } from './pdftotext-extractor.js';
export { isPdftotextAvailable, type PdftotextAvailability } from './pdftotext-availability.js';
export { hasTextLayer } from './text-layer.js';
