// Stopping a run while a scan is being OCR'd, through the built CLI: a scan's OCR may take up to the per-file
// limit (10 minutes), which neither an operator's Ctrl-C nor a service manager's SIGTERM waits for. The
// tesseract here hangs (as a long scan's pages would keep it busy) once it has told the test it started.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { hasNativeOcr, makeSmallScan, scanFilename } from '../support/scans.js';
import { apiClient, createToken, startServe } from './support/serve-cli.js';

let root: string;
let db: string;
let drop: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-ocr-interrupt-');
  db = path.join(root, 'registry.db');
  drop = path.join(root, 'drop');
  fs.mkdirSync(drop);
  fs.writeFileSync(path.join(drop, scanFilename('6200000001')), await makeSmallScan(21));
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * A `tesseract` first on PATH (in `root/dir`) that runs the real one, except on a page (read from stdin): then it
 * touches `started` and hangs as `sleep SECONDS.PID` (`hung`, a name the test can look for among processes).
 */
function hangingTesseract(dir: string, seconds: number): { bin: string; started: string; hung: string } {
  const bin = path.join(root, dir);
  const started = path.join(root, `${dir}-tesseract-started`);
  const hung = `sleep ${seconds}.${process.pid}`;
  const real = execFileSync('sh', ['-c', 'command -v tesseract']).toString().trim();
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'tesseract'),
    `#!/bin/sh\nif [ "$1" = stdin ]; then : > "${started}"; exec ${hung}; fi\nexec "${real}" "$@"\n`,
    { mode: 0o755 },
  );
  return { bin, started, hung };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(hasNativeOcr)("SIGTERM while a scan is being OCR'd", { tags: ['slow'] }, () => {
  it('stops the run at once, leaves the scan pending, and the next run reads it', async () => {
    const { bin, started, hung } = hangingTesseract('bin', 598);
    const run = spawnCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
        env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      },
    );
    let stdout = '';
    let stderr = '';
    run.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    run.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => run.on('close', (code) => resolve(code)));
    await until(() => fs.existsSync(started), 'tesseract to start on the scan');

    const signalledAt = Date.now();
    run.kill('SIGTERM');
    const code = await exited;
    // Before, the run waited for the OCR: here the per-page limit (60 s), for a long scan up to 10 minutes.
    expect(Date.now() - signalledAt, stderr).toBeLessThan(15_000);
    expect(code, stderr).toBe(130);
    const report = JSON.parse(stdout) as {
      status: string;
      files: { outcome: string; error: string | null }[];
    };
    expect(report.status).toBe('interrupted');
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      expect(handle.prepare('select processing_status from batch_files').all()).toEqual([
        { processing_status: 'pending' },
      ]);
    } finally {
      handle.close();
    }
    // The hung tesseract went with its OCR child.
    const left = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((line) => line.includes(hung));
    expect(left).toEqual([]);

    const rerun = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
      {
        cwd: root,
        timeoutMs: 120_000,
      },
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    const resumed = JSON.parse(rerun.stdout) as { resumed: boolean; files: { outcome: string }[] };
    expect(resumed.resumed).toBe(true);
    expect(resumed.files.map((file) => file.outcome)).toEqual(['ingested']);
  }, 180_000);
});

describe.runIf(hasNativeOcr)(
  "serve stopped (SIGTERM) while a scan is being OCR'd",
  { tags: ['slow'] },
  () => {
    it('exits at once; the next start reads the scan and finishes the session', async () => {
      const serveDb = path.join(root, 'serve.db');
      const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', serveDb], { cwd: root });
      expect(imported.code, imported.stderr).toBe(0);
      const token = await createToken(serveDb, root);
      const { bin, started } = hangingTesseract('serve-bin', 597);
      const flags = ['--db', serveDb, '--upload-dir', 'uploads', '--quiet', '--ocr-engine', 'tesseract'];
      const server = await startServe(flags, {
        cwd: root,
        env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
      });
      const api = apiClient(server.base, token);
      const sessionId = await api.createSession();
      const name = scanFilename('6200000002');
      expect((await api.upload(sessionId, [{ name, bytes: await makeSmallScan(22) }])).status).toBe(200);
      void api.process(sessionId).catch(() => undefined);
      await until(() => fs.existsSync(started), 'tesseract to start on the scan');
      const signalledAt = Date.now();
      expect(await server.stop()).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(15_000);

      const restarted = await startServe(flags, { cwd: root });
      try {
        const again = apiClient(restarted.base, token);
        const deadline = Date.now() + 120_000;
        let status = await again.status(sessionId);
        while (status.status !== 'completed' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          status = await again.status(sessionId);
        }
        expect(status.files.map((file) => [file.filename, file.outcome])).toEqual([[name, 'ingested']]);
      } finally {
        expect(await restarted.stop()).toBe(0);
      }
    }, 240_000);
  },
);
