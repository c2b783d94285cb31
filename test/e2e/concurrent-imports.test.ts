import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';

// Two commands that write the same SQLite registry at once (two records staff importing, or rehearsing, the
// same day's file) each wait their turn: neither fails with "locked by another program" after a fraction of a
// second. Several rounds, each on a new registry: the two processes race differently every time.
const HEADER = 'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo';
const ROUNDS = 4;

let dir: string;
beforeEach(() => {
  dir = createTempDir('tecsalud-concurrent-import-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function newRegistry(round: number): Promise<{ db: string; csv: string }> {
  const db = path.join(dir, `registry-${round}.db`);
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
  expect(imported.code, imported.stderr).toBe(0);
  const csv = path.join(dir, `update-${round}.csv`);
  fs.writeFileSync(
    csv,
    [
      HEADER,
      '3000635026,DE LA TORRE,VALDEZ,JULIO CÉSAR,1971-02-03,M', // not in the registry: inserted
      '3000016374,RIOS,CORONADO,CESAR,1995-09-27,M', // in it: its birth date changes
    ].join('\n') + '\n',
  );
  return { db, csv };
}

describe('two imports into one SQLite registry at once', { tags: ['slow'] }, () => {
  it('both finish, the row is inserted once, and two rehearsals both report', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { db, csv } = await newRegistry(round);
      const rehearsals = await Promise.all([
        runCli(['patients', 'import', csv, '--dry-run', '--db', db], { cwd: dir }),
        runCli(['patients', 'import', csv, '--dry-run', '--lang', 'es', '--db', db], { cwd: dir }),
      ]);
      for (const rehearsal of rehearsals) {
        expect(rehearsal.stderr).toBe('');
        expect(rehearsal.code).toBe(0);
      }
      expect(rehearsals[0]!.stdout).toMatch(/1 inserted, 1 updated/);
      expect(rehearsals[1]!.stdout).toMatch(/1 insertad/);

      const imports = await Promise.all([
        runCli(['patients', 'import', csv, '--db', db], { cwd: dir }),
        runCli(['patients', 'import', csv, '--db', db], { cwd: dir }),
      ]);
      for (const run of imports) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
      }
      // One of them wrote; the other, after it, found the rows as the first left them.
      const reports = imports.map((run) => run.stdout).sort();
      expect(reports.join('\n')).toMatch(/1 inserted, 1 updated/);
      expect(reports.join('\n')).toMatch(/0 inserted, 0 updated, 2 unchanged/);
      const handle = new Database(db, { readonly: true, fileMustExist: true });
      try {
        const rows = handle
          .prepare('select fecha_nacimiento from patients where expediente in (?, ?) order by expediente')
          .all('3000016374', '3000635026') as { fecha_nacimiento: string }[];
        expect(rows.map((row) => row.fecha_nacimiento)).toEqual(['1995-09-27', '1971-02-03']);
      } finally {
        handle.close();
      }
    }
  });
});
