// Runs inside a small tinypool child process: runs poppler's pdftotext on one file and reads its output.
// Spawning from the ingest's own process would fork a process holding a SQLite page cache and a large
// heap: the kernel copies its page tables on every fork, ~7 ms of system time per file measured here,
// as much as pdftotext's own work on a short PDF. Forked from this small process, a spawn costs ~1 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { classifyPdfError } from './classify-pdf-error.js';
import { classifyPdftotextFailure, reportsSyntaxErrors } from './classify-pdftotext-exit.js';
import { describeFailure } from './describe-failure.js';
import { hasPdfHeader, hasTextLayer } from './text-layer.js';
import type { ExtractionFailure } from './types.js';

export interface PdftotextTask {
  command: string;
  path: string;
  timeoutMs: number;
}

export type PdftotextTaskResult = ExtractionFailure | { ok: true; pages: number; pageTexts: string[] };

type ProcessOutcome = { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };

/** The pdftotext process running now, to be killed with this one (a cancelled task terminates it). */
let running: ChildProcess | null = null;
process.on('SIGTERM', () => {
  running?.kill('SIGKILL');
  process.exit(143);
});

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

function runPdftotext(command: string, path: string, timeoutMs: number): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    // Plain (not -layout) text, UTF-8, to stdout; pages end with a form feed. In a process group of its
    // own, so that a Ctrl-C at the terminal does not kill it under the file in flight (see child-process-pool).
    const child = spawn(command, ['-enc', 'UTF-8', path, '-'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running = child;
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
      running = null;
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      running = null;
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

export default async function extractWithPdftotext(task: PdftotextTask): Promise<PdftotextTaskResult> {
  const { command, path, timeoutMs } = task;
  const unusable = await checkFile(path);
  if (unusable) return unusable;
  let run: ProcessOutcome;
  try {
    run = await runPdftotext(command, path, timeoutMs);
  } catch (error) {
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
  // The parent joins them: sending the joined text as well would put every page through the pipe twice.
  return { ok: true, pages: pageTexts.length, pageTexts };
}
