import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import {
  importedRegistry,
  writeUnnamedNotes,
  type RegistryWorkspace,
} from '../support/registry-workspace.js';

/**
 * Issue 3's "several documents of one new patient make one new patient", as `ingest --dry-run` tells it:
 * the plan shows each file the patients that the files planned before it would create, as the run does,
 * so three documents of one new patient plan one new patient and two attachments (not three new patients),
 * her name under the next expediente plans an expediente-typo review, and a second name under a new
 * expediente plans a review.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '2900000500,ORDÓÑEZ,VILLALOBOS,JACINTO,1970-01-01,M',
];

/** File name → the new patient it belongs to (its group), or the plan it must get on its own. */
const FILES: Array<[filename: string, expected: string]> = [
  ['2900000001_ÑÚÑEZ ÁVALOS, BRÍGIDA_CONS.pdf', 'brigida'],
  ['2900000001_ÑÚÑEZ ÁVALOS, BRÍGIDA_LAB.pdf', 'brigida'],
  ['2900000001_NUÑEZ AVALOS, BRIGIDA_7000000009_RX.pdf', 'brigida'],
  // Her name one keystroke from her new expediente: the run holds it as an expediente typo.
  ['2900000002_ÑÚÑEZ ÁVALOS, BRÍGIDA_ALTA.pdf', 'review'],
  // Two people under one new expediente: whichever comes first is created, the other waits for a person.
  ['2900000003_QUIROGA LIRA, PEDRO_CONS.pdf', 'shared'],
  ['2900000003_ZEPEDA, ANA_LAB.pdf', 'shared'],
  ['2900000500_ORDOÑEZ VILLALOBOS, JACINTO_CONS.pdf', 'auto'],
];

/** The plans of each group's files, in a fixed order (the files' order in the folder decides which is first). */
function byGroup(plans: Array<string | undefined>): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  FILES.forEach(([, expected], index) => (groups[expected] ??= []).push(plans[index] ?? 'missing'));
  for (const plansOfGroup of Object.values(groups)) plansOfGroup.sort();
  return groups;
}

interface DryRunJson {
  counts: { auto: number; review: number; new: number };
  files: Array<{ path: string; plan: string }>;
}

interface RunJson {
  created_patients: number;
  files: Array<{ path: string; match: { decision: string } | null }>;
}

describe('ingest --dry-run of several documents of one new patient', { tags: ['slow'] }, () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-dry-run-new-patients-', REGISTRY);
    await writeUnnamedNotes(
      path.join(workspace.cwd, 'drop'),
      FILES.map(([filename]) => filename),
    );
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('plans one new patient per new expediente, and the run decides as planned', async () => {
    const dry = await runCli(['ingest', 'drop', '--dry-run', '--json', '--non-interactive'], workspace);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as DryRunJson;
    const planned = FILES.map(([filename]) => plan.files.find((f) => f.path === filename)?.plan);
    expect(byGroup(planned)).toEqual({
      brigida: ['auto', 'auto', 'new'],
      review: ['review'],
      shared: ['new', 'review'],
      auto: ['auto'],
    });
    expect(plan.counts).toMatchObject({ auto: 3, review: 2, new: 2 });

    const run = await runCli(
      ['ingest', 'drop', '--json', '--non-interactive', '--concurrency', '4'],
      workspace,
    );
    expect(run.code, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as RunJson;
    expect(report.created_patients).toBe(2);
    // Files run side by side: which of a group's files comes first may differ, what the group gets may not.
    const decided = FILES.map(([filename]) => report.files.find((f) => f.path === filename)?.match?.decision);
    expect(byGroup(decided)).toEqual(byGroup(planned));
  }, 120_000);
});
