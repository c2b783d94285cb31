// OCR as a decorator over any TextExtractor: the inner extractor reads the text layer; pages without a
// usable one (every page with --ocr force) are rasterised and read by Tesseract in a pool of child
// processes of their own, with a per-page and a per-file limit. The result is an ordinary
// ExtractionSuccess with the merged text, so chunking, embedding and storage need not know OCR ran.
import { availableParallelism } from 'node:os';
import type {
  ExtractionFailure,
  ExtractionResult,
  ExtractOptions,
  TextExtractor,
} from '../extraction/types.js';
import { OcrChildPool, type ChildOutcome } from './ocr-child-pool.js';
import type { OcrTaskResult } from './ocr-task.js';
import { mergeOcrText, planOcr, type OcrPlan } from './plan-ocr.js';
import { OCR_DEFAULTS, OCR_LANGUAGES, ocrFileLimitMs, type OcrEngineName, type OcrMode } from './types.js';

export interface OcrExtractorOptions {
  mode: OcrMode;
  engine: OcrEngineName;
  /** OCR child processes: the limit on OCR work in flight; default half the cores (at least 1). */
  processes?: number;
  pageTimeoutMs?: number;
  /** The per-file limit of a short scan; a long one is allowed more for each page (ocrFileLimitMs). */
  fileTimeoutMs?: number;
  /**
   * The most a long scan's allowance may grow to. A worker's job that outlives its --job-timeout is taken for
   * abandoned and run again by another worker while the first still reads it: a worker caps it below that.
   */
  longScanCapMs?: number;
  maxMemoryMb?: number;
  dpi?: number;
  /**
   * Files OCR'd or waiting for OCR that have let their caller start others (ExtractOptions.onWaiting);
   * past this many, a file keeps its caller's slot while it waits, which holds the batch back. Default 256.
   */
  maxWaitingFiles?: number;
  /** The native engine's executables; default from PATH. */
  tesseractCommand?: string;
  pdftoppmCommand?: string;
}

const PAGE_TIMED_OUT = Symbol('page timed out');
const FILE_TIMED_OUT = Symbol('file timed out');

