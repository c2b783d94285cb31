// poppler's pdftotext through long-lived co-processes: one small Node child per slot (pdftotext-worker.ts)
// runs pdftotext on one file at a time, as many slots as cores. About twice pdf.js's page rate, for sites
// that install poppler-utils. Same results and outcomes as the other adapters.
//
// Each co-process leads its own process group, so that stopping a file (the caller's cancellation, or a
// co-process that stopped answering) kills the co-process and its pdftotext together; the slot starts a
// fresh co-process for its next file.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describeFailure } from './describe-failure.js';
import { resolveWorkerScript } from './resolve-worker-script.js';
import { joinPageTexts } from './text-layer.js';
import type { ExtractionResult, ExtractOptions, TextExtractor } from './types.js';
import { COPROCESS_ENV, type PdftotextTask, type PdftotextTaskResult } from './pdftotext-worker.js';

export type PdftotextExtractorOptions = {
  /** Co-processes, each running one pdftotext at a time; default: every core. */
  concurrency?: number;
  /** Per-file limit, counted from the process's start; default 60 000. */
  timeoutMs?: number;
  /** The executable; default `pdftotext` from PATH. */
  command?: string;
};

/** How long past its own timeout a co-process may take to answer before it is deemed stuck and killed. */
const ANSWER_GRACE_MS = 5_000;

type Job = {
  path: string;
  signal: AbortSignal | undefined;
  resolve: (result: ExtractionResult) => void;
  reject: (reason: unknown) => void;
};

type Slot = { child: ChildProcess | null; job: Job | null };

export function createPdftotextExtractor(options: PdftotextExtractorOptions = {}): TextExtractor {
  const command = options.command ?? 'pdftotext';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const slots: Slot[] = Array.from(
    { length: Math.max(1, options.concurrency ?? availableParallelism()) },
    () => ({
      child: null,
      job: null,
    }),
  );
  const script = resolveWorkerScript('pdftotext-worker', import.meta.url);
  const queue: Job[] = [];
  const inFlight = new Set<Promise<ExtractionResult>>();
  let closing: Promise<void> | undefined;

  function start(): ChildProcess {
    const child = fork(script.filename, [], {
      execArgv: script.execArgv,
      env: { ...process.env, [COPROCESS_ENV]: '1' },
      serialization: 'advanced',
      // Its own process group, so that killing the group reaches pdftotext too (see stop()).
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return child;
  }

  /** Kills a co-process and whatever it is running; its slot starts a new one for the next file. */
  function stop(slot: Slot): void {
    const child = slot.child;
    slot.child = null;
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  function settle(slot: Slot, settleJob: (job: Job) => void): void {
    const job = slot.job;
    if (job === null) return;
    slot.job = null;
    settleJob(job);
    dispatch();
  }

  function run(slot: Slot, job: Job): void {
    slot.job = job;
    let child = slot.child;
    if (child === null || !child.connected) {
      child = start();
      slot.child = child;
      const current = child;
      current.on('message', (result: PdftotextTaskResult) => {
        if (slot.child !== current) return;
        settle(slot, (finished) => finished.resolve(toExtractionResult(result)));
      });
      current.on('error', (error) => {
        if (slot.child !== current) return;
        stop(slot);
        settle(slot, (failed) =>
          failed.resolve(
            describeFailure('extraction_error', {
              detail: `could not start the pdftotext co-process: ${error.message}`,
            }),
          ),
        );
      });
      current.on('exit', (code, signal) => {
        if (slot.child !== current) return;
        slot.child = null;
        const how = signal !== null ? `was stopped by ${signal}` : `exited with code ${String(code)}`;
        settle(slot, (failed) =>
          failed.resolve(describeFailure('extraction_error', { detail: `the pdftotext co-process ${how}` })),
        );
      });
    }
    const guard = setTimeout(() => {
      if (slot.job !== job) return;
      stop(slot);
      settle(slot, (late) => late.resolve(describeFailure('timeout', { timeoutMs })));
    }, timeoutMs + ANSWER_GRACE_MS);
    const onAbort = () => {
      if (slot.job !== job) return;
      stop(slot);
      settle(slot, (aborted) => aborted.reject(job.signal!.reason));
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const detach = () => {
      clearTimeout(guard);
      job.signal?.removeEventListener('abort', onAbort);
    };
    const { resolve, reject } = job;
    job.resolve = (result) => {
      detach();
      resolve(result);
    };
    job.reject = (reason) => {
      detach();
      reject(reason);
    };
    child.send({ command, path: job.path, timeoutMs } satisfies PdftotextTask);
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.job !== null) continue;
      const job = queue.shift();
      if (job === undefined) return;
      run(slot, job);
    }
  }

  function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closing) return Promise.reject(new Error('the PDF extractor is closed'));
    const { signal } = extractOptions;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const extraction = new Promise<ExtractionResult>((resolve, reject) => {
      const job: Job = { path, signal, resolve, reject };
      // A file still waiting for a slot is simply taken out of the queue.
      signal?.addEventListener(
        'abort',
        () => {
          const waiting = queue.indexOf(job);
          if (waiting === -1) return;
          queue.splice(waiting, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      queue.push(job);
      dispatch();
    });
    inFlight.add(extraction);
    const forget = () => inFlight.delete(extraction);
    extraction.then(forget, forget);
    return extraction;
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled(inFlight);
      await Promise.all(
        slots.map(async (slot) => {
          const child = slot.child;
          slot.child = null;
          if (child === null || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          // Idle: it exits when its channel closes.
          child.disconnect();
          await exited;
        }),
      );
    })();
    return closing;
  }

  return { name: 'pdftotext', extract, close };
}

function toExtractionResult(result: PdftotextTaskResult): ExtractionResult {
  if (!result.ok) return result;
  return {
    ok: true,
    text: joinPageTexts(result.pageTexts),
    pages: result.pages,
    pageTexts: result.pageTexts,
    ...(result.scannedPages.length > 0 ? { scannedPages: result.scannedPages } : {}),
  };
}
