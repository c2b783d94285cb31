import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Paths as IT staff set them up on a new server, through the built CLI: the archive or quarantine folder
 * that is the drop folder under another name, the upload folder that cannot be written, a `~` no shell
 * expanded.
 */

const SOME = [
  '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf',
  '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf',
  'RIOS CORONADO CESAR CONS.pdf',
];

let cwd: string;
beforeEach(() => {
  cwd = createTempDir('tecsalud-paths-');
  fs.mkdirSync(path.join(cwd, 'drop'));
  for (const name of SOME) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(cwd, 'drop', name));
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
  runCli(args, { cwd, env: { TECSALUD_DB: '', ...env } });

function expectRefusal(result: RunResult, code: number, message: RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^hint: /m);
  expect(result.code).toBe(code);
}

describe('an archive or quarantine folder that is the drop folder under another name', { tags: ['slow'] }, () => {
  it.each([
    ['--archive-dir', 'a link to DIR', (dir: string) => (fs.symlinkSync('drop', path.join(cwd, 'arch')), ['ingest', dir, '--archive-dir', 'arch'])],
    ['--quarantine-dir', 'a link to DIR', (dir: string) => (fs.symlinkSync('drop', path.join(cwd, 'quar')), ['ingest', dir, '--quarantine-dir', 'quar'])],
    ['--archive-dir', 'DIR through a link', () => (fs.symlinkSync('drop', path.join(cwd, 'incoming')), ['ingest', 'incoming', '--archive-dir', 'drop/archived'])],
  ])('%s as %s is refused before anything is moved, and no file is lost', async (flag, _how, args) => {
    const result = await run([...args('drop'), '--non-interactive', '--json']);
    expectRefusal(result, ExitCode.Usage, new RegExp(`error: ${flag} .* is inside the folder being ingested`));
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { exit_code: ExitCode.Usage } });
    expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
  });
});
