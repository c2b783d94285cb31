import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRegistry } from '../../src/app/import-registry.js';
import { ingest } from '../../src/commands/ingest.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { commandContext } from '../support/command-context.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { inProcessExtractor } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { writeUnnamedNotes } from '../support/registry-workspace.js';

/** New people, none in the registry; each has a document under an expediente and one under the next. */
const PEOPLE = [
  'ÑÚÑEZ ÁVALOS, BRÍGIDA',
  'QUIROGA LIRA, PEDRO',
  'ZEPEDA OCHOA, ANASTASIA',
  'ARREOLA BETANCOURT, FILEMÓN',
  'IBARGÜEN SOLÍS, REMEDIOS',
  'CHAVIRA LEDEZMA, EUSEBIO',
];

/**
 * Two runs at once on one PostgreSQL registry (two hosts' crons, a worker beside `serve`), each with a document
 * of the same new person under neighbouring expedientes: one run alone holds the second document as an
 * expediente typo (one keystroke from the patient the first created). At once, each run matched its file
 * before the other's creation and both created a patient: two records of one person.
 */
describe.runIf(postgresWanted())('new patients created by two runs at once', { tags: ['slow'] }, () => {
  let root: string;
  let scratch: { url: string; drop(): Promise<void> };

  beforeEach(async () => {
    root = createTempDir('tecsalud-concurrent-new-');
    scratch = await createScratchPostgresDatabase();
    fs.writeFileSync(
      path.join(root, 'registry.csv'),
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '2900000500,ORDÓÑEZ,VILLALOBOS,JACINTO,1970-01-01,M\n',
    );
    await importRegistry({ file: 'registry.csv', db: scratch.url, cwd: root });
    const a = PEOPLE.map((name, i) => `29000010${String(i * 2).padStart(2, '0')}_${name}_CONS.pdf`);
    const b = PEOPLE.map((name, i) => `29000010${String(i * 2 + 1).padStart(2, '0')}_${name}_LAB.pdf`);
    await writeUnnamedNotes(path.join(root, 'a'), a);
    await writeUnnamedNotes(path.join(root, 'b'), b);
  }, 60_000);

  afterEach(async () => {
    await scratch.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function run(folder: string) {
    const { io, stdout, stderr } = captureIo();
    const context = await commandContext({ cwd: root, db: scratch.url, io, extractor: inProcessExtractor });
    const code = await ingest(
      path.join(root, folder),
      { type: 'complete', json: true, nonInteractive: true, user: 'test-admin', concurrency: '1' },
      context,
    );
    // 2: files wait for review (the second run's, here).
    expect([ExitCode.Success, ExitCode.ReviewPending], stderr()).toContain(code);
    return JSON.parse(stdout()) as { created_patients: number; review_required: number };
  }

  it('creates each new person once: the second run holds its document for review', async () => {
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.created_patients + b.created_patients).toBe(PEOPLE.length);
    expect(a.review_required + b.review_required).toBe(PEOPLE.length);
    const database = await openDatabase(resolveDatabaseTarget(scratch.url, { cwd: root }));
    try {
      const patients = await database.db
        .selectFrom('patients')
        .select(['expediente', 'apellidoPaterno'])
        .where('expediente', '<>', '2900000500')
        .execute();
      // One record per person, under whichever of the two expedientes was created first.
      expect(patients.map((p) => p.apellidoPaterno).sort()).toEqual(
        PEOPLE.map((name) => name.split(' ')[0]!).sort(),
      );
    } finally {
      await database.close();
    }
  }, 120_000);
});
