// A misspelled TECSALUD_* variable in a cron line or a systemd unit (the built CLI): said on stderr, in the
// reader's language, with what was meant; the run goes on as before (a warning, not a refusal).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

let cwd: string;
beforeAll(() => {
  cwd = createTempDir('tecsalud-unknown-variables-');
  fs.mkdirSync(path.join(cwd, 'drop'));
  const name = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
  fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(cwd, 'drop', name));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv) =>
  runCli(args, { cwd, env: { TECSALUD_DB: path.join(cwd, 'registry.db'), LANG: 'C', LC_ALL: '', ...env } });

describe('a TECSALUD_* variable the tool does not read', () => {
  it('is named on stderr with the variable or flag it looks like, and the command still runs', async () => {
    const dryRun = await run(['ingest', 'drop', '--dry-run', '--json'], {
      TECSALUD_CONCURENCY: '4',
      TECSALUD_EMBEDER: 'openai',
    });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toBeTypeOf('object');
    expect(dryRun.stderr).toContain(
      'warning: TECSALUD_CONCURENCY is not a variable tecsalud-batch reads: it is ignored (no variable sets it: did you mean the flag --concurrency?)',
    );
    expect(dryRun.stderr).toContain(
      'warning: TECSALUD_EMBEDER is not a variable tecsalud-batch reads: it is ignored (did you mean TECSALUD_EMBEDDER?)',
    );

    const spanish = await run(['ingest', 'drop', '--dry-run'], {
      TECSALUD_EMBEDER: 'openai',
      LANG: 'es_MX.UTF-8',
    });
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(spanish.stderr).toContain(
      'aviso: TECSALUD_EMBEDER no es una variable que tecsalud-batch lea: se ignora (¿quiso decir TECSALUD_EMBEDDER?)',
    );

    const quiet = await run(['ingest', 'drop', '--dry-run'], {});
    expect(quiet.stderr).not.toMatch(/TECSALUD_/);
  }, 60_000);

  it('is listed by doctor as a warning that leaves it healthy', async () => {
    const doctor = await run(['doctor', '--json', '--timeout', '5'], { TECSALUD_OCR_ENGIN: 'tesseract' });
    const report = JSON.parse(doctor.stdout) as {
      checks: { name: string; status: string; detail: string }[];
    };
    expect(report.checks).toContainEqual({
      name: 'environment',
      status: 'warn',
      detail: 'TECSALUD_OCR_ENGIN is not read (ignored): did you mean TECSALUD_OCR_ENGINE?',
    });
    const spanish = await run(['doctor', '--timeout', '5', '--lang', 'es'], {
      TECSALUD_OCR_ENGIN: 'tesseract',
    });
    expect(spanish.stdout).toMatch(
      /^AVISO +entorno +TECSALUD_OCR_ENGIN no se lee \(se ignora\): ¿quiso decir TECSALUD_OCR_ENGINE\?$/m,
    );
  }, 60_000);
});
