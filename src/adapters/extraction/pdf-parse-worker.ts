// Runs inside a tinypool child process: reads one PDF and returns its pages' text. pdf.js blocks the
// thread it runs on and can exhaust its heap, so only these children ever load it; the parent process
// never does.
import { readFile } from 'node:fs/promises';
import { classifyPdfError } from './classify-pdf-error.js';
import { describeFailure } from './describe-failure.js';
import {
  TASK_STARTED,
  type PdfParseTask,
  type PdfParseTaskResult,
  type TaskStarted,
} from './pdf-parse-task.js';
import { hasPdfHeader, hasTextLayer } from './text-layer.js';

// pdf.js 5.4 on a broken content stream throws from getText *and* leaves stray rejected promises; on
// Node 20 those would kill this process and the next file with it. The throw already reports the file.
process.on('unhandledRejection', () => {});

// pdf.js reports font and stream repairs ("Warning: TT: ...") on the console, and tinypool pipes a
// child's stdout and stderr into the parent's: a batch of thousands of files would bury the progress
// output (or corrupt --json on stdout) under them. The result already says everything that matters.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => {};

// With source maps on (tsx turns them on when the tests run this from sources; so does a user's
// NODE_OPTIONS=--enable-source-maps), Node parses pdf.js's maps as it loads it: ~80 MB of a child's heap
// ceiling and seconds of start-up, for stack traces nobody reads. So pdf.js is imported only after.
process.setSourceMapsEnabled(false);
const { PDFParse, VerbosityLevel } = await import('pdf-parse');

type ParsedPages = { pages: number; pageTexts: string[] };

async function parsePages(bytes: Uint8Array, stopAtErrors: boolean): Promise<ParsedPages> {
  const parser = new PDFParse({ data: bytes, verbosity: VerbosityLevel.ERRORS, stopAtErrors });
  try {
    const result = await parser.getText();
    return { pages: result.total, pageTexts: result.pages.map((page) => page.text) };
  } finally {
    await parser.destroy().catch(() => {});
  }
}

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

/**
 * pdf.js recovers silently from many broken content streams and returns empty pages, exactly as for
 * a scan. Only for such empty results, parse again refusing to recover: an error then means the file
 * is damaged rather than image-only.
 */
async function explainEmptyText(path: string, pages: number): Promise<PdfParseTaskResult> {
  try {
    await parsePages(await readPdf(path), true);
  } catch (error) {
    const { detail } = classifyPdfError(error);
    return describeFailure('corrupt', { detail, pages });
  }
  return describeFailure('image_only', { pages });
}

export default async function extractWithPdfParse(task: PdfParseTask): Promise<PdfParseTaskResult | null> {
  if (task.path === null) return null;
  // A message outside tinypool's protocol: the pool hands it to the channel of the task in flight.
  const started: TaskStarted = { type: TASK_STARTED, pid: process.pid };
  process.send?.(started);
  let bytes: Uint8Array;
  try {
    bytes = await readPdf(task.path);
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
  if (!hasTextLayer(parsed.pageTexts)) return explainEmptyText(task.path, parsed.pages);
  return { ok: true, pages: parsed.pages, pageTexts: parsed.pageTexts };
}
