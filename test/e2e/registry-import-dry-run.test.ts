// `patients import --dry-run`, through the real CLI on every database: the report of the import it rehearses,
// exit 0 once rehearsed (rejected rows are in the report), and the database exactly as it was — a new SQLite file not created, an empty PostgreSQL
// database not migrated, an existing registry without one more patient or audit row.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir, DATABASE_KINDS, type DatabaseKind } from '../support/databases.js';
import { createScratchPostgresDatabase } from '../support/postgres.js';

const require = createRequire(import.meta.url);

const HEADER = 'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo';

/** A first export: three patients, a repeated row and an impossible date. */
const FIRST = [
  HEADER,
  '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M',
  '3000000102,GARZA,RUIZ,ANA,1990-02-02,F',
  '0012345678,SOTO,DIAZ,LUIS,1975-05-05,M',
  '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M', // line 5: the same as line 2
  '3000000104,ROJAS,,EVA,1990-02-30,F', // line 6: not a date
];

/** The next export: one unchanged, one updated, one new namesake born the same day, one number without its zeros. */
const NEXT = [
  HEADER,
  '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M',
  '3000000102,GARZA,RUIZ,ANA,1990-02-03,F',
  '3000000105,PEREZ,LOPEZ,JUAN,1980-01-01,M',
  '12345678,SOTO,DIAZ,LUIS,1975-05-05,M',
];

function digestOf(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A registry of one kind, and a fingerprint of everything in it. */
interface Registry {
  db: string;
  /** Every table's rows (PostgreSQL), or the files and their bytes (SQLite): equal when nothing was written. */
  snapshot(): Promise<unknown>;
  cleanup(): Promise<void>;
}

async function createRegistry(kind: DatabaseKind, dir: string): Promise<Registry> {
  if (kind === 'sqlite') {
    return {
      db: path.join(dir, 'registry.db'),
      snapshot: () =>
        Promise.resolve(
          fs
            .readdirSync(dir)
            .filter((name) => name.startsWith('registry.db'))
            .map((name) => [name, digestOf(path.join(dir, name))]),
        ),
      cleanup: () => Promise.resolve(),
    };
  }
  const scratch = await createScratchPostgresDatabase();
  return {
    db: scratch.url,
    snapshot: async () => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const tables = await client.query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
        );
        const fingerprint: Record<string, unknown> = {};
        for (const { name } of tables.rows) {
          const { rows } = await client.query(
            `select count(*)::int as n, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as rows from "${name}" t`,
          );
          fingerprint[name] = rows[0];
        }
        return fingerprint;
      } finally {
        await client.end();
      }
    },
    cleanup: () => scratch.drop(),
  };
}

/** The report without what differs between two runs of one import: the time taken and the dry-run flag itself. */
function countsOf(stdout: string): Record<string, unknown> {
  const { seconds, dry_run, ...report } = JSON.parse(stdout) as Record<string, unknown>;
  expect(typeof seconds).toBe('number');
  expect(typeof dry_run).toBe('boolean');
  return report;
}

