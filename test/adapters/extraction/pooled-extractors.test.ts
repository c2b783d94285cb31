// Behaviour of the pool of child processes, for each engine that runs in it (pdf-parse and PDFium): broken
// files, a stuck file, cancellation and a dead child cost one child at most, and the pool goes on.
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPdfiumExtractor,
  createPdfParseExtractor,
  type PdfParseExtractorOptions,
  type TextExtractor,
} from '../../../src/adapters/extraction/index.js';
import { makeClinicalPage, makeManyTextObjectsPdf, makeTextPdf } from './support/make-pdfs.js';
import { writeSampleFiles, type SampleFiles } from './support/sample-files.js';

/** The pids of this process's extraction children (tinypool forks its entry script). */
async function extractionChildren(): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', [
    '-o',
    'pid=,args=',
    '--ppid',
    String(process.pid),
  ]).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .filter((line) => line.includes('tinypool'))
    .map((line) => Number.parseInt(line, 10));
}

/**
 * Opens the FIFO for writing once a reader has it open, polling for up to `ms` without ever yielding to the
 * event loop; null if no reader came.
 */
function openWriterWithin(fifo: string, ms: number): number | null {
  const deadline = performance.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || performance.now() >= deadline) return null;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/** Like openWriterWithin, but yields to the event loop between tries (10 s at most). */
