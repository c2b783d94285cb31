// Runs inside a tinypool child process: reads one PDF and returns its pages' text. pdf.js blocks the
// thread it runs on and can exhaust its heap, so only these children ever load it; the parent process
// never does.
import { readFile } from 'node:fs/promises';
import { classifyPdfError } from './classify-pdf-error.js';
import { describeFailure } from './describe-failure.js';
import {
  oneTaskAtATime,
  reportTaskStarted,
  type ExtractionTask,
  type ExtractionTaskResult,
} from './extraction-task.js';
import { explainEmptyText, parsePages, type ParsedPages } from './pdf-js-pages.js';
import { silenceConsole } from './silence-console.js';
import { hasPdfHeader, hasTextLayer } from './text-layer.js';

silenceConsole();

// The first parse in a process loads pdf.js's worker module and compiles its hot paths (~150 ms); doing
// it while this module loads, before a task reports that it started, keeps that cost out of the first
// file's timeout. A one-page, one-word PDF.
const WARM_UP_PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 50]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n' +
  '4 0 obj<</Length 35>>stream\nBT /F1 12 Tf 10 20 Td (warm) Tj ET\nendstream endobj\n' +
  '5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
await parsePages(new Uint8Array(Buffer.from(WARM_UP_PDF, 'latin1')), false).catch(() => {});

function asBytes(buffer: Buffer): Uint8Array {
  // A view, not a copy: pdf-parse copies Buffers but takes a Uint8Array as it is.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function readPdf(path: string): Promise<Uint8Array> {
  return asBytes(await readFile(path));
}

export default oneTaskAtATime(extractWithPdfParse);

async function extractWithPdfParse(task: ExtractionTask): Promise<ExtractionTaskResult | null> {
  if (task.path === null) return null;
  const { path } = task;
  reportTaskStarted(task);
  let bytes: Uint8Array;
  try {
    bytes = await readPdf(path);
  } catch (error) {
    return describeFailure('unreadable', { detail: classifyPdfError(error).detail });
  }
  if (!hasPdfHeader(bytes)) return describeFailure('corrupt', { detail: 'no %PDF- header: not a PDF file' });
  let parsed: ParsedPages;
  try {
    parsed = await parsePages(bytes, false);
  } catch (error) {
    const { outcome, detail } = classifyPdfError(error);
    return describeFailure(outcome, { detail });
  }
  // pdf.js took over the first copy of the bytes: the check reads the file again.
  if (!hasTextLayer(parsed.pageTexts)) return explainEmptyText(() => readPdf(path), parsed.pages);
  return { ok: true, pages: parsed.pages, pageTexts: parsed.pageTexts, scannedPages: parsed.scannedPages };
}