describe.each(DATABASE_KINDS)('patients import --dry-run (%s)', { tags: ['slow'] }, (kind) => {
  let dir: string;
  let registry: Registry;
  beforeEach(async () => {
    dir = createTempDir('tecsalud-import-dry-run-');
    registry = await createRegistry(kind, dir);
  });
  afterEach(async () => {
    await registry.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli([...args, '--db', registry.db], { cwd: dir });
  const writeCsv = (name: string, lines: string[]) => {
    fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
    return name;
  };

  it('reports a first import into a registry that does not exist yet, and neither creates nor migrates it', async () => {
    const file = writeCsv('first.csv', FIRST);
    const before = await registry.snapshot();
    expect(before).toEqual(kind === 'sqlite' ? [] : {});

    const dry = await cli('patients', 'import', file, '--dry-run', '--json');
    expect([dry.code, dry.stderr]).toEqual([ExitCode.Success, '']);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dry_run: true,
      total_rows: 5,
      inserted: 3,
      duplicates: 1,
      rejected: 1,
      duplicate_rows: [{ line: 5, first_line: 2 }],
      rejected_rows: [{ line: 6, reason: expect.stringMatching(/1990-02-30/) }],
    });
    expect(await registry.snapshot()).toEqual(before);

    // The real import then does what the dry run said; it exits 3 for its rejected row, the rehearsal 0.
    const real = await cli('patients', 'import', file, '--json');
    expect([real.code, real.stderr]).toEqual([ExitCode.SomeFailed, '']);
    expect(JSON.parse(real.stdout)).toMatchObject({ dry_run: false });
    expect(countsOf(real.stdout)).toEqual(countsOf(dry.stdout));
    expect(await registry.snapshot()).not.toEqual(before);
  });

  it('reports an import into a registry with patients, writes nothing, and the real import then reports the same', async () => {
    expect((await cli('patients', 'import', writeCsv('first.csv', FIRST))).code).toBe(ExitCode.SomeFailed);
    const file = writeCsv('next.csv', NEXT);
    const before = await registry.snapshot();

    const dry = await cli('patients', 'import', file, '--dry-run', '--json');
    expect([dry.code, dry.stderr]).toEqual([ExitCode.Success, '']);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dry_run: true,
      total_rows: 4,
      inserted: 1,
      updated: 1,
      unchanged: 1,
      rejected: 1,
      not_in_file: 1,
      rejected_rows: [
        {
          line: 5,
          reason: expect.stringMatching(/^expediente 12345678 is the registry's expediente 0012345678/),
        },
      ],
      same_details_rows: [
        {
          expediente: '3000000105',
          other_expediente: '3000000101',
          name: 'PEREZ LOPEZ, JUAN',
          fecha_nacimiento: '1980-01-01',
        },
      ],
    });
    expect(await registry.snapshot()).toEqual(before);

    // In words, in both languages: what the import would do first, that nothing was written last.
    const text = await cli('patients', 'import', file, '--dry-run');
    expect(text.code).toBe(ExitCode.Success);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Dry run, nothing written: importing 4 rows from next.csv would give 1 inserted, 1 updated, 1 unchanged, 0 repeated, 1 rejected.',
    );
    expect(lines.at(-1)).toBe(
      'Nothing was written (--dry-run): to import, run the same command without --dry-run.',
    );
    const spanish = await cli('patients', 'import', file, '--dry-run', '--lang', 'es');
    expect(spanish.stdout).toMatch(
      /^Simulación, no se escribió nada: importar 4 filas de next\.csv daría 1 insertada, /,
    );
    expect(spanish.stdout).toMatch(
      /\nNo se escribió nada \(--dry-run\): para importar, ejecute el mismo comando sin --dry-run\.\n$/,
    );
    expect(await registry.snapshot()).toEqual(before);

    const real = await cli('patients', 'import', file, '--json');
    expect(real.code).toBe(ExitCode.SomeFailed);
    expect(countsOf(real.stdout)).toEqual(countsOf(dry.stdout));
    expect(await registry.snapshot()).not.toEqual(before);
  });
});

