// pdf-parse (pdf.js) in a pool of worker threads: one file per worker at a time, a per-file timeout and
// a per-worker heap ceiling, so one pathological PDF costs one worker, never the batch.
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { describeFailure } from './describe-failure.js';
import { TASK_STARTED, type PdfParseTask, type PdfParseTaskResult } from './pdf-parse-task.js';
import { resolveWorkerScript } from './resolve-worker-script.js';
import { joinPageTexts } from './text-layer.js';
import type { ExtractionResult, ExtractOptions, TextExtractor } from './types.js';

export type PdfParseExtractorOptions = {
  /** Worker threads; default: every core (os.availableParallelism()). */
  workers?: number;
  /** Per-file limit, counted from when a worker starts the file (queueing excluded); default 60 000. */
  timeoutMs?: number;
  /** Per-worker V8 old-generation ceiling in MB; default 512. */
  maxMemoryMb?: number;
};

export const PDF_PARSE_DEFAULTS = { timeoutMs: 60_000, maxMemoryMb: 512 } as const;

function isOutOfMemory(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

export function createPdfParseExtractor(options: PdfParseExtractorOptions = {}): TextExtractor {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const timeoutMs = options.timeoutMs ?? PDF_PARSE_DEFAULTS.timeoutMs;
  const maxMemoryMb = options.maxMemoryMb ?? PDF_PARSE_DEFAULTS.maxMemoryMb;
  const script = resolveWorkerScript('pdf-parse-worker', import.meta.url);
  const pool = new Piscina<PdfParseTask, PdfParseTaskResult>({
    filename: script.filename,
    execArgv: script.execArgv,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: Infinity,
    resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
  });
  // A worker that dies while idle (say, out of memory while warming up) has no task to fail; piscina
  // then emits 'error', which would otherwise crash the process. It replaces the worker by itself.
  pool.on('error', () => {});
  let closed = false;

  async function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closed) throw new Error('the PDF extractor is closed');
    const callerSignal = extractOptions.signal;
    callerSignal?.throwIfAborted();
    // Aborting a running piscina task terminates its worker and starts a fresh one: the only way to
    // stop pdf.js mid-file. The same signal serves our timeout and the caller's cancellation.
    const timeout = new AbortController();
    const signal = callerSignal ? AbortSignal.any([timeout.signal, callerSignal]) : timeout.signal;
    const { port1, port2 } = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    port1.once('message', (message) => {
      if (message === TASK_STARTED && !settled) timer = setTimeout(() => timeout.abort(), timeoutMs);
    });
    try {
      const result = await pool.run({ path, startedPort: port2 }, { signal, transferList: [port2] });
      if (!result.ok) return result;
      return {
        ok: true,
        text: joinPageTexts(result.pageTexts),
        pages: result.pages,
        pageTexts: result.pageTexts,
      };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeout.signal.aborted) return describeFailure('timeout', { timeoutMs });
      if (isOutOfMemory(error)) return describeFailure('too_large_memory', { maxMemoryMb });
      return describeFailure('extraction_error', {
        detail: error instanceof Error ? error.message : String(error),
      });
    } finally {
      settled = true;
      clearTimeout(timer);
      port1.close();
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await pool.close();
  }

  return { extract, close };
}
