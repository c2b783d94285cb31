import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProgram } from '../../src/cli.js';
import { ExitCode, UserError } from '../../src/errors.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

let cwd: string;
let missing: string;
beforeEach(() => {
  cwd = createTempDir('tecsalud-missing-');
  missing = path.join(cwd, 'mistyped.db');
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

async function run(args: string[]) {
  const capture = captureIo();
  const code = await runProgram(['node', 'tecsalud-batch', ...args], {
    cwd,
    env: {},
    io: capture.io,
    stdin: process.stdin,
  }).catch((error: unknown) => error);
  return { code, stdout: capture.stdout() };
}

describe('a --db that does not exist', () => {
  it.each([
    ['patients', 'list'],
    ['patients', 'show', '3000768077'],
    ['patients', 'search', 'GARZA'],
    ['match', '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf'],
    ['status'],
    ['sessions'],
    ['review', '--json'],
    ['cleanup', '--older-than', '7d'],
    ['search', 'biometría'],
  ])('is an error with a hint for `%s …`, and is not created', async (...args) => {
    const { code } = await run([...args, '--db', missing]);
    expect(code).toBeInstanceOf(UserError);
    const error = code as UserError;
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toBe(`the database '${missing}' does not exist`);
    expect(error.hint).toMatch(/patients import/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('is reported by doctor as a failed check (exit 64, never "Healthy"), and not created', async () => {
    const { code, stdout } = await run(['doctor', '--db', missing]);
    expect(code).toBe(ExitCode.Usage);
    expect(stdout).toMatch(/^FAIL {2}database +the database '.*mistyped\.db' does not exist \(check --db/m);
    expect(stdout).not.toMatch(/^Healthy/m);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('is read as an empty registry by ingest --dry-run, which writes nothing', async () => {
    const { code, stdout } = await run(['ingest', SAMPLE_DIR, '--dry-run', '--json', '--db', missing]);
    // Planned, not refused: the sample's misnamed, empty and non-PDF files are in its counts, and it exits 0.
    expect(JSON.parse(stdout)).toMatchObject({ dry_run: true, counts: { invalid: 1, failed: 2 } });
    expect(code).toBe(ExitCode.Success);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('is created by patients import, the command that builds a registry', async () => {
    fs.writeFileSync(
      path.join(cwd, 'registry.csv'),
      'expediente,nombre_completo\n3000768077,"HUERTA SOTO, GABRIELA"\n',
    );
    expect((await run(['patients', 'import', 'registry.csv', '--db', missing])).code).toBe(ExitCode.Success);
    expect(fs.existsSync(missing)).toBe(true);
    expect((await run(['patients', 'show', '3000768077', '--json', '--db', missing])).code).toBe(
      ExitCode.Success,
    );
  });
});