async function openWriterSoon(fifo: string): Promise<number | null> {
  for (let tries = 0; tries < 200; tries++) {
    const writer = openWriterWithin(fifo, 0);
    if (writer !== null) return writer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

let files: SampleFiles;
let scratch: string;
const longPdfs = { 'pdf-parse': '', pdfium: '' };
beforeAll(async () => {
  files = await writeSampleFiles();
  scratch = await mkdtemp(join(tmpdir(), 'extraction-long-'));
  // Files that take each engine several seconds, far beyond the 1 s limit used below: 3,000 pages for pdf.js
  // (600 took a warm pdf.js child 0.96 s on a quiet machine, and the 1 s limit then lost the race now and then);
  // PDFium reads those three times as fast, and one page of 1,500,000 text objects takes it ~2.8 s once warm
  // (400,000 took 0.7 s warm: a worker that replaced a stopped one finished it within the limit, in CI).
  longPdfs['pdf-parse'] = join(scratch, 'long.pdf');
  const pages = Array.from({ length: 3000 }, (_, i) => makeClinicalPage(i + 1));
  await writeFile(longPdfs['pdf-parse'], await makeTextPdf({ pages }));
  longPdfs.pdfium = join(scratch, 'many-objects.pdf');
  await writeFile(longPdfs.pdfium, makeManyTextObjectsPdf(1_500_000));
});
afterAll(async () => {
  await files?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const ENGINES: {
  name: keyof typeof longPdfs;
  create: (options: PdfParseExtractorOptions) => TextExtractor;
}[] = [
  { name: 'pdf-parse', create: createPdfParseExtractor },
  { name: 'pdfium', create: createPdfiumExtractor },
];

for (const { name, create: createExtractor } of ENGINES)
  describe(`${name} child processes`, { tags: ['slow'] }, () => {
    let longPdf: string;
    beforeAll(() => {
      longPdf = longPdfs[name];
    });

    it('reports a damaged compressed stream as corrupt and extracts the next file on the same single worker', async () => {
      const extractor = createExtractor({ workers: 1 });
      try {
        const broken = await extractor.extract(files.badFlate);
        expect(broken).toMatchObject({ ok: false, outcome: 'corrupt' });
        if (!broken.ok) expect(broken.message).toMatch(/flate/i);
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
      } finally {
        await extractor.close();
      }
    });

    it('stops a file that exceeds the timeout, replaces its worker and goes on', async () => {
      const extractor = createExtractor({ workers: 1, timeoutMs: 1000 });
      try {
        const slow = await extractor.extract(longPdf);
        expect(slow).toMatchObject({ ok: false, outcome: 'timeout' });
        if (!slow.ok) expect(slow.message).toMatch(/time limit \(1 s\)/);
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
      } finally {
        await extractor.close();
      }
    });

    it('counts the timeout from when a worker starts the file, not while it waits in the queue', async () => {
      // Four long files on one worker: the last waits for the others, each of which is stopped at 1 s.
      const extractor = createExtractor({ workers: 1, timeoutMs: 1000 });
      try {
        const queued = [longPdf, longPdf, files.text, files.text].map((path) => extractor.extract(path));
        const outcomes = (await Promise.all(queued)).map((r) => (r.ok ? 'ok' : r.outcome));
        expect(outcomes).toEqual(['timeout', 'timeout', 'ok', 'ok']);
      } finally {
        await extractor.close();
      }
    });

    it('cancels a running file when the caller aborts, and the pool goes on', async () => {
      const extractor = createExtractor({ workers: 1 });
      try {
        const controller = new AbortController();
        const running = extractor.extract(longPdf, { signal: controller.signal });
        setTimeout(() => controller.abort(new Error('stopped by the user')), 200);
        await expect(running).rejects.toThrow('stopped by the user');
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true });
      } finally {
        await extractor.close();
      }
    });

    it('reports a child killed under a file as an extraction error, and a fresh child takes the next file', async () => {
      // A pool an earlier test closed may still be reaping its children: only this pool's child is the one.
      const before = new Set(await extractionChildren());
      const extractor = createExtractor({ workers: 1 });
      try {
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true });
        const [child, ...more] = (await extractionChildren()).filter((pid) => !before.has(pid));
        if (child === undefined) throw new Error(`no ${name} child process found`);
        expect(more).toEqual([]);
        const running = extractor.extract(longPdf);
        // The file is handed to the only child at once; killing it at any moment before its several
        // seconds of work are done is a death under that file.
        setTimeout(() => process.kill(child, 'SIGKILL'), 300);
        const killed = await running;
        expect(killed).toMatchObject({ ok: false, outcome: 'extraction_error' });
        if (!killed.ok) expect(killed.message).toMatch(/stopped by SIGKILL|exited unexpectedly/);
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
        expect(await extractionChildren()).not.toContain(child);
      } finally {
        await extractor.close();
      }
    });

    it('fails the files, instead of waiting forever, when no child survives its start-up', async () => {
      // 16 MB cannot even load the engine: every child dies before taking a file.
      const extractor = createExtractor({ workers: 1, maxMemoryMb: 16 });
      try {
        const results = await Promise.all(
          [files.text, files.text, files.text].map((p) => extractor.extract(p)),
        );
        for (const result of results)
          expect(result).toMatchObject({ ok: false, outcome: 'extraction_error' });
      } finally {
        await extractor.close();
      }
    });

    it('hands a child its next file while it works on one, so that it never waits for this process between files', async () => {
      // The second file is a FIFO: the child opens it once it starts that file. This process stops its own
      // event loop as soon as the first file's result reaches it, and waits for a reader of the FIFO to appear:
      // only a file already in the child can be started meanwhile.
      const fifo = join(scratch, `next-${name}.pdf`);
      execFileSync('mkfifo', [fifo]);
      const extractor = createExtractor({ workers: 1 });
      let fed = false;
      try {
        const first = extractor.extract(files.text);
        const second = extractor.extract(fifo);
        expect(await first).toMatchObject({ ok: true, pages: 3 });
        const writer = openWriterWithin(fifo, 10_000);
        expect(writer, 'the child had not been given the second file').not.toBeNull();
        writeSync(writer!, readFileSync(files.text));
        closeSync(writer!);
        fed = true;
        expect(await second).toMatchObject({ ok: true, pages: 3 });
      } finally {
        // A child given the second file only later still needs its bytes before the pool can close.
        const feeding = fed ? Promise.resolve() : writeFile(fifo, readFileSync(files.text));
        await extractor.close();
        await feeding;
      }
    });

    it("never stops the next file for the previous one's timeout when the previous one finished just in time", async () => {
      // Both files are FIFOs. The first is fed, then this process blocks its own event loop past the first
      // file's 1 s limit: meanwhile the child finishes it, reports its result and starts the second (which
      // waits for bytes). When this process wakes up, the first file's timer is overdue beside both messages:
      // whichever it handles first, the second file must not fail for the first one's time.
      const first = join(scratch, `just-in-time-first-${name}.pdf`);
      const second = join(scratch, `just-in-time-second-${name}.pdf`);
      execFileSync('mkfifo', [first, second]);
      const extractor = createExtractor({ workers: 1, timeoutMs: 1000 });
      let fedSecond = false;
      try {
        const firstResult = extractor.extract(first);
        const secondResult = extractor.extract(second);
        const writer = await openWriterSoon(first);
        expect(writer, 'the child never opened the first file').not.toBeNull();
        // The child reported the start before opening the file: let that message (and the timer it sets) in.
        await new Promise((resolve) => setTimeout(resolve, 200));
        writeSync(writer!, readFileSync(files.text));
        closeSync(writer!);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
        // The second file's reader: the same child, or a fresh one if the first child was stopped anyway.
        const secondWriter = await openWriterSoon(second);
        expect(secondWriter, 'no child opened the second file').not.toBeNull();
        writeSync(secondWriter!, readFileSync(files.text));
        closeSync(secondWriter!);
        fedSecond = true;
        expect(await secondResult).toMatchObject({ ok: true, pages: 3 });
        expect((await firstResult).ok ? 'ok' : 'timeout').toMatch(/ok|timeout/);
      } finally {
        const feeding = fedSecond
          ? Promise.resolve()
          : writeFile(second, readFileSync(files.text)).catch(() => {});
        await extractor.close();
        await feeding;
      }
    });

    it('refuses work once closed', async () => {
      const extractor = createExtractor({ workers: 1 });
      await extractor.close();
      await expect(extractor.extract(files.text)).rejects.toThrow(/closed/);
    });
  });
