// poppler's pdftotext, one process per file, as many at once as there are cores: about twice pdf.js's
// page rate, for sites that install poppler-utils. Same results and outcomes as the pdf-parse adapter.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import PQueue from 'p-queue';
import { classifyPdfError } from './classify-pdf-error.js';
import { classifyPdftotextFailure, reportsSyntaxErrors } from './classify-pdftotext-exit.js';
import { describeFailure } from './describe-failure.js';
import { hasPdfHeader, hasTextLayer, joinPageTexts } from './text-layer.js';
import type { ExtractionFailure, ExtractionResult, ExtractOptions, TextExtractor } from './types.js';

export type PdftotextExtractorOptions = {
  /** Processes at once; default: every core. */
  concurrency?: number;
  /** Per-file limit, counted from the process's start; default 60 000. */
  timeoutMs?: number;
  /** The executable; default `pdftotext` from PATH. */
  command?: string;
};

type ProcessOutcome = { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };

/** Reads the first bytes: proves the file is readable and looks like a PDF before a process is spent on it. */
async function checkFile(path: string): Promise<ExtractionFailure | undefined> {
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
      if (!hasPdfHeader(buffer.subarray(0, bytesRead)))
        return describeFailure('corrupt', { detail: 'no %PDF- header: not a PDF file' });
    } finally {
      await handle.close();
    }
  } catch (error) {
    return describeFailure('unreadable', { detail: classifyPdfError(error).detail });
  }
  return undefined;
}

function runPdftotext(
  command: string,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    // Plain (not -layout) text, UTF-8, to stdout; pages end with a form feed.
    const child = spawn(command, ['-enc', 'UTF-8', path, '-'], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
  });
}

function splitPages(stdout: string): string[] {
  const pages = stdout.split('\f');
  // Every page, the last included, ends with a form feed: what follows the last one is not a page.
  pages.pop();
  return pages;
}

export function createPdftotextExtractor(options: PdftotextExtractorOptions = {}): TextExtractor {
  const command = options.command ?? 'pdftotext';
  const timeoutMs = options.timeoutMs ?? 60_000;
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency ?? availableParallelism()) });
  let closed = false;

  async function extractNow(path: string, signal?: AbortSignal): Promise<ExtractionResult> {
    const unusable = await checkFile(path);
    if (unusable) return unusable;
    let run: ProcessOutcome;
    try {
      run = await runPdftotext(command, path, timeoutMs, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return describeFailure('extraction_error', { detail: `could not run ${command}: ${String(error)}` });
    }
    if (run.timedOut) return describeFailure('timeout', { timeoutMs });
    if (run.exitCode !== 0) {
      const { outcome, detail } = classifyPdftotextFailure(run);
      return describeFailure(outcome, { detail });
    }
    const pageTexts = splitPages(run.stdout);
    if (!hasTextLayer(pageTexts)) {
      const pages = pageTexts.length;
      if (reportsSyntaxErrors(run.stderr))
        return describeFailure('corrupt', { detail: run.stderr.split('\n')[0], pages });
      return describeFailure('image_only', { pages });
    }
    return { ok: true, text: joinPageTexts(pageTexts), pages: pageTexts.length, pageTexts };
  }

  async function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closed) throw new Error('the PDF extractor is closed');
    const { signal } = extractOptions;
    signal?.throwIfAborted();
    const result = await queue.add(() => extractNow(path, signal), signal ? { signal } : {});
    if (result === undefined) throw new Error('pdftotext extraction was dropped from the queue');
    return result;
  }

  async function close(): Promise<void> {
    closed = true;
    await queue.onIdle();
  }

  return { name: 'pdftotext', extract, close };
}
