import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_CHECK_TIMEOUT_MS } from '../../src/app/open-extractor.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * `ingest --extractor pdftotext` and `--ocr-engine tesseract` ask the tool for its version before the first file. A
 * tool that never answers (a wrapper on a network disk that stopped answering) held the run there forever; now the
 * run is refused at the bound as a service that does not answer (69), saying which tool and what to do.
 */
const FILE = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';

describe('a local tool that hangs at the start of a run', { tags: ['slow'] }, () => {
  let root: string;
  let hungPath: string;
  beforeAll(() => {
    root = createTempDir('tecsalud-hung-tool-');
    fs.mkdirSync(path.join(root, 'drop'));
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(root, 'drop', FILE));
    const bin = path.join(root, 'hung-bin');
    fs.mkdirSync(bin);
    for (const tool of ['pdftotext', 'tesseract', 'pdftoppm'])
      fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\nsleep 60 &\nwait\n', { mode: 0o755 });
    hungPath = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is refused at the bound with 69, naming the tool, in English and in Spanish; no file is touched', async () => {
    const run = (args: string[], db: string) => {
      const started = performance.now();
      return runCli(['ingest', 'drop', '--non-interactive', ...args], {
        cwd: root,
        env: { TECSALUD_DB: path.join(root, db), PATH: hungPath },
        timeoutMs: TOOL_CHECK_TIMEOUT_MS + 30_000,
      }).then((result) => ({ ...result, elapsedMs: performance.now() - started }));
    };
    // Side by side: each waits the whole bound.
    const [pdftotext, tesseract] = await Promise.all([
      run(['--extractor', 'pdftotext'], 'a.db'),
      run(['--lang', 'es', '--ocr-engine', 'tesseract'], 'b.db'),
    ]);
    expect(pdftotext.code, pdftotext.stderr).toBe(ExitCode.ServiceUnavailable);
    expect(pdftotext.stderr).toContain(
      `pdftotext did not answer within ${TOOL_CHECK_TIMEOUT_MS / 1000} s (pdftotext -v): the machine may be overloaded, or the program hangs`,
    );
    expect(pdftotext.stderr).toMatch(
      /hint: check that `pdftotext -v` answers in a shell .*--extractor pdfium/,
    );
    expect(pdftotext.stderr).not.toMatch(/\n\s+at /);
    expect(tesseract.code, tesseract.stderr).toBe(ExitCode.ServiceUnavailable);
    expect(tesseract.stderr).toContain(
      `tesseract no respondió en ${TOOL_CHECK_TIMEOUT_MS / 1000} s (tesseract --version, tesseract --list-langs, pdftoppm -v)`,
    );
    expect(tesseract.stderr).toMatch(/sugerencia: compruebe que .* --ocr-engine tesseract\.js/);
    // Waited the bound, not the tool's 60 s.
    for (const result of [pdftotext, tesseract]) {
      expect(result.elapsedMs).toBeGreaterThanOrEqual(TOOL_CHECK_TIMEOUT_MS);
      expect(result.elapsedMs).toBeLessThan(TOOL_CHECK_TIMEOUT_MS + 20_000);
    }
    // The file is still there, for the run that follows once the tool answers.
    expect(fs.existsSync(path.join(root, 'drop', FILE))).toBe(true);
  });
});
