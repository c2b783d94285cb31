import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { importedRegistry, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * A file whose page 3 is another patient's lab sheet headed `Nombre: LOPEZ HERNANDEZ ROSA`: only
 * `Paciente:`-like labels counted as a second patient, so the file was attached to the filename's patient
 * with ROSA's results in it. `match PATH` and `ingest` hold it, and say why in English and Spanish.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000100001,GARZA,TIJERINA,MARIA ESTHER,1935-03-23,F',
  '3000100004,LOPEZ,HERNANDEZ,ROSA,1988-01-30,F',
];
const MIXED = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000054_CONS.pdf';
const CLEAN = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000055_CONS.pdf';
const FIRST_PAGE = 'NOTA DE CONSULTA\nPaciente: GARZA TIJERINA, MARIA ESTHER\nDiagnóstico: cefalea.';

describe('a bare Nombre: atop a later page that names another patient', () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-later-page-name-', REGISTRY);
    const drop = path.join(workspace.cwd, 'drop');
    fs.mkdirSync(drop);
    const meta = { title: 'nota', date: '2024-03-12' };
    fs.writeFileSync(
      path.join(drop, MIXED),
      await makeTextPdf(
        [
          FIRST_PAGE,
          'Evolución favorable.',
          'RESULTADOS DE LABORATORIO\nNombre: LOPEZ HERNANDEZ ROSA        Fecha: 12/03/2024\nGlucosa 95 mg/dL',
        ],
        meta,
      ),
    );
    // The same patient's name again on page 2 (written otherwise), a relative's under its role, and the
    // signature block atop a short page 3: no one new.
    fs.writeFileSync(
      path.join(drop, CLEAN),
      await makeTextPdf(
        [
          FIRST_PAGE,
          'RESULTADOS DE LABORATORIO\nNombre: MA. ESTHER GARZA TIJERINA\nGlucosa 95 mg/dL\n' +
            'DATOS DEL FAMILIAR RESPONSABLE\nNombre: LOPEZ HERNANDEZ ROSA\nParentesco: nieta',
          'Plan: control en dos semanas.\n_______________\nNombre: JUAN PEREZ LOPEZ   Cédula: 1234567\nMédico Internista',
        ],
        meta,
      ),
    );
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match PATH holds the mixed file, naming the other patient, and passes the clean one', async () => {
    const run = await runCli(['match', `drop/${MIXED}`, `drop/${CLEAN}`, '--json'], workspace);
    expect(run.code, run.stderr).toBe(0);
    const [mixed, clean] = JSON.parse(run.stdout) as {
      decision: string;
      reason: string;
      content: { verdict: string };
    }[];
    expect(mixed).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
    expect(mixed!.content.verdict).toBe('contradicts');
    expect(clean).toMatchObject({ decision: 'auto' });
    expect(clean!.content.verdict).toBe('agrees');

    const [english, spanish] = await Promise.all([
      runCli(['match', `drop/${MIXED}`, '--lang', 'en'], workspace),
      runCli(['match', `drop/${MIXED}`, '--lang', 'es'], workspace),
    ]);
    expect(english.stdout).toContain(
      '· the document also names another patient (LOPEZ HERNANDEZ ROSA): pages of two patients?',
    );
    expect(spanish.stdout).toContain(
      '· el documento nombra también a otro paciente (LOPEZ HERNANDEZ ROSA): ¿páginas de dos pacientes?',
    );
  });

  it('ingest attaches the clean file and holds the mixed one for review', async () => {
    const run = await runCli(['ingest', 'drop', '--non-interactive', '--json'], workspace);
    expect(run.code, run.stderr).toBe(2);
    const files = (JSON.parse(run.stdout) as { files: { filename: string; outcome: string }[] }).files;
    expect(files.find((f) => f.filename === MIXED)?.outcome).toBe('review_required');
    expect(files.find((f) => f.filename === CLEAN)?.outcome).toBe('ingested');
  });
});
