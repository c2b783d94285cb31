import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

// 1,001 copies of one document under their own NUMERO: one is ingested, the other 1,000 are duplicates.
const SOURCE = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
const FILES = 1001;

/**
 * A folder of more than a thousand files, as the screens count it (the built CLI): grouped in thousands as Mexico
 * writes them (1,001), in Spanish and in English, while --json and ids keep their digits.
 */
describe('counts of a thousand files and more', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = createTempDir('tecsalud-counts-');
    const drop = path.join(cwd, 'drop');
    fs.mkdirSync(drop);
    for (let i = 1; i <= FILES; i++) {
      fs.copyFileSync(
        path.join(SAMPLE_DIR, SOURCE),
        path.join(drop, `3000147773_BONILLA SEPÚLVEDA, ADRIANA_${6_000_000_000 + i}_CONS.pdf`),
      );
    }
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd })).code).toBe(0);
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('groups them in the dry run, the summary, status and sessions', async () => {
    const plan = await runCli(
      ['ingest', 'drop', '--db', 'r.db', '--dry-run', '--max-files', '2000', '--lang', 'es'],
      { cwd },
    );
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Simulación: 1,001 se asociarían, 0 esperarían revisión');
    // The document numbers in the rows are copied back: never grouped.
    expect(plan.stdout).toContain('_6000001001_CONS.pdf');

    const ingest = await runCli(
      ['ingest', 'drop', '--db', 'r.db', '--non-interactive', '--max-files', '2000', '--lang', 'es'],
      { cwd },
    );
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stdout).toMatch(
      /^ {2}1,001 archivos: 1 ingresado, 1,000 duplicados, 0 en espera de revisión, 0 fallidos$/m,
    );
    expect(ingest.stdout).toMatch(/ — completada en \d+\.\d s/);

    const spanish = await runCli(['status', '--db', 'r.db', '--lang', 'es'], { cwd });
    expect(spanish.stdout).toMatch(/^ {2}archivos {9}1,001\/1,001 procesados, 0 fallidos$/m);
    expect(spanish.stdout).toMatch(/^ {2}duplicados {7}1,000$/m);
    const english = await runCli(['status', '--db', 'r.db', '--lang', 'en'], { cwd });
    expect(english.stdout).toMatch(/^ {2}files {12}1,001\/1,001 processed, 0 failed$/m);
    expect(english.stdout).toMatch(/^ {2}duplicates {7}1,000$/m);

    const sessions = await runCli(['sessions', '--db', 'r.db', '--lang', 'es'], { cwd });
    expect(sessions.stdout).toMatch(/ 1,001\/1,001 archivos {2}0 fallidos {2}0 en revisión /);

    // Programs read the numbers as numbers.
    const json = await runCli(['status', '--db', 'r.db', '--json'], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({
      total_files: 1001,
      processed_files: 1001,
      duplicates: 1000,
    });
  });
});
