import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import {
  importedRegistry,
  matchDecisions,
  writeUnnamedNotes,
  type RegistryWorkspace,
} from '../support/registry-workspace.js';

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
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-compound-surnames-', REGISTRY);
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match --json finds the registered person under a new expediente, and attaches under hers', async () => {
    const results = await matchDecisions<MatchJson>(
      workspace,
      CASES.map(([filename]) => filename),
    );
    expect(results.map((r) => [r.filename, r.decision, r.patient?.expediente])).toEqual(CASES);
  });

  it('ingest --dry-run plans the same', async () => {
    await writeUnnamedNotes(
      path.join(workspace.cwd, 'drop'),
      CASES.map(([filename]) => filename),
    );
    const run = await runCli(['ingest', 'drop', '--dry-run', '--json', '--non-interactive'], workspace);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(run.stdout) as DryRunJson;
    const planned = CASES.map(([filename]) => report.files.find((f) => f.path === filename));
    expect(planned.map((f) => [f?.path, f?.plan, f?.patient_expediente])).toEqual(CASES);
  }, 60_000);
});
