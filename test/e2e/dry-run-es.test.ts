import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { NAME_ONLY_FILE, REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';

const ATTACHES = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const MISNAMED = 'RIOS CORONADO CESAR CONS.pdf';

/** `ingest --dry-run` in Spanish, as a records administrator checks a drop before the night's run (the built CLI). */
describe('ingest --dry-run --lang es', () => {
  let dir: string;
  beforeAll(async () => {
    dir = createTempDir('tecsalud-dry-run-es-');
    fs.mkdirSync(path.join(dir, 'drop'));
    for (const file of [ATTACHES, NAME_ONLY_FILE, MISNAMED])
      fs.copyFileSync(path.join(SAMPLE_DIR, file), path.join(dir, 'drop', file));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says for each file, in words, what the run would do and why', async () => {
    const [spanish, english] = await Promise.all([
      runCli(['ingest', 'drop', '--db', 'r.db', '--dry-run', '--lang', 'es'], { cwd: dir }),
      runCli(['ingest', 'drop', '--db', 'r.db', '--dry-run', '--lang', 'en'], { cwd: dir }),
    ]);
    // The misnamed file would fail the run; the plan, made, exits 0.
    expect(spanish.code, spanish.stderr).toBe(0);
    expect(english.code, english.stderr).toBe(0);
    expect(spanish.stdout).toContain(
      `se asociaría    ${ATTACHES}  mismo expediente y nombre (exact_id_and_name, confianza 1.000)\n`,
    );
    expect(spanish.stdout).toMatch(
      new RegExp(
        `^a revisión {6}${NAME_ONLY_FILE} {2}el nombre coincide; el expediente no está en el registro \\(name_only_match, confianza 0\\.\\d{3}\\)$`,
        'm',
      ),
    );
    expect(spanish.stdout).toContain(
      `nombre inválido ${MISNAMED}  no hay separadores '_': se esperan el expediente`,
    );
    // English keeps its codes, as scripts written against it read them.
    expect(english.stdout).toContain(`auto          ${ATTACHES}  exact_id_and_name (1)\n`);
    // One misnamed file in the singular (it read "1 have invalid names"), as the Spanish already said it.
    expect(english.stdout).toMatch(
      /^Dry run: 1 would attach, 1 would wait for review, 0 would create a patient, 1 has an invalid name\. Nothing was written\.$/m,
    );
    expect(spanish.stdout).toMatch(/, 1 tiene un nombre inválido\. No se escribió nada\.$/m);
  });

  it('says how many files the run would leave for the next one, instead of planning part of the folder as if it were all', async () => {
    const [spanish, english, json] = await Promise.all([
      runCli(['ingest', 'drop', '--db', 'r.db', '--dry-run', '--max-files', '1', '--lang', 'es'], {
        cwd: dir,
      }),
      runCli(['ingest', 'drop', '--db', 'r.db', '--dry-run', '--max-files', '1', '--lang', 'en'], {
        cwd: dir,
      }),
      runCli(['ingest', 'drop', '--db', 'r.db', '--dry-run', '--max-files', '1', '--json'], { cwd: dir }),
    ]);
    expect(spanish.code, spanish.stderr).toBe(0);
    // As in the run, the misnamed file takes no place in --max-files: of the two others, one waits.
    expect(spanish.stdout).toMatch(
      /^Simulación: .*; 1 quedaría para la siguiente ejecución \(se alcanzó --max-files; no listado\)\. No se escribió nada\.$/m,
    );
    expect(english.stdout).toMatch(
      /^Dry run: .*; 1 over --max-files, left for the next run \(not listed\)\. Nothing was written\.$/m,
    );
    const plan = JSON.parse(json.stdout) as {
      counts: { deferred: number; invalid: number };
      files: { path: string; plan: string; error?: string }[];
    };
    expect(plan.counts).toMatchObject({ deferred: 1, invalid: 1 });
    // The JSON lists it, in the words the run records it with: every file of the folder ends in a known state.
    const deferred = plan.files.filter((f) => f.plan === 'deferred');
    expect(deferred).toEqual([
      {
        path: expect.any(String),
        plan: 'deferred',
        error: 'over the limit of 1 file that needs work per session (--max-files); run again to ingest it',
      },
    ]);
    // The screens count it in the closing line, and list no row for it.
    expect(english.stdout).not.toContain(deferred[0]!.path);
    // The run of the same folder leaves as many for the next one.
    const ran = await runCli(
      [
        'ingest',
        'drop',
        '--db',
        'r.db',
        '--max-files',
        '1',
        '--type',
        'complete',
        '--non-interactive',
        '--json',
      ],
      { cwd: dir },
    );
    expect(JSON.parse(ran.stdout)).toMatchObject({ deferred: plan.counts.deferred });
    const left = (
      JSON.parse(ran.stdout) as { files: { path: string; outcome: string; error: string }[] }
    ).files.find((f) => f.outcome === 'deferred');
    expect(left).toMatchObject({ path: deferred[0]!.path, error: deferred[0]!.error });
  });
});
