// A page read more than once, through the built CLI: a page fed upside down is read as it lies, then turned
// (faint ones whitened as well, up to five readings). The per-page limit counted them all together, so such a
// page failed at 60 s with tesseract.js on a busy machine although every reading finished. Here each reading
// takes over 15 s (a tesseract that waits first) and the limit is 29 s: two readings pass it together, not
// alone. The 14 s left to a reading for its real work (pdftoppm, tesseract on a small page: a second of CPU)
// fit a loaded machine; with 3 s of waiting under a 7 s limit, a load average of 12-16 left too little.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import {
  hasNativeOcr,
  makeUpsideDownScan,
  OTHER_PATIENT,
  scanFilename,
  SLOW_OCR_TESTS,
} from '../support/scans.js';

/** Each reading waits this long before tesseract runs; the page's limit is under two of them. */
const READING_WAIT_SECONDS = 15;
const PAGE_LIMIT_SECONDS = 29;

let root: string;

beforeAll(() => {
  root = createTempDir('tecsalud-ocr-readings-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.runIf(hasNativeOcr)('a page read again turned', SLOW_OCR_TESTS, () => {
  it('has the per-page limit for each reading, not for all of them together', async () => {
    const bin = path.join(root, 'bin');
    fs.mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v tesseract']).toString().trim();
    const readings = path.join(root, 'readings');
    fs.writeFileSync(
      path.join(bin, 'tesseract'),
      `#!/bin/sh\nif [ "$1" = stdin ]; then echo reading >> "${readings}"; sleep ${READING_WAIT_SECONDS}; fi\n` +
        `exec "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    const db = path.join(root, 'registry.db');
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    const name = scanFilename('6600000001');
    fs.writeFileSync(path.join(drop, name), await makeUpsideDownScan());
    fs.writeFileSync(
      path.join(root, 'tecsalud-batch.config.json'),
      JSON.stringify({ ocr: { pageTimeoutSeconds: PAGE_LIMIT_SECONDS } }),
    );
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);

    const run = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
        env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      },
    );
    const [file] = (JSON.parse(run.stdout) as { files: { outcome: string; error: string | null }[] }).files;
    // Read turned, it names another patient: held for review, not failed at the limit.
    expect(file, file?.error ?? run.stderr).toMatchObject({
      outcome: 'review_required',
      ocr: { pages: 1 },
    });
    expect(
      (file as unknown as { content: { identity: { expediente: string } } }).content.identity.expediente,
    ).toBe(OTHER_PATIENT.expediente);
    // What the test stands on: the page was read more than once, its readings together past the limit.
    const count = fs.readFileSync(readings, 'utf8').trim().split('\n').length;
    expect(count * READING_WAIT_SECONDS).toBeGreaterThan(PAGE_LIMIT_SECONDS);
  });
});
