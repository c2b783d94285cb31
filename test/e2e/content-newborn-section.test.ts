import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { importedRegistry, type RegistryWorkspace } from '../support/registry-workspace.js';

/**
 * A mother's postpartum note lists her baby's data under `DATOS DEL RECIÉN NACIDO`. The baby's birth date and
 * sex were read as the mother's, and every such note went to review saying her birth date is not hers and she
 * is not a woman. The newborn's own sheet, misfiled under the mother, is still held.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000100001,GARZA,TIJERINA,MARIA ESTHER,1995-03-23,F',
];
const POSTPARTUM = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000030_HOSP.pdf';
const NEWBORN = '3000100001_GARZA TIJERINA, MARIA ESTHER_6001000031_HOSP.pdf';

describe("a newborn's section in its mother's note", () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-newborn-section-', REGISTRY);
    const meta = { title: 'nota', date: '2024-03-02' };
    fs.writeFileSync(
      path.join(workspace.cwd, POSTPARTUM),
      await makeTextPdf(
        [
          'NOTA POSTPARTO\nPaciente: GARZA TIJERINA, MARIA ESTHER   Expediente: 3000100001\n' +
            'DATOS DEL RECIÉN NACIDO\nSexo: Masculino   Peso: 3200 g   Fecha de nacimiento: 02/03/2024\n' +
            'Evolución: puerperio inmediato sin complicaciones.',
        ],
        meta,
      ),
    );
    fs.writeFileSync(
      path.join(workspace.cwd, NEWBORN),
      await makeTextPdf(
        [
          'HOJA DEL RECIÉN NACIDO\nPaciente: RN GARZA TIJERINA\n' +
            'Nombre de la madre: GARZA TIJERINA, MARIA ESTHER\nFecha de nacimiento: 02/03/2024   Sexo: M',
        ],
        meta,
      ),
    );
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match PATH attaches the mother her note and holds the newborn sheet, in English and Spanish', async () => {
    const run = await runCli(['match', POSTPARTUM, NEWBORN, '--json'], workspace);
    expect(run.code, run.stderr).toBe(0);
    const [postpartum, newborn] = JSON.parse(run.stdout) as {
      decision: string;
      reason: string;
      content: { verdict: string };
    }[];
    expect(postpartum).toMatchObject({ decision: 'auto', content: { verdict: 'agrees' } });
    expect(newborn).toMatchObject({ decision: 'review', reason: 'content_mismatch' });

    const [english, spanish] = await Promise.all([
      runCli(['match', POSTPARTUM, '--lang', 'en'], workspace),
      runCli(['match', POSTPARTUM, '--lang', 'es'], workspace),
    ]);
    expect(english.stdout).toMatch(/decision +AUTO .*exact_id_and_name/);
    expect(english.stdout).not.toContain("the document's sex M");
    expect(spanish.stdout).toMatch(/decisión +ASIGNACIÓN AUTOMÁTICA/);
    expect(spanish.stdout).not.toContain('el sexo del documento');
  });
});
