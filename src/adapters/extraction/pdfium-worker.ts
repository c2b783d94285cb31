// Runs inside a tinypool child process: reads one PDF with PDFium (WebAssembly) and returns its pages'
// text. Same protocol and outcomes as pdf-parse-worker.ts; the engine is started once per child and
// replaced if it ever aborts.
import { readFile } from 'node:fs/promises';
import { classifyPdfError } from './classify-pdf-error.js';
import { findDamagedFlateStream } from './damaged-streams.js';
import { describeFailure } from './describe-failure.js';
import {
  oneTaskAtATime,
  reportTaskStarted,
  type ExtractionTask,
  type ExtractionTaskResult,
} from './extraction-task.js';
import { explainEmptyText } from './pdf-js-pages.js';
import { openPdfiumEngine, PDFIUM_ERRORS, type PdfiumEngine, type PdfiumPages } from './pdfium-engine.js';
import { silenceConsole } from './silence-console.js';
import { hasPdfHeader, hasTextLayer } from './text-layer.js';
import type { ExtractionFailure } from './types.js';

silenceConsole();

// The WebAssembly heap's ceiling, from the parent (see pdfium-extractor.ts).
const maxMemoryMb = Number(process.env.TECSALUD_PDFIUM_MAX_MEMORY_MB) || 512;

// Started while this module loads, before a task reports that it started: compiling the 4 MB module
// (~100 ms) stays out of the first file's timeout.
let engine: Promise<PdfiumEngine> = openPdfiumEngine({ maxMemoryMb });
await engine;

function describeLoadFailure(code: number): ExtractionFailure {
  switch (code) {
    case PDFIUM_ERRORS.PASSWORD:
      return describeFailure('encrypted', { detail: 'PDFium: a password is required' });
    case PDFIUM_ERRORS.SECURITY:
      return describeFailure('encrypted', { detail: 'PDFium: unsupported security handler' });
    case PDFIUM_ERRORS.FORMAT:
    case PDFIUM_ERRORS.FILE:
    case PDFIUM_ERRORS.PAGE:
      return describeFailure('corrupt', { detail: 'PDFium: not in PDF format or damaged' });
    default:
      return describeFailure('corrupt', { detail: `PDFium could not open the document (error ${code})` });
  }
}

async function readWithPdfium(bytes: Uint8Array): Promise<PdfiumPages | ExtractionFailure> {
  const current = await engine;
  try {
    return current.readPages(bytes);
  } catch (error) {
    // The engine aborted or trapped mid-file: this file has failed, and the next one gets a fresh engine.
    engine = openPdfiumEngine({ maxMemoryMb });
    if (current.refusedGrowth) return describeFailure('too_large_memory', { maxMemoryMb });
    const detail = error instanceof Error ? error.message : String(error);
    return describeFailure('extraction_error', { detail: `PDFium: ${detail}` });
  }
}

export default oneTaskAtATime(extractWithPdfium);

async function extractWithPdfium(task: ExtractionTask): Promise<ExtractionTaskResult | null> {
  if (task.path === null) return null;
  reportTaskStarted(task);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(task.path);
  } catch (error) {
    return describeFailure('unreadable', { detail: classifyPdfError(error).detail });
  }
  if (!hasPdfHeader(bytes)) return describeFailure('corrupt', { detail: 'no %PDF- header: not a PDF file' });
  const read = await readWithPdfium(bytes);
  if (!read.ok) {
    if (!('reason' in read)) return read;
    if (read.reason === 'memory') return describeFailure('too_large_memory', { maxMemoryMb });
    if (read.reason === 'page')
      return describeFailure('corrupt', {
        detail: `PDFium: page ${read.page} cannot be read`,
        pages: read.pages,
      });
    return describeLoadFailure(read.code);
  }
  const { pageTexts, scannedPages } = read;
  const pages = pageTexts.length;
  // PDFium copied the bytes into its own heap: these are still intact for pdf.js's damage check.
  if (!hasTextLayer(pageTexts)) return explainEmptyText(async () => bytes, pages);
  const damage = findDamagedFlateStream(bytes);
  if (damage !== undefined) return describeFailure('corrupt', { detail: damage, pages });
  return { ok: true, pages, pageTexts, scannedPages };
}
