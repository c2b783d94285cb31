import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import {
  createWorkspace,
  importSampleRegistry,
  SAMPLE_DIR,
  type Workspace,
} from '../support/ingest-fixture.js';
import { makeHeaderPdf, OTHER_PATIENT, scanFilename } from '../support/scans.js';

/** The README's `match` examples, as a records administrator runs them: in the words and dates of the screens. */
describe('match tells what differs', { tags: ['slow'] }, () => {
  let workspace: Workspace;
  beforeAll(async () => {
    workspace = createWorkspace({ copySample: false });
    await importSampleRegistry(workspace);
  });
  afterAll(() => workspace?.cleanup());

  const name = '3000899337_MARTÍNEZ MEJÍA, FCO. JAVIER_6736522655_ALTA.pdf';
  const run = (lang: string, filename = name) =>
    runCli(['match', filename, '--db', workspace.db, '--lang', lang], {
      cwd: workspace.root,
      env: { TECSALUD_DB: '' },
    });

  it('in English and in Spanish (it read "FRANCISCO JAVIER vs FRANCISCO JAVIER")', async () => {
    const [en, es] = await Promise.all([run('en'), run('es')]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('· nombres: abbreviation expanded (FCO JAVIER vs FRANCISCO JAVIER)');
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain('· nombres: abreviado (FCO JAVIER frente a FRANCISCO JAVIER)');
  });

  it('the birth date the document states, day first in Spanish (it read 1963-08-04 above 04/08/1963)', async () => {
    const pdf = path.join(SAMPLE_DIR, '3000312954_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_EMER.pdf');
    const [en, es] = await Promise.all([run('en', pdf), run('es', pdf)]);
    expect(en.stdout).toMatch(/^ {4}nacimiento 1963-08-04$/m);
    expect(es.stdout).toMatch(/^ {4}nacimiento 04\/08\/1963$/m);
    // Its filename's expediente is nobody's: the document agrees with the filename, and tells against the
    // same-named candidate under another expediente.
    expect(es.stdout).toContain('contenido  COINCIDE (agrees)');
    expect(es.stdout).toContain(
      '· la fecha de nacimiento del documento, 04/08/1963, no es la del candidato 3000899337 (11/07/1956)',
    );
  });

  it('a path with no file at it is said to be one (a mistyped path was judged by its name in silence)', async () => {
    const mistyped = path.join('entrada', name);
    const [en, es] = await Promise.all([run('en', mistyped), run('es', mistyped)]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain(
      `  content    not read: there is no file at '${mistyped}': the filename alone was judged (check the path)\n`,
    );
    expect(es.stdout).toContain(
      `  contenido  no se leyó: no hay ningún archivo en '${mistyped}': se juzgó solo el nombre del archivo (revise la ruta)\n`,
    );
    // A bare filename is a name, not a path: nothing is said of a file.
    expect((await run('en')).stdout).not.toContain('not read');
  });

  it('why a document the filename alone would attach is held, every line in Spanish', async () => {
    // Filed under GABRIELA HUERTA SOTO (auto by its name alone), the note names CESAR RIOS CORONADO.
    const pdf = path.join(workspace.root, scanFilename('7200000001'));
    fs.writeFileSync(
      pdf,
      await makeHeaderPdf([
        'TECSALUD  NOTA DE CONSULTA',
        `Paciente: ${OTHER_PATIENT.name}  Expediente: ${OTHER_PATIENT.expediente}`,
      ]),
    );
    const [en, es] = await Promise.all([run('en', pdf), run('es', pdf)]);
    expect(en.stdout).toContain("· named by the document's own text");
    expect(en.stdout).toContain("· the filename's decision (auto) goes to review");
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain('· nombrado por el propio texto del documento');
    expect(es.stdout).toContain(
      '· solo por el nombre del archivo se asignaba automáticamente (auto): pasa a revisión',
    );
    expect(es.stdout).not.toMatch(/named by|goes to review/);
  });
});
