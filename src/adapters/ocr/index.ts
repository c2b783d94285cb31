// OCR for scanned pages. Importing this loads neither Tesseract nor pdf.js: they run only in the OCR
// child processes, started on the first file that needs them.
export { createOcrExtractor, type OcrExtractorOptions } from './ocr-extractor.js';
export { checkNativeOcr, type NativeOcrAvailability } from './ocr-availability.js';
export {
  OCR_DEFAULTS,
  OCR_ENGINES,
  OCR_LANGUAGES,
  OCR_MODES,
  type OcrEngineName,
  type OcrMode,
} from './types.js';
