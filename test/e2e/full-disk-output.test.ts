import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * stdout redirected to a file on a full disk, as a cron line's `> report.json` meets one (/dev/full: every
 * write fails with ENOSPC), through the built CLI: no stack trace, the work done and recorded, one line that
 * says what was lost, and 74 where the command would have succeeded (a failure keeps its own code).
 */
let root: string;
let db: string;
beforeAll(async () => {
  root = createTempDir('tecsalud-full-output-');
  db = path.join(root, 'registry.db');
  expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root })).code).toBe(0);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function runWithStdoutOnFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const full = fs.openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', LANG: 'C', LC_ALL: '' },
    stdio: ['ignore', full, 'pipe'],
  });
  fs.closeSync(full);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const LOST =
  /^error: could not write the output to stdout \(the disk is full\): the command's work is done and recorded/m;

describe('stdout on a full disk', { tags: ['slow'] }, () => {
  it('ingest --json: the run is recorded whole, its code kept (3: some files failed), one line says the report was lost', async () => {
    const run = await runWithStdoutOnFullDisk([
      'ingest',
      SAMPLE_DIR,
      '--db',
      db,
      '--non-interactive',
      '--json',
    ]);
    expect(run.stderr).toMatch(LOST);
    expect(run.stderr).not.toMatch(/ENOSPC|\n\s+at /);
    expect(run.code).toBe(ExitCode.SomeFailed);
    const status = await runCli(['status', '--db', db, '--json'], { cwd: root });
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'partially_failed', total_files: 23 });
  });

  it('a command that would succeed exits 74, with the line and no stack trace', async () => {
    for (const args of [
      ['patients', 'list', '--db', db],
      ['status', '--db', db, '--json'],
    ]) {
      const run = await runWithStdoutOnFullDisk(args);
      expect(run.code, args.join(' ')).toBe(ExitCode.OutputLost);
      expect(run.stderr.match(new RegExp(LOST.source, 'gm')), args.join(' ')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/ENOSPC|\n\s+at /);
    }
    // Under --lang es the line is Spanish, as every other error of the command.
    const spanish = await runWithStdoutOnFullDisk(['patients', 'list', '--db', db, '--lang', 'es']);
    expect(spanish.code).toBe(ExitCode.OutputLost);
    expect(spanish.stderr).toMatch(
      /^error: no se pudo escribir la salida en stdout \(el disco está lleno\): el trabajo del comando está hecho/m,
    );
  });
});
