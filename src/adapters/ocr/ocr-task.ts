// The messages exchanged with an OCR child process over its IPC channel: plain data only.
import type { ExtractionFailure } from '../extraction/types.js';
import type { OcrEngineName, OcrPageText } from './types.js';

export interface OcrTask {
  path: string;
  /** 1-based, ascending. */
  pages: number[];
  engine: OcrEngineName;
  dpi: number;
  languages: readonly string[];
  /** For the native engine: the executables (default from PATH). */
  tesseractCommand: string;
  pdftoppmCommand: string;
}

export type OcrTaskResult = { ok: true; pages: OcrPageText[] } | ExtractionFailure;

export type OcrChildMessage =
  /** The child begins a page: the per-page limit counts from here. */
  | { type: 'ocr:page'; page: number }
  /** The child reads the page again (whitened, turned): the per-page limit counts afresh from here. */
  | { type: 'ocr:reading'; page: number }
  | { type: 'ocr:result'; result: OcrTaskResult };

export type OcrParentMessage = { type: 'ocr:task'; task: OcrTask };

export function isOcrChildMessage(message: unknown): message is OcrChildMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'ocr:page' || type === 'ocr:reading' || type === 'ocr:result';
}
