import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

/**
 * Issue 3: compound surnames that the filename cuts at the connector Y, and the registry elsewhere. Under
 * an expediente the registry does not hold, the registered person is a reviewer's question, never a new
 * (duplicate) patient; under the registered expediente, the file is attached.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '4000000002,VILLASEÑOR,DE LA PEÑA Y SALDÍVAR,JORGE ALBERTO,1980-01-01,M',
  '4000000004,DE LA GARZA,TREVIÑO Y LEAL,ANA SOFÍA,1970-01-01,F',
  '4000000006,GARZA,TIJERINA LEAL,LUCÍA,1970-01-01,F',
];

const CASES: Array<[filename: string, decision: 'auto' | 'review', expediente: string]> = [
  ['4000009992_VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE ALBERTO_CONS.pdf', 'review', '4000000002'],
  ['4000000002_VILLASEÑOR DE LA PEÑA Y SALDÍVAR, JORGE ALBERTO_LAB.pdf', 'auto', '4000000002'],
  ['4000009994_DE LA GARZA TREVIÑO Y LEAL, ANA SOFÍA_CONS.pdf', 'review', '4000000004'],
  ['4000009996_GARZA-TIJERINA LEAL, LUCÍA_CONS.pdf', 'review', '4000000006'],
];

interface MatchJson {
  filename: string;
  decision: string;
  reason: string;
  patient: { expediente: string } | null;
}

interface DryRunJson {
  files: Array<{ path: string; plan: string; patient_expediente: string | null }>;
}

describe('compound surnames cut differently by the filename and the registry', { tags: ['slow'] }, () => {
  let cwd: string;
  const env = () => ({ TECSALUD_DB: path.join(cwd, 'registry.db') });

  beforeAll(async () => {
    cwd = createTempDir('tecsalud-compound-surnames-');
    fs.writeFileSync(path.join(cwd, 'registry.csv'), REGISTRY.join('\n') + '\n');
    const imported = await runCli(['patients', 'import', 'registry.csv'], { cwd, env: env() });
    expect(imported.code, imported.stderr).toBe(0);
  }, 60_000);

  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('match --json finds the registered person under a new expediente, and attaches under hers', async () => {
    const run = await runCli(['match', ...CASES.map(([filename]) => filename), '--json'], {
      cwd,
      env: env(),
    });
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as MatchJson[];
    expect(results.map((r) => [r.filename, r.decision, r.patient?.expediente])).toEqual(CASES);
  });

  it('ingest --dry-run plans the same', async () => {
    const drop = path.join(cwd, 'drop');
    fs.mkdirSync(drop);
    for (const [index, [filename]] of CASES.entries()) {
      // No name in the text: only the filename decides.
      const text = `NOTA MEDICA ${index}\n\nPaciente estable (${index}).`;
      fs.writeFileSync(
        path.join(drop, filename),
        await makeTextPdf([text], { title: 'NOTA', date: '2026-11-02' }),
      );
    }
    const run = await runCli(['ingest', 'drop', '--dry-run', '--json', '--non-interactive'], {
      cwd,
      env: env(),
    });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(run.stdout) as DryRunJson;
    const planned = CASES.map(([filename]) => report.files.find((f) => f.path === filename));
    expect(planned.map((f) => [f?.path, f?.plan, f?.patient_expediente])).toEqual(CASES);
  }, 60_000);
});
