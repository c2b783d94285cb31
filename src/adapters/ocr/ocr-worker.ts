// An OCR child process: takes one file at a time from the parent (ocr-child-pool.ts), reads the pages it
// is asked for and answers with their text. Tesseract and pdf.js load only here, never in the ingest's
// process; a page that exhausts memory or never ends costs this process, which the parent replaces.
import { readFile } from 'node:fs/promises';
import { createNativeTesseractRecogniser, runningTools } from './native-tesseract-engine.js';
import { DamagedPageImage, type OpenDocument, type PageRecogniser } from './page-recogniser.js';
import { readPageUpright } from './read-page-upright.js';
import { createTesseractJsRecogniser } from './tesseract-js-engine.js';
import type { OcrChildMessage, OcrParentMessage, OcrTask, OcrTaskResult } from './ocr-task.js';
import type { OcrPageText } from './types.js';

// pdf.js and tesseract.js report repairs and progress on the console; the parent reads this process's
// stderr only to explain a crash, and stdout must stay clean for a --json report.
for (const method of ['log', 'info', 'warn', 'debug'] as const) console[method] = () => {};
// pdf.js may leave stray rejected promises behind a page it failed on; the page's own error reports it.
process.on('unhandledRejection', () => {});
// With source maps on, Node parses pdf.js's maps as it loads it: megabytes of heap for nothing.
process.setSourceMapsEnabled(false);

/** Exit code for "over the memory ceiling", as Node's own abort on an exhausted heap (see describe-child-exit). */
const OUT_OF_MEMORY_EXIT = 134;
const memoryLimitBytes = Number(process.env.TECSALUD_OCR_MEMORY_LIMIT_MB ?? 0) * 1024 * 1024;

/**
 * WebAssembly memory, canvases and the native tools live outside the V8 heap that --max-old-space-size
 * bounds: this watchdog bounds the whole, this process's resident memory plus its tools'.
 */
function watchMemory(): void {
  if (memoryLimitBytes <= 0) return;
  const pageSize = 4096;
  const residentOf = async (pid: number): Promise<number> => {
    try {
      const statm = await readFile(`/proc/${pid}/statm`, 'utf8');
      return Number(statm.split(' ')[1] ?? 0) * pageSize;
    } catch {
      return 0;
    }
  };
  setInterval(() => {
    void (async () => {
      let resident = process.memoryUsage.rss();
      for (const pid of runningTools) resident += await residentOf(pid);
      if (resident > memoryLimitBytes) process.exit(OUT_OF_MEMORY_EXIT);
    })();
  }, 200).unref();
}

const recognisers = new Map<string, PageRecogniser>();

function recogniserFor(task: OcrTask): PageRecogniser {
  let recogniser = recognisers.get(task.engine);
  if (!recogniser) {
    recogniser =
      task.engine === 'tesseract'
        ? createNativeTesseractRecogniser(task)
        : createTesseractJsRecogniser(task.languages);
    recognisers.set(task.engine, recogniser);
  }
  return recogniser;
}

function send(message: OcrChildMessage): void {
  process.send?.(message);
}

async function readPages(task: OcrTask): Promise<OcrTaskResult> {
  let document;
  try {
    document = await recogniserFor(task).open(task.path, task.pages, task.dpi);
  } catch (error) {
    return {
      ok: false,
      outcome: 'extraction_error',
      message: `OCR could not open the PDF (${messageOf(error)})`,
    };
  }
  const pages: OcrPageText[] = [];
  try {
    // Each reading after a page's first (whitened, turned) restarts the per-page limit (ocr-extractor.ts).
    let readings = 0;
    const reading: OpenDocument = {
      recognise: (page, rotation, liftInk) => {
        if (readings++ > 0) send({ type: 'ocr:reading', page });
        return document.recognise(page, rotation, liftInk);
      },
      printIsFaint: (page) => document.printIsFaint(page),
      close: () => document.close(),
    };
    for (const page of task.pages) {
      send({ type: 'ocr:page', page });
      readings = 0;
      pages.push(await readPageUpright(reading, page));
    }
  } catch (error) {
    const page = task.pages[pages.length];
    // Read in part, or not at all, the page may have lost the very line that names its patient: the file is
    // not ingested on what OCR made of it, whichever engine ran (each renderer draws damage its own way).
    if (error instanceof DamagedPageImage)
      return {
        ok: false,
        outcome: 'corrupt',
        message:
          `the scanned image of page ${page} is damaged and cannot be read whole (${error.detail}), so the patient ` +
          'it names cannot be checked; scan the page again, or ask the sender for a new copy',
      };
    return {
      ok: false,
      outcome: 'extraction_error',
      message: `OCR failed on page ${page} (${messageOf(error)}); retry, and report the file if it fails again`,
    };
  } finally {
    await document.close().catch(() => undefined);
  }
  return { ok: true, pages };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

watchMemory();
process.on('message', (message: OcrParentMessage) => {
  if (message?.type !== 'ocr:task') return;
  void readPages(message.task).then((result) => send({ type: 'ocr:result', result }));
});
// The parent is gone (or closed the pool): nothing more will come, and no tool may outlive this process.
process.on('disconnect', () => {
  for (const pid of runningTools) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
