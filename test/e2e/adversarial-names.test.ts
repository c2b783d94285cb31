import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import type { JsonReport } from '../support/ingest-fixture.js';

/**
 * Names a real hospital export holds, through `patients import` and `ingest` of the built CLI: each file
 * lands where the matcher's safety rules say (attach only when sure, otherwise review), never on a
 * relative or a neighbour's expediente.
 */
const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000300001,TREVIÑO,CANTÚ,ROBERTO,1960-01-01,M',
  '3000300002,TREVIÑO,CANTÚ,ROBERTO JR,1990-01-01,M',
  '3000200001,GARZA,LEAL,JUAN PABLO,2010-05-05,M',
  '3000200002,GARZA,LEAL,JUAN CARLOS,2010-05-05,M',
  '3000600002,ZAMBRANO,MONTEMAYOR,JOSÉ MARÍA,1967-01-01,M',
  // A name common in this registry, and one of its patients with a zero-padded expediente.
  '3000100002,MUÑOZ,PEÑA,MARÍA,1981-01-01,F',
  '3000700001,HERNÁNDEZ,GARCÍA,JOSÉ,1950-01-01,M',
  '3000700002,HERNÁNDEZ,GARCÍA,JOSÉ,1951-01-01,M',
  '3000700003,HERNÁNDEZ,GARCÍA,JOSÉ,1952-01-01,M',
  '0030007004,HERNÁNDEZ,GARCÍA,JOSÉ,1953-01-01,M',
  // GUADALUPE alone is given to both sexes; the registry says this one is a man.
  '3000900001,HERNÁNDEZ,LÓPEZ,GUADALUPE,1975-01-01,M',
  '3000900005,DE LA GARZA,TREVIÑO,JUAN CARLOS,1985-01-01,M',
];

/** File name → what the run must do with it: the expediente it attaches to, or review on that expediente. */
const CASES: Array<[filename: string, outcome: 'ingested' | 'review_required', expediente: string]> = [
  // The son's name on his father's expediente: a slip of the clerk between father and son, never the father's.
  ['3000300001_TREVIÑO CANTU, ROBERTO JUNIOR_CONS.pdf', 'review_required', '3000300001'],
  // The son, his suffix written another way.
  ['3000300002_TREVIÑO CANTU, ROBERTO JR._LAB.pdf', 'ingested', '3000300002'],
  // Twins one digit apart: JUAN fits both, so the expediente alone would decide, and one slip picks the other.
  ['3000200001_GARZA LEAL, JUAN_CONS.pdf', 'review_required', '3000200001'],
  ['3000200002_GARZA LEAL, JUAN CARLOS_LAB.pdf', 'ingested', '3000200002'],
  // Nobody called José María goes by María: his sister's document, with his expediente.
  ['3000600002_ZAMBRANO MONTEMAYOR, MARIA_CONS.pdf', 'review_required', '3000600002'],
  ['3000600002_ZAMBRANO MONTEMAYOR, JOSE MA._LAB.pdf', 'ingested', '3000600002'],
  // The zeros a spreadsheet dropped: the registered JOSE's, not a new patient with a common name.
  ['30007004_HERNANDEZ GARCIA, JOSE_CONS.pdf', 'review_required', '0030007004'],
  // …and somebody else's name under that number: the registry holds it, so no second patient under it.
  ['30007004_RAMOS LUNA, PEDRO_LAB.pdf', 'review_required', '0030007004'],
  // Ñ typed NI on a keyboard without it, and Ñ decomposed as a Mac writes file names: the same patient.
  ['3000100002_MUNIOZ PENIA, MARIA_CONS.pdf', 'ingested', '3000100002'],
  ['3000100002_MUN\u0303OZ PEN\u0303A, MARI\u0301A_LAB.pdf', 'ingested', '3000100002'],
  // …and under an expediente the registry does not hold: the registered MUÑOZ PEÑA is a reviewer's question.
  ['3000199999_MUNIOZ PENIA, MARIA_RX.pdf', 'review_required', '3000100002'],
  // MARÍA GUADALUPE is a woman: on a man registered as GUADALUPE, his sister's document as likely as his.
  ['3000900001_HERNANDEZ LOPEZ, MA GUADALUPE_CONS.pdf', 'review_required', '3000900001'],
  ['3000900001_HERNANDEZ LOPEZ, JOSE GUADALUPE_LAB.pdf', 'ingested', '3000900001'],
  // Without JUAN and without the materno, what is left is his father's name (a CARLOS) as much as his.
  ['3000900005_DE LA GARZA, CARLOS_CONS.pdf', 'review_required', '3000900005'],
  ['3000900005_DE LA GARZA TREVIÑO, CARLOS_LAB.pdf', 'ingested', '3000900005'],
];

describe('ingest of adversarial names against a real registry', { tags: ['slow'] }, () => {
  let cwd: string;
  let report: JsonReport;

  beforeAll(async () => {
    cwd = createTempDir('tecsalud-adversarial-names-');
    fs.writeFileSync(path.join(cwd, 'registry.csv'), REGISTRY.join('\n') + '\n');
    const drop = path.join(cwd, 'drop');
    fs.mkdirSync(drop);
    for (const [index, [filename]] of CASES.entries()) {
      // Each text its own, so no two files are one content; none names the patient, so only the name decides.
      const text = `NOTA MEDICA ${index}\n\nPaciente estable, sin cambios en el tratamiento (${index}).`;
      fs.writeFileSync(
        path.join(drop, filename),
        await makeTextPdf([text], { title: 'NOTA', date: '2026-11-02' }),
      );
    }
    const env = { TECSALUD_DB: path.join(cwd, 'registry.db') };
    const imported = await runCli(['patients', 'import', 'registry.csv'], { cwd, env });
    expect(imported.code, imported.stderr).toBe(0);
    const run = await runCli(['ingest', 'drop', '--json', '--non-interactive'], { cwd, env });
    expect(run.stderr).not.toMatch(/\n\s+at /);
    report = JSON.parse(run.stdout) as JsonReport;
  }, 120_000);

  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it.each(CASES)('%s → %s (%s)', (filename, outcome, expediente) => {
    const file = report.files.find((f) => f.filename === filename);
    expect(file, JSON.stringify(report.files.map((f) => f.filename))).toBeDefined();
    expect({ outcome: file!.outcome, expediente: file!.match?.patient_expediente }).toEqual({
      outcome,
      expediente,
    });
  });
});
