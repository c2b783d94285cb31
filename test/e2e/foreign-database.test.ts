import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { runCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

let cwd: string;
beforeAll(() => {
  cwd = createTempDir('tecsalud-foreign-db-');
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

/** Another program's SQLite file, as a mistyped `--db` may name it (rollback journal: a WAL switch shows). */
function anotherProgramsDatabase(name: string): Buffer {
  const file = `${cwd}/${name}`;
  const other = new Database(file);
  other.exec("create table users (id integer primary key, name text); insert into users (name) values ('x')");
  other.close();
  return fs.readFileSync(file);
}

describe("another program's SQLite file given as the database", { tags: ['slow'] }, () => {
  it('is refused with 64 by every command, read-only ones and rehearsals too, and left byte for byte', async () => {
    const before = anotherProgramsDatabase('app.db');
    for (const args of [
      ['sessions'],
      ['status'],
      ['patients', 'list'],
      ['match', '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf'],
      ['ingest', SAMPLE_DIR, '--dry-run', '--non-interactive'],
      ['ingest', SAMPLE_DIR, '--non-interactive'],
      ['patients', 'import', REGISTRY_CSV],
    ]) {
      const run = await runCli([...args, '--db', 'app.db'], { cwd });
      expect([args.join(' '), run.code, run.stderr]).toEqual([
        args.join(' '),
        64,
        expect.stringMatching(
          /^error: '.*app\.db' is a SQLite database of another program \(tables: users\), not a tecsalud-batch registry: nothing was changed\nhint: check --db;/,
        ),
      ]);
    }
    // `doctor` reports it and changes nothing either (it used to switch the file to WAL and add a table).
    const doctor = await runCli(['doctor', '--db', 'app.db'], { cwd });
    expect(doctor.code).toBe(64);
    expect(doctor.stdout).toMatch(/FAIL +database +'.*app\.db' is a SQLite database of another program/);
    expect(fs.readFileSync(`${cwd}/app.db`).equals(before)).toBe(true);
    expect(fs.existsSync(`${cwd}/app.db-wal`)).toBe(false);
    const spanish = await runCli(['sessions', '--db', 'app.db', '--lang', 'es'], { cwd });
    expect(spanish.stderr).toMatch(
      /^error: '.*app\.db' es una base de datos SQLite de otro programa \(tablas: users\), no un registro de tecsalud-batch: no se cambió nada\nsugerencia: revise --db;/,
    );
  });

  it("still opens the tool's own registry, and creates one where no file is", async () => {
    const created = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'own.db'], { cwd });
    expect(created.code).toBe(0);
    const listed = await runCli(['patients', 'list', '--db', 'own.db', '--json'], { cwd });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { total: number }).total).toBeGreaterThan(0);
  });
});
