// The pdftotext co-processes: one long-lived Node child per slot runs pdftotext for many files; a file that
// outlives its limit or is cancelled is stopped together with its pdftotext, and the slot goes on.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPdftotextExtractor, isPdftotextAvailable } from '../../../src/adapters/extraction/index.js';
import { writeSampleFiles, type SampleFiles } from './support/sample-files.js';

const run = promisify(execFile);
const pdftotext = await isPdftotextAvailable();

/** Processes whose command line contains `needle`, as pid and parent pid. */
async function processesWith(needle: string): Promise<{ pid: number; ppid: number }[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,args=']);
  return stdout
    .split('\n')
    .filter((line) => line.includes(needle) && !line.includes('ps -eo'))
    .map((line) => {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      return { pid: pid!, ppid: ppid! };
    });
}

let files: SampleFiles;
let scratch: string;
/** pdftotext, except that a file whose name contains "slow" first sleeps for a minute. */
let slowPdftotext: string;
let sleepMarker: string;
beforeAll(async () => {
  files = await writeSampleFiles();
  scratch = await mkdtemp(join(tmpdir(), 'pdftotext-coprocess-'));
  // A marker in the sleeping process's arguments, unique to this test run, to find it with ps.
  sleepMarker = `60.${process.pid}`;
  slowPdftotext = join(scratch, 'slow-pdftotext');
  await writeFile(
    slowPdftotext,
    `#!/bin/sh\ncase "$3" in *slow*) exec sleep ${sleepMarker} ;; esac\nexec pdftotext "$@"\n`,
  );
  await chmod(slowPdftotext, 0o755);
  await writeFile(
    join(scratch, 'slow.pdf'),
    await import('node:fs/promises').then((fs) => fs.readFile(files.text)),
  );
});
afterAll(async () => {
  await files?.remove();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(!pdftotext.available && !process.env.CI)('pdftotext co-processes', { tags: ['slow'] }, () => {
  it('serves many files from one long-lived co-process per slot', async () => {
    const extractor = createPdftotextExtractor({ concurrency: 1 });
    try {
      const before = new Set((await processesWith('pdftotext-worker')).map((p) => p.pid));
      for (let i = 0; i < 5; i++)
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
      const mine = (await processesWith('pdftotext-worker')).filter(
        (p) => p.ppid === process.pid && !before.has(p.pid),
      );
      expect(mine).toHaveLength(1);
    } finally {
      await extractor.close();
    }
    expect((await processesWith('pdftotext-worker')).filter((p) => p.ppid === process.pid)).toEqual([]);
  });

  it('stops a file past its time limit, with its pdftotext, and extracts the next file', async () => {
    const extractor = createPdftotextExtractor({ concurrency: 1, timeoutMs: 500, command: slowPdftotext });
    try {
      const slow = await extractor.extract(join(scratch, 'slow.pdf'));
      expect(slow).toMatchObject({ ok: false, outcome: 'timeout' });
      if (!slow.ok) expect(slow.message).toMatch(/time limit \(500 ms\)/);
      expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
      expect(await processesWith(`sleep ${sleepMarker}`)).toEqual([]);
    } finally {
      await extractor.close();
    }
  });

  it('cancels a running file by killing its co-process and pdftotext; the slot goes on', async () => {
    const extractor = createPdftotextExtractor({ concurrency: 1, command: slowPdftotext });
    try {
      const controller = new AbortController();
      const running = extractor.extract(join(scratch, 'slow.pdf'), { signal: controller.signal });
      const queued = extractor.extract(files.text, { signal: controller.signal });
      // Wait until the slow file is really running, then cancel both.
      while ((await processesWith(`sleep ${sleepMarker}`)).length === 0)
        await new Promise((r) => setImmediate(r));
      controller.abort(new Error('stopped by the user'));
      await expect(running).rejects.toThrow('stopped by the user');
      await expect(queued).rejects.toThrow('stopped by the user');
      expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
      expect(await processesWith(`sleep ${sleepMarker}`)).toEqual([]);
    } finally {
      await extractor.close();
    }
  });

  it('reports a command that cannot be run as an extraction error', async () => {
    const extractor = createPdftotextExtractor({
      concurrency: 1,
      command: join(scratch, 'no-such-pdftotext'),
    });
    try {
      const result = await extractor.extract(files.text);
      expect(result).toMatchObject({ ok: false, outcome: 'extraction_error' });
      if (!result.ok) expect(result.message).toMatch(/could not run .*no-such-pdftotext/);
    } finally {
      await extractor.close();
    }
  });

  it('runs pdftotext, file after file, with the environment of the process that started the extractor', async () => {
    // The co-process hands pdftotext a copy of its environment taken once: a variable must still arrive.
    const envPdftotext = join(scratch, 'env-pdftotext');
    await writeFile(
      envPdftotext,
      '#!/bin/sh\n[ "$TECSALUD_TEST_PDFTOTEXT_ENV" = "set" ] || { echo "Syntax Error: no variable" >&2; exit 1; }\nexec pdftotext "$@"\n',
    );
    await chmod(envPdftotext, 0o755);
    process.env.TECSALUD_TEST_PDFTOTEXT_ENV = 'set';
    const extractor = createPdftotextExtractor({ concurrency: 1, command: envPdftotext });
    try {
      for (let i = 0; i < 2; i++)
        expect(await extractor.extract(files.text)).toMatchObject({ ok: true, pages: 3 });
    } finally {
      delete process.env.TECSALUD_TEST_PDFTOTEXT_ENV;
      await extractor.close();
    }
  });
});
