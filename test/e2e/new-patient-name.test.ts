import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir, DATABASE_KINDS } from '../support/databases.js';
import { createScratchPostgresDatabase } from '../support/postgres.js';

/**
 * A new patient whose files spell the name differently is created under the name `ingest --dry-run` plans: that
 * of the first of its files in the folder's order, whichever file's text is read first. The first file of each
 * expediente here is a long one, read last when four files run side by side: before, the patient took the name
 * of a short file read before it (and, for a second person under the number, the short file's person).
 */
const FILES: Array<[filename: string, pages: number]> = [
  // One new person, spelt three ways; her first file in the folder's order is the long one.
  ['3000999001_VILLAREAL GARZA, ANA_1_CONS.pdf', 60],
  ['3000999001_VILLARREAL GARZA, ANA_2_LAB.pdf', 1],
  ['3000999001_VILLARREAL GARZA, ANNA_3_RX.pdf', 1],
  // Another given name under her number: a person decides.
  ['3000999001_VILLARREAL GARZA, JORGE_4_ALTA.pdf', 1],
  // Two people under one new number: the first file's is created, the other waits for a person.
  ['3000999002_OCHOA LIRA, PEDRO_1_CONS.pdf', 60],
  ['3000999002_SALINAS, MARTA_2_LAB.pdf', 1],
];

const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '2900000500,ORDÓÑEZ,VILLALOBOS,JACINTO,1970-01-01,M',
];

interface PatientJson {
  apellido_paterno: string;
  apellido_materno: string;
  nombres: string;
}

describe.each(DATABASE_KINDS)('a new patient named by several files (%s)', { tags: ['slow'] }, (kind) => {
  let cwd: string;
  let env: { TECSALUD_DB: string };
  let dropDatabase = async () => undefined as void;

  beforeAll(async () => {
    cwd = createTempDir('tecsalud-new-patient-name-');
    if (kind === 'postgres') {
      const scratch = await createScratchPostgresDatabase();
      env = { TECSALUD_DB: scratch.url };
      dropDatabase = scratch.drop;
    } else env = { TECSALUD_DB: path.join(cwd, 'registry.db') };
    fs.writeFileSync(path.join(cwd, 'registry.csv'), REGISTRY.join('\n') + '\n');
    const imported = await runCli(['patients', 'import', 'registry.csv'], { cwd, env });
    expect(imported.code, imported.stderr).toBe(0);
    const drop = path.join(cwd, 'drop');
    fs.mkdirSync(drop);
    for (const [filename, pages] of FILES) {
      const texts = Array.from({ length: pages }, (_, page) => `NOTA MEDICA ${filename} hoja ${page}`);
      fs.writeFileSync(
        path.join(drop, filename),
        await makeTextPdf(texts, { title: 'NOTA', date: '2026-11-02' }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await dropDatabase().catch(() => undefined);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('takes the name the dry run announces, and holds another person for review', async () => {
    const dry = await runCli(['ingest', 'drop', '--dry-run', '--json', '--non-interactive'], { cwd, env });
    expect(dry.code, dry.stderr).toBe(0);
    const plans = (JSON.parse(dry.stdout) as { files: Array<{ path: string; plan: string }> }).files;
    expect(plans.filter((f) => f.plan === 'new').map((f) => f.path)).toEqual([
      '3000999001_VILLAREAL GARZA, ANA_1_CONS.pdf',
      '3000999002_OCHOA LIRA, PEDRO_1_CONS.pdf',
    ]);

    const run = await runCli(
      [
        'ingest',
        'drop',
        '--json',
        '--non-interactive',
        '--concurrency',
        '4',
        // Names only: no vectors (and so no vector store beside PostgreSQL).
        '--type',
        'complete',
      ],
      {
        cwd,
        env,
      },
    );
    expect(run.code, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as {
      created_patients: number;
      files: Array<{ path: string; outcome: string }>;
    };
    expect(report.created_patients).toBe(2);
    const outcomes = Object.fromEntries(report.files.map((f) => [f.path, f.outcome]));
    expect(outcomes).toEqual({
      '3000999001_VILLAREAL GARZA, ANA_1_CONS.pdf': 'ingested',
      '3000999001_VILLARREAL GARZA, ANA_2_LAB.pdf': 'ingested',
      '3000999001_VILLARREAL GARZA, ANNA_3_RX.pdf': 'ingested',
      '3000999001_VILLARREAL GARZA, JORGE_4_ALTA.pdf': 'review_required',
      '3000999002_OCHOA LIRA, PEDRO_1_CONS.pdf': 'ingested',
      '3000999002_SALINAS, MARTA_2_LAB.pdf': 'review_required',
    });

    const stored = async (expediente: string) => {
      const shown = await runCli(['patients', 'show', expediente, '--json'], { cwd, env });
      expect(shown.code, shown.stderr).toBe(0);
      const { apellido_paterno, apellido_materno, nombres } = JSON.parse(shown.stdout) as PatientJson;
      return `${apellido_paterno} ${apellido_materno}, ${nombres}`;
    };
    expect(await stored('3000999001')).toBe('VILLAREAL GARZA, ANA');
    expect(await stored('3000999002')).toBe('OCHOA LIRA, PEDRO');
  }, 180_000);

  it.runIf(kind === 'postgres')(
    'takes the same name when workers run the queued files',
    async () => {
      // A registry of its own, the same folder queued: the workers read the names from the session's files.
      const scratch = await createScratchPostgresDatabase();
      const queued = { TECSALUD_DB: scratch.url };
      try {
        const imported = await runCli(['patients', 'import', 'registry.csv'], { cwd, env: queued });
        expect(imported.code, imported.stderr).toBe(0);
        const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--json', '--type', 'complete'], {
          cwd,
          env: queued,
        });
        expect(enqueued.code, enqueued.stderr).toBe(0);
        const worked = await runCli(['worker', '--until-idle', '--concurrency', '4'], { cwd, env: queued });
        expect(worked.code, worked.stderr).toBe(0);
        const shown = await runCli(['patients', 'show', '3000999001', '--json'], { cwd, env: queued });
        expect(shown.code, shown.stderr).toBe(0);
        expect(JSON.parse(shown.stdout)).toMatchObject({
          apellido_paterno: 'VILLAREAL',
          apellido_materno: 'GARZA',
          nombres: 'ANA',
        });
        const other = await runCli(['patients', 'show', '3000999002', '--json'], { cwd, env: queued });
        expect(JSON.parse(other.stdout)).toMatchObject({ apellido_paterno: 'OCHOA', nombres: 'PEDRO' });
      } finally {
        await scratch.drop().catch(() => undefined);
      }
    },
    180_000,
  );
});
