import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRegistry } from '../../src/app/import-registry.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
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
  'MONTEMAYOR URIBE, CASIMIRA',
  'TAPIA GALLEGOS, HERMENEGILDO',
  'VILLARREAL DÍAZ, PRUDENCIA',
  'ESCOBEDO NÚÑEZ, TEÓFILO',
  'BARRAGÁN COSÍO, LEOCADIA',
  'PEDRAZA HINOJOSA, SATURNINO',
  'ALCÁNTARA MEZA, RUPERTA',
  'GUAJARDO TREVIÑO, ANACLETO',
  'SEPÚLVEDA ROJO, EDUVIGES',
  'CANTÚ LOZANO, MACEDONIO',
];

/**
 * Two runs at once on one PostgreSQL registry (two hosts' crons, a worker beside `serve`), each with a document
 * of the same new person under neighbouring expedientes: one run alone holds the second document as an
 * expediente typo (one keystroke from the patient the first created). At once, each run matched its file
 * before the other's creation and both created a patient: two records of one person.
 */
const REGISTRIES = [
  { dialect: 'sqlite', wanted: true },
  { dialect: 'postgres', wanted: postgresWanted() },
] as const;

describe.each(REGISTRIES)('new patients created by two runs at once ($dialect)', ({ dialect, wanted }) => {
  let root: string;
  let scratch: { url: string; drop(): Promise<void> };

  beforeEach(async () => {
    root = createTempDir('tecsalud-concurrent-new-');
    scratch =
      dialect === 'postgres'
        ? await createScratchPostgresDatabase()
        : { url: path.join(root, 'registry.db'), drop: () => Promise.resolve() };
    fs.writeFileSync(
      path.join(root, 'registry.csv'),
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '2900000500,ORDÓÑEZ,VILLALOBOS,JACINTO,1970-01-01,M\n',
    );
    await importRegistry({ file: 'registry.csv', db: scratch.url, cwd: root });
    const a = PEOPLE.map((name, i) => `2900001${String(i * 2).padStart(3, '0')}_${name}_CONS.pdf`);
    const b = PEOPLE.map((name, i) => `2900001${String(i * 2 + 1).padStart(3, '0')}_${name}_LAB.pdf`);
    await writeUnnamedNotes(path.join(root, 'a'), a);
    // Another text: the same content under two expedientes is refused before matching, whichever run is first.
    await writeUnnamedNotes(path.join(root, 'b'), b, { firstNote: a.length });
  }, 60_000);

  afterEach(async () => {
    await scratch.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A run of the built CLI: its own process, as a cron's or a worker's (two SQLite handles in one process would block each other's event loop). */
  async function run(folder: string) {
    const result = await runCli(
      [
        'ingest',
        path.join(root, folder),
        '--db',
        scratch.url,
        '--type',
        'complete',
        '--json',
        '--non-interactive',
      ],
      { cwd: root, timeoutMs: 90_000 },
    );
    // 2: files wait for review (the second run's, here).
    expect([ExitCode.Success, ExitCode.ReviewPending], result.stderr + result.stdout).toContain(result.code);
    return JSON.parse(result.stdout) as { created_patients: number; review_required: number };
  }

  it.runIf(wanted)(
    'creates each new person once: the second run holds its document for review',
    { tags: ['slow'], timeout: 120_000 },
    async () => {
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
    },
  );
});
