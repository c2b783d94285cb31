import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

const HEADER = 'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo';

let dir: string;
let db: string;
beforeEach(() => {
  dir = createTempDir('tecsalud-import-');
  db = path.join(dir, 'registry.db');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, lines: string[], encoding: 'utf8' | 'latin1' = 'utf8'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(lines.join('\r\n') + '\r\n', encoding));
  return file;
}

const cli = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir });

function query<T>(sql: string, ...params: unknown[]): T[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare(sql).all(...params) as T[];
  } finally {
    handle.close();
  }
}

function patient(expediente: string) {
  return query<{ apellido_paterno: string; apellido_materno: string; nombres: string }>(
    'select apellido_paterno, apellido_materno, nombres from patients where expediente = ?',
    expediente,
  )[0];
}

describe('patients import: a registry import you can trust', { tags: ['slow'] }, () => {
  it('reports a repeated expediente with both lines, and its counts add up to the rows read', async () => {
    const file = writeCsv('repeated.csv', [
      HEADER,
      '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M', // line 2
      '3000000102,GARZA,RUIZ,ANA,1990-02-02,F', // line 3
      '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M', // line 4: the same row again
      '3000000103,SOTO,DIAZ,LUIS,,', // line 5
      '3000000102,GARZA,RUIZ,ANA MARIA,1990-02-02,F', // line 6: the same expediente, another name
      '3000000104,ROJAS,,EVA,1990-02-30,F', // line 7: an impossible date
    ]);
    const text = await cli('patients', 'import', file);
    expect(text.code).toBe(ExitCode.SomeFailed);
    expect(text.stdout).toMatch(
      /Imported 6 rows .*: 3 inserted, 0 updated, 0 unchanged, 1 repeated, 2 rejected\./,
    );
    expect(text.stdout).toMatch(/line 4: the same as line 2; skipped/);
    expect(text.stdout).toMatch(/line 6: expediente 3000000102 is also on line 3, with other data/);
    // The first row of an expediente is the one imported.
    expect(patient('3000000102')?.nombres).toBe('ANA');

    const json = JSON.parse((await cli('patients', 'import', file, '--json')).stdout);
    expect(json).toMatchObject({
      total_rows: 6,
      inserted: 0,
      updated: 0,
      unchanged: 3,
      duplicates: 1,
      rejected: 2,
    });
    expect(json.inserted + json.updated + json.unchanged + json.duplicates + json.rejected).toBe(
      json.total_rows,
    );
    expect(json.duplicate_rows).toEqual([{ line: 4, first_line: 2 }]);
    expect(json.rejected_rows.map((r: { line: number }) => r.line)).toEqual([6, 7]);
  });

  it('refuses a Windows-1252 file with a hint, and imports it with --encoding, accents intact', async () => {
    const file = writeCsv(
      'excel.csv',
      [HEADER, '3000000201,PEÑA,MUÑOZ,JOSÉ ÁNGEL,1970-03-03,M', '3000000202,NÚÑEZ,IBÁÑEZ,MARÍA JOSÉ,,F'],
      'latin1',
    );
    const refused = await cli('patients', 'import', file);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.stderr).toMatch(
      /^error: '.*excel\.csv' is not UTF-8: line 2 has bytes that are not UTF-8/m,
    );
    expect(refused.stderr).toMatch(/^hint: import it again with --encoding windows-1252 \(or latin1\)/m);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    // Refused before the registry is opened: no new, empty registry left at the --db path.
    expect(fs.existsSync(db)).toBe(false);

    for (const encoding of ['windows-1252', 'latin1']) {
      const imported = await cli('patients', 'import', file, '--encoding', encoding, '--json');
      expect(imported.code, imported.stderr).toBe(0);
      expect(patient('3000000201')).toEqual({
        apellido_paterno: 'PEÑA',
        apellido_materno: 'MUÑOZ',
        nombres: 'JOSÉ ÁNGEL',
      });
      expect(patient('3000000202')).toEqual({
        apellido_paterno: 'NÚÑEZ',
        apellido_materno: 'IBÁÑEZ',
        nombres: 'MARÍA JOSÉ',
      });
    }

    // A UTF-8 file read as Windows-1252 would store 'PEÃ‘A': refused, nothing changed.
    const utf8 = writeCsv('utf8.csv', [HEADER, '3000000203,PEÑA,SOLIS,ROSA,,F']);
    const wrong = await cli('patients', 'import', utf8, '--encoding', 'latin1');
    expect(wrong.code).toBe(ExitCode.Usage);
    expect(wrong.stderr).toMatch(/^error: '.*utf8\.csv' is UTF-8 .*nothing was imported/m);
    expect(wrong.stderr).toMatch(/^hint: import it without --encoding/m);
    expect(patient('3000000203')).toBeUndefined();
  });

  it('leaves no database behind when it refuses the file (a mistyped --db then still says it does not exist)', async () => {
    for (const [name, lines, message] of [
      ['columns.csv', ['a,b,c', '1,2,3'], /is not a patient registry CSV: no 'expediente' column/],
      ['empty.csv', [], /is empty/],
      [
        'header-only.csv',
        [HEADER, '', ',,,,,'],
        /^error: '.*header-only\.csv' has its header line and no rows under it: nothing to import\nhint: check that the export finished/,
      ],
    ] as const) {
      const refused = await cli('patients', 'import', writeCsv(name, [...lines]));
      expect([name, refused.code, refused.stderr]).toEqual([
        name,
        ExitCode.Usage,
        expect.stringMatching(message),
      ]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('registry.db'))).toEqual([]);
    }
    const spanish = await cli('patients', 'import', 'header-only.csv', '--lang', 'es');
    expect(spanish.stderr).toBe(
      "error: 'header-only.csv' tiene la línea de encabezado y ninguna fila debajo: no hay nada que importar\n" +
        'sugerencia: compruebe que la exportación terminó e importe el archivo completo\n',
    );
    const later = await cli('patients', 'list');
    expect([later.code, later.stderr]).toEqual([
      ExitCode.Usage,
      expect.stringMatching(/^error: the database '.*registry\.db' does not exist/),
    ]);
  });

  it('refuses the workbook itself (.xlsx, .xls), whatever its name, with how to export it: not "not UTF-8"', async () => {
    const xlsx = path.join(dir, 'registro.xlsx');
    // A ZIP, as .xlsx and .ods are: its local file header, then deflated XML.
    fs.writeFileSync(
      xlsx,
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), Buffer.alloc(64, 0x9c)]),
    );
    // An Excel 97-2003 workbook (OLE2) saved under a .csv name.
    const xls = path.join(dir, 'registro.csv');
    fs.writeFileSync(xls, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(64, 0xff)]));
    for (const file of [xlsx, xls]) {
      const refused = await cli('patients', 'import', file);
      expect(refused.code).toBe(ExitCode.Usage);
      expect(refused.stderr).toBe(
        `error: '${file}' is a spreadsheet workbook (Excel .xlsx or .xls, LibreOffice .ods), not a CSV file\n` +
          'hint: in Excel, save it as "CSV UTF-8 (Comma delimited)" and import that file\n',
      );
    }
    const spanish = await cli('patients', 'import', xlsx, '--lang', 'es');
    expect(spanish.stderr).toContain(
      'es un libro de hoja de cálculo (Excel .xlsx o .xls, LibreOffice .ods), no un archivo CSV',
    );
    expect(spanish.stderr).toContain(
      'sugerencia: en Excel, guárdelo como "CSV UTF-8 (delimitado por comas)" e importe ese archivo',
    );
  });

  it('a stray quote costs its own row only; a quote never closed says what it swallowed, in Spanish too', async () => {
    const stray = writeCsv('stray-quote.csv', [
      HEADER,
      '3000000201,"GARZA" RUIZ,LOPEZ,ANA,1990-02-02,F', // line 2: quoted, then more text
      '3000000202,SOTO,DIAZ,LUIS,1980-01-01,M', // line 3: valid, and imported
    ]);
    const strayRun = await cli('patients', 'import', stray, '--json');
    expect(strayRun.code).toBe(ExitCode.SomeFailed);
    expect(JSON.parse(strayRun.stdout)).toMatchObject({
      inserted: 1,
      rejected: 1,
      rejected_rows: [
        { line: 2, reason: `apellido_paterno '"GARZA" RUIZ' contains characters that are not letters` },
      ],
    });
    expect(patient('3000000202')).toMatchObject({ apellido_paterno: 'SOTO', nombres: 'LUIS' });

    const open = writeCsv('open-quote.csv', [
      HEADER,
      '3000000203,"PEREZ,LOPEZ,JUAN,1980-01-01,M',
      '3000000204,SOTO,DIAZ,EVA,,F',
    ]);
    const english = await cli('patients', 'import', open);
    expect(english.stdout).toContain(
      'line 2: unreadable CSV: a quote (") opens a field on this line and is never closed, so the lines after it were read ' +
        'into that field and none of them was imported; close or remove the quote and import again',
    );
    const spanish = await cli('patients', 'import', open, '--lang', 'es');
    expect(spanish.stdout).toContain(
      'línea 2: CSV ilegible: unas comillas (") abren un campo en esta línea y nunca se cierran, así que las líneas ' +
        'siguientes se leyeron dentro de ese campo y ninguna se importó',
    );
  });

  it('says in Spanish too that Excel turned the expedientes into numbers (scientific notation, decimals)', async () => {
    const file = writeCsv('numbers.csv', [
      HEADER,
      '3.00077E+09,NUNEZ,PEREZ,JOSE,1990-01-01,M',
      '3000000004.0,SOTO,DIAZ,ANA,1990-01-01,F',
    ]);
    const english = await cli('patients', 'import', file);
    expect(english.stdout).toContain(
      "line 3: expediente '3000000004.0' is a number with decimals: the expediente column was formatted as a number; " +
        'format it as Text and save the CSV again',
    );
    const spanish = await cli('patients', 'import', file, '--lang', 'es');
    expect(spanish.stdout).toContain(
      "línea 2: el expediente '3.00077E+09' es un número en notación científica: Excel convirtió los expedientes en números",
    );
    expect(spanish.stdout).toContain("línea 3: el expediente '3000000004.0' es un número con decimales");
    expect(spanish.stdout).not.toMatch(/is a number|scientific/);
  });

  it('refuses to rename a patient who has documents, imports the rest, and audits a rename it is allowed', async () => {
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    for (const name of [
      '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6001537201_CONS.pdf',
      '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
    ]) {
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
    }
    const ingested = await cli('ingest', drop, '--type', 'complete', '--non-interactive', '--json');
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(JSON.parse(ingested.stdout).matched_patients).toBe(2);

    const edits = writeCsv('edits.csv', [
      HEADER,
      '3000875628,ESCOBEDO,PALACIOS,JUAN CARLOS,2009-12-09,M', // line 2: another given name, 1 document
      '3000016374,RÍOS,CORONADO,CÉSAR,1995-09-28,M', // line 3: accents only — the same name
      '3000001298,HUERTA,SOTO,GRACIELA,1945-06-21,F', // line 4: another name, but no documents
      '3000000301,NUEVO,PACIENTE,ANA,,F', // line 5: new
    ]);
    const refused = await cli('patients', 'import', edits, '--json');
    expect(refused.code).toBe(ExitCode.SomeFailed);
    const report = JSON.parse(refused.stdout);
    expect(report).toMatchObject({
      total_rows: 4,
      inserted: 1,
      updated: 2,
      rejected: 1,
      renames_refused: 1,
      renamed: 0,
    });
    expect(report.rejected_rows).toEqual([
      {
        line: 2,
        reason: expect.stringMatching(
          /would rename expediente 3000875628 from 'ESCOBEDO PALACIOS, JOSE MARIA' to 'ESCOBEDO PALACIOS, JUAN CARLOS', who has 1 document: refused .*--allow-rename/,
        ),
      },
    ]);
    expect(patient('3000875628')?.nombres).toBe('JOSE MARIA');
    expect(patient('3000016374')).toEqual({
      apellido_paterno: 'RÍOS',
      apellido_materno: 'CORONADO',
      nombres: 'CÉSAR',
    });
    expect(patient('3000001298')?.nombres).toBe('GRACIELA');

    const allowed = await cli('patients', 'import', edits, '--allow-rename', '--user', 'archivo', '--json');
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ updated: 1, unchanged: 3, renamed: 1, rejected: 0 });
    expect(patient('3000875628')?.nombres).toBe('JUAN CARLOS');
    const audit = query<{ actor: string; details: string }>(
      "select actor, details from audit_log where action = 'patient_renamed'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('archivo');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      expediente: '3000875628',
      patient_before: { apellido_paterno: 'ESCOBEDO', apellido_materno: 'PALACIOS', nombres: 'JOSE MARIA' },
      patient_after: { apellido_paterno: 'ESCOBEDO', apellido_materno: 'PALACIOS', nombres: 'JUAN CARLOS' },
      documents: 1,
      line: 2,
    });

    // A birth date or sex the content check compares documents with: changed for a patient with documents, audited.
    const details = () =>
      query<{ actor: string; details: string }>(
        "select actor, details from audit_log where action = 'patient_details_changed'",
      );
    const already = details().length;
    const corrected = writeCsv('corrected.csv', [
      HEADER,
      '3000016374,RÍOS,CORONADO,CÉSAR,1995-09-29,F', // line 2: 1 document
      '3000001298,HUERTA,SOTO,GRACIELA,1945-06-22,F', // line 3: no documents
    ]);
    const correcting = await cli('patients', 'import', corrected, '--user', 'archivo');
    expect(correcting.code).toBe(0);
    // Shown, not only audited: the content check compares the patient's documents with these.
    expect(correcting.stdout).toContain(
      '  line 2: expediente 3000016374, who has 1 document: birth date 1995-09-28 → 1995-09-29; sex M → F (written;',
    );
    expect(correcting.stdout).not.toContain('3000001298');
    expect(details()).toHaveLength(already + 1);
    const changed = details().at(-1)!;
    expect(changed.actor).toBe('archivo');
    expect(JSON.parse(changed.details)).toMatchObject({
      expediente: '3000016374',
      before: { fecha_nacimiento: '1995-09-28', sexo: 'M' },
      after: { fecha_nacimiento: '1995-09-29', sexo: 'F' },
      documents: 1,
      line: 2,
    });
    const back = writeCsv('back.csv', [HEADER, '3000016374,RÍOS,CORONADO,CÉSAR,1995-09-28,F']);
    // A rehearsal says what would be written, and writes nothing: the real import below still finds the change.
    const rehearsed = await cli('patients', 'import', back, '--dry-run');
    expect(rehearsed.stdout).toContain('birth date 1995-09-29 → 1995-09-28 (would be written;');
    const spanish = await cli('patients', 'import', back, '--lang', 'es');
    expect(spanish.stdout).toContain(
      '  línea 2: expediente 3000016374, que tiene 1 documento: fecha de nacimiento 29/09/1995 → 28/09/1995 (escrito;',
    );
  });

  it('says "1 row" of a one-line file, in both languages, rehearsed or not', async () => {
    const one = writeCsv('one.csv', [HEADER, '3000000101,PEREZ,LOPEZ,JUAN,1980-01-01,M']);
    expect((await cli('patients', 'import', one, '--dry-run')).stdout).toContain(
      'importing 1 row from one.csv',
    );
    expect((await cli('patients', 'import', one, '--lang', 'es')).stdout).toMatch(
      /^Importada 1 fila de one\.csv en /,
    );
    expect((await cli('patients', 'import', one)).stdout).toMatch(/^Imported 1 row from one\.csv in /);
  });

  it('a patient an ingest created is marked so, and becomes a registry patient when the registry brings its expediente', async () => {
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    const name = '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf'; // not in the registry
    fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
    const ingested = await cli('ingest', drop, '--type', 'complete', '--non-interactive', '--json');
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(JSON.parse(ingested.stdout).created_patients).toBe(1);

    const listed = await cli('patients', 'search', 'julio torre', '--lang', 'es');
    expect(listed.stdout).toContain(
      '3000635026    DE LA TORRE VALDEZ, JULIO CÉSAR  (creado por una ingesta)',
    );
    expect((await cli('patients', 'show', '3000635026')).stdout).toMatch(/source\s+created by an ingest/);

    const official = writeCsv('official.csv', [
      HEADER,
      '3000635026,DE LA TORRE,VALDEZ,JULIO CÉSAR,1971-02-03,M',
    ]);
    // Rehearsed first: every line of the report in the conditional, none claiming a write or an audit entry.
    const [rehearsed, ensayo] = await Promise.all([
      cli('patients', 'import', official, '--dry-run'),
      cli('patients', 'import', official, '--dry-run', '--lang', 'es'),
    ]);
    expect(rehearsed.stdout).toContain(
      '1 patient created by an ingest or a review from a file name would get its registry row (origin: registry;',
    );
    expect(rehearsed.stdout).not.toMatch(/now has|see the audit log/);
    expect(ensayo.stdout).toContain('obtendría su fila del registro');
    expect(ensayo.stdout).not.toMatch(/tiene ahora|vea la bitácora/);
    expect((await cli('patients', 'show', '3000635026')).stdout).toMatch(/source\s+created by an ingest/);
    const imported = await cli('patients', 'import', official, '--user', 'archivo');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('0 inserted, 1 updated');
    expect(imported.stdout).toContain(
      '1 patient created by an ingest or a review from a file name now has its registry row (origin: registry;',
    );
    const shown = await cli('patients', 'show', '3000635026', '--lang', 'es');
    expect(shown.stdout).toMatch(/origen\s+importado del registro/);
    expect(shown.stdout).toMatch(/fecha de nacimiento\s+03\/02\/1971/);
    expect((await cli('patients', 'search', 'julio torre')).stdout).not.toContain('(created');
    const audit = query<{ actor: string; details: string }>(
      "select actor, details from audit_log where action = 'patient_confirmed_by_registry'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('archivo');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      expediente: '3000635026',
      source_before: 'batch_ingest',
      patient_after: { fecha_nacimiento: '1971-02-03', sexo: 'M' },
      line: 2,
    });

    // Once confirmed, the same file again changes nothing.
    const again = await cli('patients', 'import', official, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: 0, unchanged: 1, confirmed: 0 });
  });

  it('lists the rejected rows in line order, a refused rename among them', async () => {
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    const name = '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6001537201_CONS.pdf';
    fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
    expect((await cli('ingest', drop, '--type', 'complete', '--non-interactive')).code).toBe(0);
    const edits = writeCsv('edits.csv', [
      HEADER,
      '3000875628,HUERTA,SOTO,GRACIELA,1945-06-21,F', // line 2: a rename, refused when its batch is written
      '3000000302,,SOTO,ANA,,F', // line 3: refused as it is read
    ]);
    const imported = await cli('patients', 'import', edits);
    expect(imported.code).toBe(ExitCode.SomeFailed);
    expect(imported.stdout).toMatch(
      /\n {2}line 2: would rename expediente 3000875628 .*\n {2}line 3: empty apellido_paterno\n/,
    );
  });

  it('--allow-rename-of writes the renames of the expedientes named, and still refuses the others', async () => {
    expect((await cli('patients', 'import', REGISTRY_CSV)).code).toBe(0);
    const drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    for (const name of [
      '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6001537201_CONS.pdf',
      '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
    ]) {
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
    }
    expect((await cli('ingest', drop, '--type', 'complete', '--non-interactive')).code).toBe(0);
    const edits = writeCsv('edits.csv', [
      HEADER,
      '3000875628,HUERTA,SOTO,GRACIELA,1945-06-21,F', // line 2: another person altogether
      '3000016374,RÍOS,CORONADO,CÉSAR AUGUSTO,1995-09-28,M', // line 3: the same person, written more fully
    ]);

    const wrong = await cli('patients', 'import', '--allow-rename-of', 'edits.csv', edits, '--lang', 'es');
    expect(wrong.code).toBe(ExitCode.Usage);
    expect(wrong.stderr).toContain(
      "--allow-rename-of recibe expedientes separados por comas: 'edits.csv' no lo es (8 a 12 dígitos)",
    );

    const refused = await cli('patients', 'import', edits, '--json');
    expect(JSON.parse(refused.stdout).rejected_rows.map((row: { reason: string }) => row.reason)).toEqual([
      expect.stringMatching(
        /refused \(the registry keeps the old name\)\. The registry names clearly another person: check whose these documents are \(tecsalud-batch patients show 3000875628\)\. If it is the same person, import again with --allow-rename-of 3000875628$/,
      ),
      expect.stringMatching(
        /refused \(the registry keeps the old name\)\. The names read as one person written two ways\. If it is the same person, import again with --allow-rename-of 3000016374$/,
      ),
    ]);

    const chosen = await cli('patients', 'import', edits, '--allow-rename-of', '3000016374', '--lang', 'es');
    expect(chosen.code).toBe(ExitCode.SomeFailed);
    expect(chosen.stdout).toContain('1 actualizada');
    // The rename written names the flag that let it through, which here is not --allow-rename.
    expect(chosen.stdout).toContain(
      '  1 paciente con documentos renombrado (con --allow-rename o --allow-rename-of; vea la bitácora de auditoría)',
    );
    expect(chosen.stdout).toContain(
      'El registro nombra claramente a otra persona: revise de quién son estos documentos (tecsalud-batch patients show 3000875628). ' +
        'Si es la misma persona, importe de nuevo con --allow-rename-of 3000875628',
    );
    expect(patient('3000016374')?.nombres).toBe('CÉSAR AUGUSTO');
    expect(patient('3000875628')?.nombres).toBe('JOSE MARIA');
    const audit = query<{ details: string }>(
      "select details from audit_log where action = 'patient_renamed'",
    );
    expect(audit.map((row) => JSON.parse(row.details).expediente)).toEqual(['3000016374']);
  });

  it('refuses a new expediente that is a known one without its leading zeros, instead of a second patient', async () => {
    writeCsv('first.csv', [HEADER, '0012345678,SOTO,DIAZ,LUIS,1955-01-01,M']);
    expect((await cli('patients', 'import', 'first.csv')).code).toBe(0);
    // The same sheet after a trip through Excel: the zeros are gone.
    writeCsv('excel.csv', [
      HEADER,
      '12345678,SOTO,DIAZ,LUIS,1955-01-01,M',
      '3000000009,GARZA,TIJERINA,MARIA,1960-01-02,F',
    ]);
    const imported = await cli('patients', 'import', 'excel.csv', '--lang', 'es');
    expect(imported.code).toBe(ExitCode.SomeFailed);
    expect(imported.stdout).toContain('1 insertada');
    expect(imported.stdout).toContain(
      "  línea 2: el expediente 12345678 es el expediente 0012345678 del registro ('SOTO DIAZ, LUIS') con otros ceros a la izquierda",
    );
    expect(query('select expediente from patients order by expediente')).toEqual([
      { expediente: '0012345678' },
      { expediente: '3000000009' },
    ]);
  });

  it('imports one patient from two rows of one number with other leading zeros, into an empty registry too', async () => {
    writeCsv('both.csv', [
      HEADER,
      '0012345678,SOTO,DIAZ,LUIS,1955-01-01,M', // line 2
      '3000000009,GARZA,TIJERINA,MARIA,1960-01-02,F', // line 3
      '12345678,SOTO,DIAZ,LUIS,1955-01-01,M', // line 4: the same number, its zeros dropped
      '000012345678,SOTO,DIAZ,LUIS,1955-01-01,M', // line 5: and padded
    ]);
    const imported = await cli('patients', 'import', 'both.csv');
    expect(imported.code).toBe(ExitCode.SomeFailed);
    expect(imported.stdout).toMatch(/: 2 inserted, 0 updated, 0 unchanged, 0 repeated, 2 rejected\./);
    for (const [line, expediente] of [
      [4, '12345678'],
      [5, '000012345678'],
    ]) {
      expect(imported.stdout).toContain(
        `  line ${line}: expediente ${expediente} is expediente 0012345678 of line 2 with other leading zeros, as a spreadsheet ` +
          'leaves it: this row was not imported (line 2 was, if valid), so that no one gets a second expediente',
      );
    }
    expect(query('select expediente from patients order by expediente')).toEqual([
      { expediente: '0012345678' },
      { expediente: '3000000009' },
    ]);
    // The shorter spelling first, in Spanish.
    writeCsv('short-first.csv', [
      HEADER,
      '45678901,ROJAS,,EVA,1990-02-03,F',
      '0045678901,ROJAS,,EVA,1990-02-03,F',
    ]);
    const spanish = await cli('patients', 'import', 'short-first.csv', '--lang', 'es');
    expect(spanish.stdout).toContain(
      '  línea 3: el expediente 0045678901 es el expediente 45678901 de la línea 2 con otros ceros a la izquierda',
    );
    expect(query("select count(*) as n from patients where expediente like '%45678901'")).toEqual([{ n: 1 }]);
  });

  it('--help names every field --json prints, and every line the report can print', async () => {
    writeCsv('one.csv', [HEADER, '3000000009,GARZA,TIJERINA,MARIA,1960-01-02,F']);
    const json = JSON.parse((await cli('patients', 'import', 'one.csv', '--json')).stdout) as Record<
      string,
      unknown
    >;
    const help = (await runCli(['patients', 'import', '--help'], { cwd: dir })).stdout;
    const jsonHelp = help.slice(help.indexOf('With --json:'));
    const fields = [
      ...Object.keys(json),
      'first_line',
      'reason',
      'other_expediente',
      'fecha_nacimiento',
      'sexo',
      'before',
      'after',
    ];
    expect(fields.filter((field) => !new RegExp(`\\b${field}\\b`).test(jsonHelp))).toEqual([]);
    const report = help.slice(help.indexOf('The report:'), help.indexOf('With --json:')).replace(/\s+/g, ' ');
    for (const line of [
      'columns not read',
      'not in this file',
      'renamed',
      'registry row',
      'birth date or sex changed',
      'both name',
      'the same as line',
      'other leading zeros',
      'and N more',
    ]) {
      expect(report).toContain(line);
    }
    const spanish = (await runCli(['patients', 'import', '--help', '--lang', 'es'], { cwd: dir })).stdout;
    expect(spanish).toContain('El informe:');
    expect(spanish.replace(/\s+/g, ' ')).toContain(
      'el expediente del registro o el de una línea anterior con otros ceros a la izquierda',
    );
  });

  it('names a new expediente whose name and birth date another expediente has: perhaps one person twice', async () => {
    writeCsv('first.csv', [HEADER, '3000000004,GARZA,TIJERINA,MARIA ESTHER,1980-02-03,F']);
    expect((await cli('patients', 'import', 'first.csv')).code).toBe(0);
    writeCsv('next.csv', [
      HEADER,
      '3000000004,GARZA,TIJERINA,MARIA ESTHER,1980-02-03,F',
      '3000000005,GARZA,TIJERINA,MARIA ESTHER,1980-02-03,F',
      '3000000006,GARZA,TIJERINA,MARIA ESTHER,1981-02-03,F',
    ]);
    const imported = await cli('patients', 'import', 'next.csv', '--lang', 'es');
    expect(imported.code).toBe(0); // inserted all the same: namesakes born the same day exist
    expect(imported.stdout).toContain(
      '  el expediente 3000000005 (nuevo) y el expediente 3000000004 nombran ambos a GARZA TIJERINA, MARIA ESTHER, ' +
        'con fecha de nacimiento 03/02/1980: si son una misma persona, pregunte al área de archivo cuál expediente es el suyo',
    );
    expect(imported.stdout).not.toContain('3000000006 (nuevo)');
    writeCsv('later.csv', [HEADER, '3000000007,GARZA,TIJERINA,MARIA ESTHER,1980-02-03,F']);
    expect(JSON.parse((await cli('patients', 'import', 'later.csv', '--json')).stdout)).toMatchObject({
      inserted: 1,
      same_details_rows: [
        {
          expediente: '3000000007',
          other_expediente: '3000000004',
          name: 'GARZA TIJERINA, MARIA ESTHER',
          fecha_nacimiento: '1980-02-03',
        },
        {
          expediente: '3000000007',
          other_expediente: '3000000005',
          name: 'GARZA TIJERINA, MARIA ESTHER',
          fecha_nacimiento: '1980-02-03',
        },
      ],
      more_same_details: false,
    });
    expect(query('select count(*) as n from patients')).toEqual([{ n: 4 }]);
  });

  it('names in Spanish the date a refused number or future date would be, day first', async () => {
    writeCsv('dates.csv', [
      HEADER,
      '3000000201,GARZA,RUIZ,ANA,45123,F',
      '3000000202,GARZA,RUIZ,EVA,01/01/2999,F',
      '3000000203,GARZA,RUIZ,LUZ,01/01/1800,F',
    ]);
    const spanish = await cli('patients', 'import', 'dates.csv', '--lang', 'es');
    expect(spanish.code).toBe(3);
    // It read "(45123 sería 2023-07-16)", the ISO order among dates written DD/MM/AAAA.
    expect(spanish.stdout).toContain('(45123 sería 16/07/2023)');
    expect(spanish.stdout).toMatch(
      /línea 3: fecha_nacimiento '01\/01\/2999' es posterior a hoy \(\d\d\/\d\d\/\d{4}\)/,
    );
    expect(spanish.stdout).toMatch(
      /línea 4: fecha_nacimiento '01\/01\/1800' es de hace más de 130 años \(hoy es \d\d\/\d\d\/\d{4}\): revise el año/,
    );
  });

  it('says how many registry patients a file leaves out, and keeps them', async () => {
    writeCsv('full.csv', [
      HEADER,
      '3000000001,GARZA,TIJERINA,MARIA,1960-01-02,F',
      '3000000002,LOPEZ,RUIZ,JUAN,1970-03-04,M',
      '3000000003,PEREZ,SOTO,ANA,1980-05-06,F',
    ]);
    expect((await cli('patients', 'import', 'full.csv')).stdout).not.toContain('not in this file');
    writeCsv('shorter.csv', [HEADER, '3000000001,GARZA,TIJERINA,MARIA,1960-01-02,F']);
    const english = await cli('patients', 'import', 'shorter.csv');
    expect(english.stdout).toContain(
      '  2 patients of the registry are not in this file: kept (an import never deletes patients)',
    );
    const spanish = await cli('patients', 'import', 'shorter.csv', '--lang', 'es');
    expect(spanish.stdout).toContain('  2 pacientes del registro no están en este archivo: se conservan');
    expect(JSON.parse((await cli('patients', 'import', 'shorter.csv', '--json')).stdout)).toMatchObject({
      not_in_file: 2,
    });
    writeCsv('one-less.csv', [
      HEADER,
      '3000000001,GARZA,TIJERINA,MARIA,1960-01-02,F',
      '3000000002,LOPEZ,RUIZ,JUAN,1970-03-04,M',
    ]);
    // One patient left out, in the singular (it read "1 paciente … no está …: se conservan").
    expect((await cli('patients', 'import', 'one-less.csv', '--lang', 'es')).stdout).toContain(
      '  1 paciente del registro no está en este archivo: se conserva (una importación nunca borra pacientes)',
    );
    expect(query('select count(*) as n from patients')).toEqual([{ n: 3 }]);
  });

  it('reads the headers a Mexican registry writes: Primer apellido, Segundo apellido, Fecha de nacimiento', async () => {
    writeCsv('curp-style.csv', [
      'Expediente,Primer apellido,Segundo apellido,Nombres,Fecha de nacimiento,Sexo',
      '3000000201,DE LA GARZA,TREVIÑO,MARÍA JOSÉ,21/06/1945,F',
    ]);
    const run = await cli('patients', 'import', 'curp-style.csv', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ inserted: 1, rejected: 0, unread_columns: [] });
    expect(
      query(
        'select apellido_paterno, apellido_materno, fecha_nacimiento from patients where expediente = ?',
        '3000000201',
      ),
    ).toEqual([
      { apellido_paterno: 'DE LA GARZA', apellido_materno: 'TREVIÑO', fecha_nacimiento: '1945-06-21' },
    ]);
  });
});