describe('patients import --dry-run on a registry of another version of the tool', { tags: ['slow'] }, () => {
  let dir: string;
  let db: string;
  beforeEach(async () => {
    dir = createTempDir('tecsalud-import-dry-run-version-');
    db = path.join(dir, 'registry.db');
    fs.writeFileSync(path.join(dir, 'first.csv'), FIRST.join('\n') + '\n');
    expect((await cli('patients', 'import', 'first.csv')).code).toBe(ExitCode.SomeFailed);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir });
  const sql = (statements: string) => {
    const handle = new Database(db);
    try {
      handle.exec(statements);
    } finally {
      handle.close();
    }
  };
  const bytes = () => digestOf(db);

  it('rehearses the migrations an older registry still needs, and leaves it unmigrated', async () => {
    // The registry as the version before the job queue left it.
    sql(
      "drop table queue_sessions; drop table queue_workers; drop table queue_worker_sessions; drop table batch_content_claims; delete from kysely_migration where name = '0007-queue'",
    );
    sql(
      "drop index audit_log_action_idx; delete from kysely_migration where name = '0008-audit-action-index'",
    );
    const before = bytes();
    const dry = await cli('patients', 'import', 'first.csv', '--dry-run', '--json');
    expect([dry.code, dry.stderr]).toEqual([ExitCode.Success, '']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, inserted: 0, unchanged: 3, rejected: 1 });
    expect(bytes()).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['first.csv', 'registry.db']);
  });

  it('leaves a registry in a rollback-journal mode as it was, header and time included; the import then uses WAL', async () => {
    // A registry copied out of WAL (a `.backup`, a restore, another tool): its header says `delete`.
    sql('pragma journal_mode = delete');
    const then = new Date(Date.now() - 3_600_000);
    fs.utimesSync(db, then, then);
    const before = { bytes: bytes(), mtimeMs: fs.statSync(db).mtimeMs };
    const journalMode = () => {
      const handle = new Database(db, { readonly: true });
      try {
        return handle.pragma('journal_mode', { simple: true });
      } finally {
        handle.close();
      }
    };
    fs.writeFileSync(path.join(dir, 'next.csv'), NEXT.join('\n') + '\n');

    const dry = await cli('patients', 'import', 'next.csv', '--dry-run', '--json');
    expect([dry.code, dry.stderr]).toEqual([ExitCode.Success, '']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, inserted: 1, updated: 1 });
    expect({ bytes: bytes(), mtimeMs: fs.statSync(db).mtimeMs }).toEqual(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['first.csv', 'next.csv', 'registry.db']);
    expect(journalMode()).toBe('delete');

    // What a real import does is unchanged: it writes, in WAL mode.
    const real = await cli('patients', 'import', 'next.csv', '--json');
    expect([real.code, real.stderr]).toEqual([ExitCode.SomeFailed, '']);
    expect(JSON.parse(real.stdout)).toMatchObject({ dry_run: false, inserted: 1, updated: 1 });
    expect(bytes()).not.toBe(before.bytes);
    expect(journalMode()).toBe('wal');
  });

  it('leaves a registry in WAL mode with the -wal file a killed process left as it found them: not checkpointed, not removed', async () => {
    // A process killed after its commit and before any checkpoint: the commit is in registry.db-wal only.
    const script =
      `const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))}); ` +
      `const db = new Database(${JSON.stringify(db)}); db.pragma('wal_autocheckpoint = 0'); ` +
      "db.exec(\"update patients set nombres = nombres || 'X' where expediente = '3000000101'\"); " +
      "process.kill(process.pid, 'SIGKILL');";
    spawnSync(process.execPath, ['-e', script]);
    const files = () => fs.readdirSync(dir).filter((name) => name.startsWith('registry.db'));
    expect(files().sort()).toEqual(['registry.db', 'registry.db-shm', 'registry.db-wal']);
    // The -shm file is SQLite's index of the -wal file, rebuilt by whoever opens it first (a `status` too).
    const snapshot = () => ({
      files: files().sort(),
      bytes: files()
        .filter((name) => !name.endsWith('-shm'))
        .map((name) => [name, digestOf(path.join(dir, name)), fs.statSync(path.join(dir, name)).size]),
    });
    const before = snapshot();
    expect(fs.statSync(`${db}-wal`).size).toBeGreaterThan(0);
    fs.writeFileSync(path.join(dir, 'next.csv'), NEXT.join('\n') + '\n');

    const dry = await cli('patients', 'import', 'next.csv', '--dry-run', '--json');
    expect([dry.code, dry.stderr]).toEqual([ExitCode.Success, '']);
    // It reads the registry with the killed process's commit: JUAN's row differs from the file's now.
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, inserted: 1, updated: 2 });
    expect(snapshot()).toEqual(before);
  });

  it('refuses, as the import would (exit 69), a registry a newer version migrated', async () => {
    sql("insert into kysely_migration (name, timestamp) values ('0099-future', '2030-01-01T00:00:00.000Z')");
    const real = await cli('patients', 'import', 'first.csv');
    const dry = await cli('patients', 'import', 'first.csv', '--dry-run');
    expect([real.code, dry.code]).toEqual([ExitCode.ServiceUnavailable, ExitCode.ServiceUnavailable]);
    expect(dry.stdout).toBe('');
    expect(dry.stderr).toBe(
      'error: the database was migrated by a newer version of tecsalud-batch (0099-future unknown to this one): this version cannot write to it\n' +
        'hint: use the version of tecsalud-batch that migrated it\n',
    );
    const spanish = await cli('patients', 'import', 'first.csv', '--dry-run', '--lang', 'es');
    expect([spanish.code, spanish.stderr]).toEqual([
      ExitCode.ServiceUnavailable,
      'error: la base de datos fue migrada por una versión más reciente de tecsalud-batch (0099-future, desconocidas para esta): ' +
        'esta versión no puede escribir en ella\nsugerencia: use la versión de tecsalud-batch que la migró\n',
    ]);
    // Every other command says the same, not Kysely's "corrupted migrations: … is missing", which reads as damage.
    for (const run of [real, await cli('status'), await cli('patients', 'list')]) {
      expect([run.code, run.stderr]).toEqual([ExitCode.ServiceUnavailable, dry.stderr]);
    }
  });
});
