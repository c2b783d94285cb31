// poppler's pdftotext, one process per file, as many at once as there are cores: about twice pdf.js's
// page rate, for sites that install poppler-utils. Same results and outcomes as the pdf-parse adapter.
// The processes are started from a pool of small child processes (see pdftotext-worker.ts for why).
import { availableParallelism } from 'node:os';
import { describeFailure } from './describe-failure.js';
import { createChildProcessPool } from './child-process-pool.js';
import { joinPageTexts } from './text-layer.js';
import type { ExtractionResult, ExtractOptions, TextExtractor } from './types.js';
import type { PdftotextTask, PdftotextTaskResult } from './pdftotext-worker.js';

export type PdftotextExtractorOptions = {
  /** Processes at once; default: every core. */
  concurrency?: number;
  /** Per-file limit, counted from the process's start; default 60 000. */
  timeoutMs?: number;
  /** The executable; default `pdftotext` from PATH. */
  command?: string;
};

export function createPdftotextExtractor(options: PdftotextExtractorOptions = {}): TextExtractor {
  const command = options.command ?? 'pdftotext';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const workers = Math.max(1, options.concurrency ?? availableParallelism());
  const pool = createChildProcessPool({
    workerName: 'pdftotext-worker',
    nextTo: import.meta.url,
    processes: workers,
  });
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  async function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closing) throw new Error('the PDF extractor is closed');
    const { signal } = extractOptions;
    signal?.throwIfAborted();
    let result: PdftotextTaskResult;
    const task = pool.run({ command, path, timeoutMs } satisfies PdftotextTask, signal ? { signal } : {});
    inFlight.add(task);
    try {
      result = (await task) as PdftotextTaskResult;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return describeFailure('extraction_error', { detail: `could not run ${command}: ${messageOf(error)}` });
    } finally {
      inFlight.delete(task);
    }
    if (!result.ok) return result;
    return {
      ok: true,
      text: joinPageTexts(result.pageTexts),
      pages: result.pages,
      pageTexts: result.pageTexts,
    };
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled(inFlight);
      await pool.destroy();
    })();
    return closing;
  }

  return { name: 'pdftotext', extract, close };
}

function messageOf(error: unknown): string {
  // Errors thrown in a child arrive as plain objects: only their fields crossed the IPC channel.
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
