// The pdftotext co-process: a long-lived Node child, one per slot, that runs poppler's pdftotext on one
// file at a time for the parent (pdftotext-extractor.ts) and answers over the IPC channel.
//
// Why a child at all: spawning from the ingest's own process would fork a process holding a SQLite page
// cache and a large heap, and the kernel copies its page tables on every fork (~7 ms of system time per
// file measured here, as much as pdftotext's own work on a short PDF); from this small process, ~1 ms.
// Why synchronously: this process has nothing else to do while pdftotext runs, and spawnSync costs it less
// than half the CPU of an asynchronous spawn with its streams (1.3 ms against 2.6 ms per file, measured).
// spawnSync enforces the per-file timeout itself; a cancelled file is stopped by the parent, which kills
// this process's whole process group, pdftotext included.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { classifyPdfError } from './classify-pdf-error.js';
import { classifyPdftotextFailure, reportsSyntaxErrors } from './classify-pdftotext-exit.js';
import { describeFailure } from './describe-failure.js';
import { findScannedPagesWithPoppler } from './poppler-scanned-pages.js';
import { hasPdfHeader, hasTextLayer } from './text-layer.js';
import type { ExtractionFailure } from './types.js';

export interface PdftotextTask {
  command: string;
  path: string;
  timeoutMs: number;
}

export type PdftotextTaskResult =
  ExtractionFailure | { ok: true; pages: number; pageTexts: string[]; scannedPages: number[] };

/** pdftotext's output beyond this is refused as too large (spawnSync's own default is 1 MB). */
export const MAX_OUTPUT_BYTES = 256 * 2 ** 20;

/** Reads the first bytes: proves the file is readable and looks like a PDF before a process is spent on it. */
function checkFile(path: string): ExtractionFailure | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(1024);
      const bytesRead = readSync(fd, head, 0, head.length, 0);
      if (!hasPdfHeader(head.subarray(0, bytesRead)))
        return describeFailure('corrupt', { detail: 'no %PDF- header: not a PDF file' });
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return describeFailure('unreadable', { detail: classifyPdfError(error).detail });
  }
  return undefined;
}

function splitPages(stdout: string): string[] {
  const pages = stdout.split('\f');
  // Every page, the last included, ends with a form feed: what follows the last one is not a page.
  pages.pop();
  return pages;
}

/**
 * Runs pdftotext on one file. `env` is pdftotext's environment: the co-process passes a copy of its own, taken
 * once, because handed `process.env` spawnSync reads every variable through Node's accessors on every call
 * (normalizeSpawnArguments: 0.1-0.2 ms of the co-process's time per file under --cpu-prof).
 */
export function extractWithPdftotext(
  task: PdftotextTask,
  env: NodeJS.ProcessEnv = process.env,
): PdftotextTaskResult {
  const { command, path, timeoutMs } = task;
  const unusable = checkFile(path);
  if (unusable) return unusable;
  // Plain (not -layout) text, UTF-8, to stdout; pages end with a form feed.
  const run = spawnSync(command, ['-enc', 'UTF-8', path, '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_OUTPUT_BYTES,
  });
  const stderr = run.stderr?.toString('utf8') ?? '';
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return describeFailure('timeout', { timeoutMs });
    if (code === 'ENOBUFS')
      return describeFailure('too_large_memory', {
        detail: `pdftotext wrote more than ${MAX_OUTPUT_BYTES / 2 ** 20} MB of text`,
      });
    return describeFailure('extraction_error', { detail: `could not run ${command}: ${run.error.message}` });
  }
  if (run.status !== 0) {
    if (run.status === null) {
      return describeFailure('extraction_error', {
        detail: `${command} was stopped by ${String(run.signal)}`,
      });
    }
    const { outcome, detail } = classifyPdftotextFailure({ exitCode: run.status, stderr });
    return describeFailure(outcome, { detail });
  }
  const pageTexts = splitPages(run.stdout.toString('utf8'));
  if (!hasTextLayer(pageTexts)) {
    const pages = pageTexts.length;
    if (reportsSyntaxErrors(stderr))
      return describeFailure('corrupt', { detail: stderr.split('\n')[0], pages });
    return describeFailure('image_only', { pages });
  }
  const scannedPages = findScannedPagesWithPoppler({
    pdftotextCommand: command,
    path,
    pageTexts,
    timeoutMs,
    env,
  });
  // The parent joins them: sending the joined text as well would put every page through the channel twice.
  return { ok: true, pages: pageTexts.length, pageTexts, scannedPages };
}

/** Set by the parent in the co-process's environment: only then does this module serve a channel. */
export const COPROCESS_ENV = 'TECSALUD_PDFTOTEXT_COPROCESS';

// Serve the parent, one file at a time, for as long as it is connected.
if (process.env[COPROCESS_ENV] === '1' && process.send !== undefined) {
  // Nothing in this process changes its environment: one copy serves every file.
  const env = { ...process.env };
  process.on('message', (task: PdftotextTask) => {
    process.send!(extractWithPdftotext(task, env));
  });
  // The parent closed the channel or died: nothing more will come.
  process.on('disconnect', () => process.exit(0));
}
