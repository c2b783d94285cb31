// A long scan's OCR as the user sees it, through the built CLI: in a real terminal (tmux) and in a cron log.
// A 30-page scan takes minutes, and a screen that shows the same "extract" all along, or a log that says
// nothing, looks like a run that hangs. Both say the page OCR is reading. Small pages, the native engine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { canRun, hasNativeOcr, joinScans, makeSmallScan, scanFilename } from '../support/scans.js';

const SOCKET = `tecsalud-ocr-progress-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let root: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-ocr-progress-');
  fs.mkdirSync(path.join(root, 'drop'));
  fs.writeFileSync(
    path.join(root, 'drop', scanFilename('6400000001')),
    await joinScans(await Promise.all([41, 42, 43, 44].map((seed) => makeSmallScan(seed)))),
  );
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // Never started, or already gone.
  }
  fs.rmSync(root, { recursive: true, force: true });
});

// Skipped only outside CI when tmux or tesseract is missing; CI installs both.
describe.runIf((hasNativeOcr && canRun('tmux', ['-V'])) || process.env.CI)(
  "the dashboard during a scan's OCR, in a real terminal",
  { tags: ['slow'] },
  () => {
    it('shows the page being read, out of the pages to read, and the file ingested at the end', async () => {
      const exitFile = path.join(root, 'exit');
      const command = [
        `cd ${JSON.stringify(root)}`,
        // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
        `env -u CI -u CONTINUOUS_INTEGRATION node ${JSON.stringify(BIN)} ingest drop --db registry.db --ocr-engine tesseract`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'ingest', '-x', '120', '-y', '30', command);
      const seen: string[] = [];
      const deadline = Date.now() + 120_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline) {
        const line = tmux('capture-pane', '-p', '-t', 'ingest')
          .split('\n')
          .find((row) => row.includes('[OCR page'));
        if (line && seen.at(-1) !== line.trim()) seen.push(line.trim());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
      expect(seen.length, 'no OCR page shown while the scan was read').toBeGreaterThan(0);
      for (const line of seen)
        expect(line).toMatch(
          /^extract {4}\[OCR page [1-4]\/4\] 3000768077_HUERTA SOTO, GABRIELA_6400000001_CONS\.pdf$/,
        );
      expect(tmux('capture-pane', '-p', '-t', 'ingest')).toMatch(/1 file: 1 ingested/);
    }, 180_000);
  },
);

describe.runIf(hasNativeOcr)("a cron log during a long scan's OCR", { tags: ['slow'] }, () => {
  it('says now and then the page being read (every 10 s at most), with no terminal', async () => {
    // Pages that take 5.5 s each, as a full page of small print does on a busy machine: three pass 10 s.
    const bin = path.join(root, 'slow-bin');
    const real = execFileSync('sh', ['-c', 'command -v tesseract']).toString().trim();
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'tesseract'),
      `#!/bin/sh\nif [ "$1" = stdin ]; then sleep 5.5; fi\nexec "${real}" "$@"\n`,
      { mode: 0o755 },
    );
    const drop = path.join(root, 'cron-drop');
    fs.mkdirSync(drop);
    const name = scanFilename('6400000002');
    fs.writeFileSync(
      path.join(drop, name),
      await joinScans(await Promise.all([45, 46, 47].map((seed) => makeSmallScan(seed)))),
    );
    const run = await runCli(
      ['ingest', drop, '--db', 'registry.db', '--non-interactive', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
        env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
        timeoutMs: 120_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`^  OCR of ${name.replace(/[.,]/g, '\\$&')}: page [23] of 3 …$`, 'm'),
    );
  }, 180_000);
});
