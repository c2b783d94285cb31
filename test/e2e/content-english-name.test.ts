import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { importedRegistry, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * An outside laboratory's report names its patient under a bare `Name:`. Unread, another patient's report
 * stated nobody ("absent") and was attached automatically to the patient of the file it was misfiled under.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000100001,GARZA,TIJERINA,MARIA ESTHER,1935-03-23,F',
  '3000100004,LOPEZ,HERNANDEZ,ROSA,1988-01-30,F',
];
const MISFILED = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000080_LAB.pdf';
const OWN = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000081_LAB.pdf';

function report(name: string): string {
  return [
    'LABORATORY REPORT',
    `Name: ${name}`,
    'Ordering Physician Name: John Smith Brown',
    'Test Name: Complete Blood Count      Collected: 03/12/2024',
    'Glucose 95 mg/dL',
  ].join('\n');
}

describe('an English lab report naming its patient under a bare Name:', () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-english-name-', REGISTRY);
    const drop = path.join(workspace.cwd, 'drop');
    fs.mkdirSync(drop);
    const meta = { title: 'lab', date: '2024-03-12' };
    fs.writeFileSync(path.join(drop, MISFILED), await makeTextPdf([report('LOPEZ HERNANDEZ, ROSA')], meta));
    fs.writeFileSync(path.join(drop, OWN), await makeTextPdf([report('Maria Esther Garza Tijerina')], meta));
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it("match PATH holds another patient's report and passes the patient's own, whose physician and test are no one", async () => {
    const run = await runCli(['match', `drop/${MISFILED}`, `drop/${OWN}`, '--json'], workspace);
    expect(run.code, run.stderr).toBe(0);
    const [misfiled, own] = JSON.parse(run.stdout) as {
      decision: string;
      reason: string;
      content: { verdict: string; identity: { nombre_completo: string | null } };
    }[];
    expect(misfiled).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
    expect(misfiled!.content).toMatchObject({
      verdict: 'contradicts',
      identity: { nombre_completo: 'LOPEZ HERNANDEZ, ROSA' },
    });
    expect(own).toMatchObject({ decision: 'auto', content: { verdict: 'agrees' } });

    const [english, spanish] = await Promise.all([
      runCli(['match', `drop/${MISFILED}`, '--lang', 'en'], workspace),
      runCli(['match', `drop/${MISFILED}`, '--lang', 'es'], workspace),
    ]);
    expect(english.stdout).toContain(
      '· the document names LOPEZ HERNANDEZ, ROSA, clearly another person than GARZA TIJERINA, MARIA ESTHER',
    );
    expect(spanish.stdout).toContain(
      '· el documento nombra a LOPEZ HERNANDEZ, ROSA, claramente otra persona que GARZA TIJERINA, MARIA ESTHER',
    );
  });

  it('ingest holds the misfiled report for review and attaches the own one', async () => {
    const run = await runCli(['ingest', 'drop', '--non-interactive', '--json'], workspace);
    expect(run.code, run.stderr).toBe(2);
    const files = (JSON.parse(run.stdout) as { files: { filename: string; outcome: string }[] }).files;
    expect(files.find((f) => f.filename === MISFILED)?.outcome).toBe('review_required');
    expect(files.find((f) => f.filename === OWN)?.outcome).toBe('ingested');
  });
});