export function createOcrExtractor(inner: TextExtractor, options: OcrExtractorOptions): TextExtractor {
  if (options.mode === 'off') return inner;
  const { mode, engine } = options;
  const pageTimeoutMs = options.pageTimeoutMs ?? OCR_DEFAULTS.pageTimeoutMs;
  const fileTimeoutMs = options.fileTimeoutMs ?? OCR_DEFAULTS.fileTimeoutMs;
  const maxMemoryMb = options.maxMemoryMb ?? OCR_DEFAULTS.maxMemoryMb;
  const maxWaitingFiles = options.maxWaitingFiles ?? 256;
  const processes = Math.max(1, options.processes ?? Math.floor(availableParallelism() / 2));
  // Started on the first file that needs OCR: a batch of text-layer files never pays for Tesseract.
  let pool: OcrChildPool | undefined;
  let waitingFiles = 0;
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  async function readPages(
    path: string,
    plan: OcrPlan,
    extractOptions: ExtractOptions,
  ): Promise<OcrTaskResult> {
    pool ??= new OcrChildPool({ processes, maxMemoryMb });
    const fileLimitMs = ocrFileLimitMs(fileTimeoutMs, plan.pages.length, options.longScanCapMs);
    const stop = new AbortController();
    // The run's interrupt (waitSignal) stops a scan being read too, not only one waiting: a scan's OCR may
    // take up to the per-file limit (10 minutes), which neither an operator's Ctrl-C nor a service manager's
    // SIGTERM waits for. The file stays pending and the next run reads it again.
    const signal = AbortSignal.any(
      [stop.signal, extractOptions.signal, extractOptions.waitSignal].filter(
        (s): s is AbortSignal => s !== undefined,
      ),
    );
    let fileTimer: NodeJS.Timeout | undefined;
    let pageTimer: NodeJS.Timeout | undefined;
    let page = plan.pages[0]!;
    const restartPageTimer = () => {
      clearTimeout(pageTimer);
      pageTimer = setTimeout(() => stop.abort(PAGE_TIMED_OUT), pageTimeoutMs);
    };
    let outcome: ChildOutcome;
    try {
      outcome = await pool.run(
        {
          path,
          pages: plan.pages,
          engine,
          dpi: options.dpi ?? OCR_DEFAULTS.dpi,
          languages: OCR_LANGUAGES,
          tesseractCommand: options.tesseractCommand ?? 'tesseract',
          pdftoppmCommand: options.pdftoppmCommand ?? 'pdftoppm',
        },
        {
          signal,
          ...(extractOptions.waitSignal ? { queueSignal: extractOptions.waitSignal } : {}),
          onStart: () => {
            fileTimer = setTimeout(() => stop.abort(FILE_TIMED_OUT), fileLimitMs);
          },
          onPage: (next) => {
            page = next;
            extractOptions.onOcrPage?.({ page: plan.pages.indexOf(next) + 1, pages: plan.pages.length });
            restartPageTimer();
          },
          // The limit is per reading: a faint or turned page is read up to five times (read-page-upright.ts),
          // which at tesseract.js's 12-15 s a full page on a busy machine passed 60 s, and the page failed
          // although every reading finished. A reading that hangs is still stopped at the limit.
          onReading: restartPageTimer,
        },
      );
    } finally {
      clearTimeout(fileTimer);
      clearTimeout(pageTimer);
    }
    if (outcome.kind === 'result') return outcome.result;
    if (extractOptions.signal?.aborted) throw extractOptions.signal.reason;
    if (extractOptions.waitSignal?.aborted) throw extractOptions.waitSignal.reason;
    return describeStoppedOcr(outcome, {
      reason: stop.signal.reason,
      page,
      pageTimeoutMs,
      fileTimeoutMs: fileLimitMs,
      memoryLimitMb: 2 * maxMemoryMb,
      engine,
    });
  }

  async function extractWithOcr(path: string, extractOptions: ExtractOptions): Promise<ExtractionResult> {
    const first = await inner.extract(path, extractOptions.signal ? { signal: extractOptions.signal } : {});
    const plan = planOcr(mode, first);
    if (!plan) return first;
    if (waitingFiles < maxWaitingFiles) extractOptions.onWaiting?.();
    waitingFiles += 1;
    try {
      const read = await readPages(path, plan, extractOptions);
      return read.ok ? mergeOcrText(plan, read.pages, engine) : read;
    } finally {
      waitingFiles -= 1;
    }
  }

  async function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closing) throw new Error('the PDF extractor is closed');
    const extraction = extractWithOcr(path, extractOptions);
    inFlight.add(extraction);
    try {
      return await extraction;
    } finally {
      inFlight.delete(extraction);
    }
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled(inFlight);
      await pool?.close();
      await inner.close();
    })();
    return closing;
  }

  return { name: inner.name, extract, close };
}

function describeStoppedOcr(
  exit: Extract<ChildOutcome, { kind: 'exit' }>,
  context: {
    reason: unknown;
    page: number;
    pageTimeoutMs: number;
    fileTimeoutMs: number;
    memoryLimitMb: number;
    engine: OcrEngineName;
  },
): ExtractionFailure {
  if (context.reason === PAGE_TIMED_OUT)
    return {
      ok: false,
      outcome: 'timeout',
      message:
        `OCR (${context.engine}) of page ${context.page} took longer than the per-page limit (${seconds(context.pageTimeoutMs)}) ` +
        'and was stopped; the scan may be unusually large or damaged: check it, or raise the limit with ' +
        'ocr.pageTimeoutSeconds in the config file',
    };
  if (context.reason === FILE_TIMED_OUT)
    return {
      ok: false,
      outcome: 'timeout',
      message:
        `OCR (${context.engine}) of the file took longer than the per-file limit (${seconds(context.fileTimeoutMs)}) ` +
        `and was stopped at page ${context.page}; split the file, or raise the limit with ocr.fileTimeoutSeconds in ` +
        'the config file',
    };
  // The watchdog's exit, or Node's own abort on an exhausted heap.
  if (exit.code === 134 || exit.signal === 'SIGABRT')
    return {
      ok: false,
      outcome: 'too_large_memory',
      message:
        `OCR (${context.engine}) of page ${context.page} needed more than the memory limit (${context.memoryLimitMb} MB) ` +
        'and was stopped; the scan may be unusually large or damaged',
    };
  const how = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${String(exit.code)}`;
  const detail = exit.stderr.trim().split('\n').at(-1);
  return {
    ok: false,
    outcome: 'extraction_error',
    message:
      `the OCR process ${how} on page ${context.page}${detail ? ` (${detail})` : ''}; ` +
      'retry, and report the file if it fails again',
  };
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}
