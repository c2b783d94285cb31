import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRegistry as importPatients } from '../../src/app/import-registry.js';
import { importPatients as importPatientsCommand } from '../../src/commands/patients/import.js';
import { commandContext } from '../support/command-context.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import { ExitCode, UserError } from '../../src/errors.js';
import { patientBlockingKeys } from '../../src/core/matching/blocking-keys.js';
import { encodeExpediente, hashBlockingKey } from '../../src/db/blocking-key-codes.js';
import {
  captureIo,
  createSqliteTestDatabase,
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../support/databases.js';

let database: TestDatabase;
let dir: string;

beforeEach(() => {
  database = createSqliteTestDatabase();
  dir = path.dirname(database.url);
});
afterEach(() => database.cleanup());

function writeCsv(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function patientsInDb() {
  const open = await database.open();
  try {
    const repo = new PatientRepository(open.db);
    return await repo.list({ limit: 100, offset: 0 });
  } finally {
    await open.close();
  }
}

describe('patients import', () => {
  it('imports split columns with BOM, CRLF and quoted fields, normalising names', async () => {
    const csv =
      '\uFEFFexpediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\r\n' +
      '3000003799,Garza,Tijerina,"María  Esther",1980-05-17,F\r\n' +
      '3000004000,"DE LA GARZA","TREVIÑO","JOSE LUIS",17/05/1975,H\r\n';
    const file = writeCsv('registry.csv', csv);
    const report = await importPatients({ file, db: database.url, cwd: dir });
    expect(report).toMatchObject({ totalRows: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
    const rows = await patientsInDb();
    const garza = rows.find((r) => r.expediente === '3000003799')!;
    expect(garza).toMatchObject({
      apellidoPaterno: 'GARZA',
      apellidoMaterno: 'TIJERINA',
      nombres: 'MARÍA ESTHER',
    });
    expect(garza.fechaNacimiento).toBe('1980-05-17');
    expect(garza.sexo).toBe('F');
    const delaGarza = rows.find((r) => r.expediente === '3000004000')!;
    expect(delaGarza.fechaNacimiento).toBe('1975-05-17');
    expect(delaGarza.sexo).toBe('M');
  });

  it('rejects a name with a comma in nombres only when it has letters only', async () => {
    const file = writeCsv(
      'r.csv',
      'expediente,apellido_paterno,apellido_materno,nombres\n3000000001,PEREZ,LOPEZ,JUAN2\n3000000002,PEREZ,LOPEZ,JUAN\n',
    );
    const report = await importPatients({ file, db: database.url, cwd: dir });
    expect(report.inserted).toBe(1);
    expect(report.rejectedRows).toEqual([{ line: 2, reason: expect.stringContaining('nombres') }]);
  });

  it('accepts the nombre_completo layout and splits surnames like a registrar', async () => {
    const file = writeCsv(
      'completo.csv',
      'expediente,nombre_completo\n3000000010,"DE LA GARZA TREVIÑO, ANA SOFIA"\n3000000011,"DEL RIO, PEDRO"\n',
    );
    await importPatients({ file, db: database.url, cwd: dir });
    const rows = await patientsInDb();
    expect(rows.find((r) => r.expediente === '3000000010')).toMatchObject({
      apellidoPaterno: 'DE LA GARZA',
      apellidoMaterno: 'TREVIÑO',
      nombres: 'ANA SOFIA',
    });
    expect(rows.find((r) => r.expediente === '3000000011')).toMatchObject({
      apellidoPaterno: 'DEL RIO',
      apellidoMaterno: '',
    });
  });

  it('reports each bad row with its line number and reason, and never aborts', async () => {
    const file = writeCsv(
      'bad.csv',
      [
        'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
        '1234567,PEREZ,LOPEZ,JUAN,,', // 7 digits
        '3000000020,,LOPEZ,JUAN,,', // no paterno
        '3000000021,PEREZ,LOPEZ,JUAN,1990-02-30,', // impossible date
        '3000000022,PEREZ,LOPEZ,JUAN,,X', // unknown sexo
        '3000000023,PEREZ,LOPEZ', // too few fields
        '3000000024,PEREZ,LOPEZ,ANA,,F', // fine
      ].join('\n'),
    );
    const { io, stdout } = captureIo();
    const code = await importPatientsCommand(
      file,
      { json: true },
      await commandContext({ cwd: dir, db: database.url, io }),
    );
    expect(code).toBe(ExitCode.SomeFailed);
    const json = JSON.parse(stdout());
    expect(json.inserted).toBe(1);
    expect(json.rejected).toBe(5);
    expect(json.rejected_rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(json.rejected_rows[0].reason).toMatch(/8 to 12 digits/);
    expect(json.rejected_rows[2].reason).toMatch(
      /'1990-02-30' is not a day of the calendar \(month 2 has 28 days\)/,
    );
    expect(json.rejected_rows[4].reason).toMatch(/3 fields; the header has 6/);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])(
    'numbers rejected rows by the line they end on, also after quoted fields holding newlines (%s)',
    async (_, eol) => {
      const file = writeCsv(
        'multiline.csv',
        [
          'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
          '3000000050,"PEREZ',
          'LOPEZ",RUIZ,ANA,,F', // a surname over two lines: read, then rejected for its line break
          '',
          '3000000051,SOTO,"RUIZ',
          '',
          'DIAZ",JUAN,,M',
          '3000000052,SOTO,RUIZ,JUAN2,,M',
          '3000000053,SOTO,RUIZ,LU"IS,,M', // a quote inside an unquoted field: read as it is, then rejected
          '3000000054,SOTO,RUIZ,LUIS,,M',
          '3000000055,SOTO,RUIZ,LUIS,,X',
        ].join(eol),
      );
      const report = await importPatients({ file, db: database.url, cwd: dir });
      expect(report.rejectedRows.map((r) => r.line)).toEqual([3, 7, 8, 9, 11]);
      expect(report.rejectedRows[3]!.reason).toBe(`nombres 'LU"IS' contains characters that are not letters`);
      expect(report).toMatchObject({ totalRows: 6, inserted: 1, rejected: 5 });
    },
  );

  it('accepts real dates in both forms and rejects impossible ones', async () => {
    const dates = [
      '2000-02-29',
      '29/2/2024',
      '05/03/1980',
      '0100-01-01',
      '1900-02-29',
      '2023-02-29',
      '31/04/1990',
      '0099-12-31',
      '1990-13-01',
      '1990-1-01',
    ];
    const csv =
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento\n' +
      dates.map((date, i) => `${3000000100 + i},PEREZ,LOPEZ,JUAN,${date}`).join('\n');
    const report = await importPatients({ file: writeCsv('dates.csv', csv), db: database.url, cwd: dir });
    expect(report.rejectedRows.map((r) => r.line)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    const stored = new Map((await patientsInDb()).map((p) => [p.expediente, p.fechaNacimiento]));
    expect([...stored.values()]).toEqual(['2000-02-29', '2024-02-29', '1980-03-05']);
  });

  it('reads the date forms Excel exports and says what is wrong with the others', async () => {
    const dates = [
      '1945-06-21 00:00:00',
      '21/06/1945 0:00',
      '21-06-1945',
      '21.06.1945',
      '21/06/1945 12:00 a.m.',
      '21/06/45',
      '16609',
      '31/02/1945',
      '21/06/2090',
      '21-06/1945',
      '21/06/1845',
    ];
    const csv =
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento\n' +
      dates.map((date, i) => `${3000000400 + i},PEREZ,LOPEZ,JUAN,${date}`).join('\n');
    const report = await importPatients({
      file: writeCsv('excel-dates.csv', csv),
      db: database.url,
      cwd: dir,
    });
    expect([...new Set((await patientsInDb()).map((p) => p.fechaNacimiento))]).toEqual(['1945-06-21']);
    expect(report.inserted).toBe(5);
    expect(report.rejectedRows).toEqual([
      {
        line: 7,
        reason: expect.stringMatching(
          /'21\/06\/45' has a 2-digit year, which could be either century: use DD\/MM\/YYYY/,
        ),
      },
      {
        line: 8,
        reason: expect.stringMatching(
          /'16609' is a number, as Excel shows a date in a column formatted "General" \(16609 would be 1945-06-21\): format the column as a date/,
        ),
      },
      {
        line: 9,
        reason: expect.stringMatching(/'31\/02\/1945' is not a day of the calendar \(month 2 has 28 days\)/),
      },
      {
        line: 10,
        reason: expect.stringMatching(
          /'21\/06\/2090' is after today \(\d{4}-\d{2}-\d{2}\): a birth date cannot be/,
        ),
      },
      {
        line: 11,
        reason: expect.stringMatching(/'21-06\/1945' is not a date: use DD\/MM\/YYYY or YYYY-MM-DD/),
      },
      {
        line: 12,
        reason: expect.stringMatching(
          /'21\/06\/1845' is more than 130 years before today \(\d{4}-\d{2}-\d{2}\): check the year$/,
        ),
      },
    ]);
  });

  it("reads a CSV Excel saved with ';' or tabs between the fields, and says when Excel turned expedientes into numbers", async () => {
    const semicolons = Buffer.from(
      'Expediente;Apellido Paterno;Apellido Materno;Nombres;Fecha Nacimiento;Sexo\r\n' +
        '3000000500;PEÑA;NÚÑEZ;"MARÍA JOSÉ";21/06/1945;F\r\n' +
        '3.00000001E+11;SOTO;RUIZ;LAURA;;\r\n',
      'latin1',
    );
    const report = await importPatients({
      file: writeCsv('semicolons.csv', semicolons),
      db: database.url,
      cwd: dir,
      encoding: 'windows-1252',
    });
    expect(report.inserted).toBe(1);
    expect(report.rejectedRows).toEqual([
      {
        line: 3,
        reason: expect.stringMatching(
          /^expediente '3\.00000001E\+11' is a number in scientific notation: Excel turned .*format the expediente column as Text/,
        ),
      },
    ]);
    expect(await patientsInDb()).toMatchObject([
      {
        expediente: '3000000500',
        apellidoPaterno: 'PEÑA',
        apellidoMaterno: 'NÚÑEZ',
        nombres: 'MARÍA JOSÉ',
        fechaNacimiento: '1945-06-21',
        sexo: 'F',
      },
    ]);
    const tabs = 'expediente\tapellido_paterno\tapellido_materno\tnombres\n3000000501\tDIAZ\tLEON\tPEDRO\n';
    expect(
      (await importPatients({ file: writeCsv('tabs.txt', tabs), db: database.url, cwd: dir })).inserted,
    ).toBe(1);
  });

  it('accepts letters of any script in names, and nothing else', async () => {
    const names = [
      'NÚÑEZ',
      "O'BRIEN",
      'O’BRIEN',
      'O´FARRILL',
      'SAINT-JEAN',
      'MA. JOSÉ',
      'ÆLFRIC',
      'ŁUKASZ',
      'JOSE\u0301',
      'JUAN_2',
      'ANA×B',
      'LUIS@',
    ];
    const csv =
      'expediente,apellido_paterno,apellido_materno,nombres\n' +
      names.map((name, i) => `${3000000200 + i},PEREZ,LOPEZ,"${name}"`).join('\n');
    const report = await importPatients({ file: writeCsv('names.csv', csv), db: database.url, cwd: dir });
    expect(report.inserted).toBe(9);
    expect(report.rejectedRows.map((r) => r.line)).toEqual([11, 12, 13]);
  });

  it('keeps the first row of an expediente repeated across batches, its keys only, and reports the others', async () => {
    const csv =
      'expediente,apellido_paterno,apellido_materno,nombres\n' +
      '3000000300,SOTO,RUIZ,LAURA\n3000000301,DIAZ,LEON,PEDRO\n' +
      '3000000300,GARZA,TREVIÑO,LAURA\n3000000302,DIAZ,LEON,ANA\n' +
      '3000000300,SOTO,RUIZ,LAURA\n';
    const report = await importPatients({
      file: writeCsv('repeat.csv', csv),
      db: database.url,
      cwd: dir,
      batchSize: 2,
    });
    expect(report).toMatchObject({
      totalRows: 5,
      inserted: 3,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 1,
    });
    expect(report.duplicateRows).toEqual([{ line: 6, firstLine: 2 }]);
    expect(report.rejectedRows).toEqual([
      { line: 4, reason: expect.stringMatching(/also on line 2, with other data/) },
    ]);
    const open = await database.open();
    try {
      const repo = PatientRepository.forDatabase(open);
      const laura = { apellidoPaterno: 'SOTO', apellidoMaterno: 'RUIZ', nombres: 'LAURA' };
      const expected = patientBlockingKeys(laura).filter((k) => !k.startsWith('t:'));
      const code = encodeExpediente('3000000300');
      const stored = await open.db
        .selectFrom('patientBlockingKeys')
        .selectAll()
        .where('expedienteCode', '=', code)
        .execute();
      expect(stored.map((k) => Number(k.keyHash)).sort()).toEqual(expected.map(hashBlockingKey).sort());
      const counts = await repo.countKeys(['t:s:SOTO', 't:s:GARZA', 't:g:LAURA', 't:s:DIAZ']);
      expect(Object.fromEntries(counts)).toEqual({ 't:s:SOTO': 1, 't:g:LAURA': 1, 't:s:DIAZ': 2 });
    } finally {
      await open.close();
    }
  });

  for (const kind of DATABASE_KINDS) {
    it(`imports one number with other leading zeros once, whatever batch each row falls in (${kind})`, async () => {
      const other = await createTestDatabase(kind);
      try {
        const csv =
          'expediente,apellido_paterno,apellido_materno,nombres\n' +
          '12345678,SOTO,RUIZ,LAURA\n3000000301,DIAZ,LEON,PEDRO\n0012345678,SOTO,RUIZ,LAURA\n012345678,SOTO,RUIZ,LAURA\n';
        const file = writeCsv('zeros.csv', csv);
        for (const batchSize of [1, 20_000]) {
          // The first time into an empty registry, the second into one that has both patients.
          const report = await importPatients({ file, db: other.url, cwd: dir, batchSize });
          expect(report).toMatchObject({ totalRows: 4, inserted: batchSize === 1 ? 2 : 0, rejected: 2 });
          expect(report.rejectedRows).toEqual([
            {
              line: 4,
              reason: expect.stringMatching(
                /^expediente 0012345678 is expediente 12345678 of line 2 with other leading zeros/,
              ),
            },
            {
              line: 5,
              reason: expect.stringMatching(
                /^expediente 012345678 is expediente 12345678 of line 2 with other leading zeros/,
              ),
            },
          ]);
        }
        const open = await other.open();
        try {
          expect(
            (await new PatientRepository(open.db).list({ limit: 10, offset: 0 }))
              .map((p) => p.expediente)
              .sort(),
          ).toEqual(['12345678', '3000000301']);
        } finally {
          await open.close();
        }
      } finally {
        await other.cleanup();
      }
    });
  }

  it('is idempotent: a second import changes nothing, an edited row is an update', async () => {
    const csv =
      'expediente,apellido_paterno,apellido_materno,nombres\n3000000030,SOTO,RUIZ,LAURA\n3000000031,SOTO,RUIZ,MARTA\n';
    const file = writeCsv('idem.csv', csv);
    await importPatients({ file, db: database.url, cwd: dir });
    const second = await importPatients({ file, db: database.url, cwd: dir });
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    fs.writeFileSync(file, csv.replace('MARTA', 'MARTHA'));
    const third = await importPatients({ file, db: database.url, cwd: dir });
    expect(third).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await patientsInDb()).map((p) => p.nombres).sort()).toEqual(['LAURA', 'MARTHA']);
  });

  it('never erases a birth date or sex that a later file leaves out or blank', async () => {
    const full = writeCsv(
      'full.csv',
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '3000000040,SOTO,RUIZ,LAURA,21/06/1945,F\n3000000041,SOTO,RUIZ,MARTA,1950-01-02,F\n',
    );
    await importPatients({ file: full, db: database.url, cwd: dir });
    // A names-only export, and one whose cells are empty: nothing to update.
    const namesOnly = writeCsv(
      'names-only.csv',
      'expediente,apellido_paterno,apellido_materno,nombres\n3000000040,SOTO,RUIZ,LAURA\n',
    );
    expect(await importPatients({ file: namesOnly, db: database.url, cwd: dir })).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
    const blanks = writeCsv(
      'blanks.csv',
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '3000000040,SOTO,RUIZ,LAURA,,\n3000000041,SOTO,RUIZ,MARTA,,M\n',
    );
    // MARTA's sex is corrected; her birth date and all of LAURA's stay.
    expect(await importPatients({ file: blanks, db: database.url, cwd: dir })).toMatchObject({
      updated: 1,
      unchanged: 1,
    });
    const stored = new Map((await patientsInDb()).map((p) => [p.nombres, [p.fechaNacimiento, p.sexo]]));
    expect(Object.fromEntries(stored)).toEqual({ LAURA: ['1945-06-21', 'F'], MARTA: ['1950-01-02', 'M'] });
    // A patient first met without them is stored without them.
    const newcomer = writeCsv('newcomer.csv', 'expediente,nombre_completo\n3000000042,"SOTO RUIZ, ANA"\n');
    await importPatients({ file: newcomer, db: database.url, cwd: dir });
    const ana = (await patientsInDb()).find((p) => p.expediente === '3000000042')!;
    expect([ana.fechaNacimiento, ana.sexo]).toEqual([null, null]);
  });

  it('reads headers as Excel users write them, and names the columns it did not read', async () => {
    const file = writeCsv(
      'excel-header.csv',
      'EXPEDIENTE,Apellido Paterno, APELLIDO-MATERNO ,Nombres,Fecha Nacimiento,Sexo,Nacimiento,Género,\n' +
        '3000000050,SOTO,RUIZ,LAURA,21/06/1945,F,21/06/1945,F,\n',
    );
    const { io, stdout } = captureIo();
    const code = await importPatientsCommand(
      file,
      {},
      await commandContext({ cwd: dir, db: database.url, io }),
    );
    expect(code).toBe(ExitCode.Success);
    expect(stdout()).toContain("columns not read (their data was not imported): 'Nacimiento', 'Género'");
    const [laura] = await patientsInDb();
    expect([laura!.apellidoMaterno, laura!.fechaNacimiento, laura!.sexo]).toEqual([
      'RUIZ',
      '1945-06-21',
      'F',
    ]);

    const json = captureIo();
    await importPatientsCommand(
      file,
      { json: true },
      await commandContext({ cwd: dir, db: database.url, io: json.io }),
    );
    expect(JSON.parse(json.stdout()).unread_columns).toEqual(['Nacimiento', 'Género']);
  });

  it("skips the blank rows Excel writes as ',,,,,' as it skips blank lines", async () => {
    const file = writeCsv(
      'excel-blank-rows.csv',
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\r\n' +
        '3000000060,SOTO,RUIZ,LAURA,,\r\n,,,,,\r\n\r\n,,,,,\r\n3000000061,SOTO,RUIZ,MARTA,,\r\n',
    );
    const report = await importPatients({ file, db: database.url, cwd: dir });
    expect(report).toMatchObject({ totalRows: 2, inserted: 2, rejected: 0 });
    // Line numbers still count the skipped rows.
    const bad = writeCsv(
      'after-blank.csv',
      'expediente,apellido_paterno,apellido_materno,nombres\n,,,\n123,SOTO,RUIZ,ANA\n',
    );
    const rejected = await importPatients({ file: bad, db: database.url, cwd: dir });
    expect(rejected.rejectedRows).toEqual([{ line: 3, reason: expect.stringMatching(/8 to 12 digits/) }]);
  });

  it('explains a file that is not a registry', async () => {
    const file = writeCsv('other.csv', 'id,name\n1,x\n');
    await expect(importPatients({ file, db: database.url, cwd: dir })).rejects.toThrow(
      /no 'expediente' column/,
    );
    await expect(importPatients({ file: 'missing.csv', db: database.url, cwd: dir })).rejects.toBeInstanceOf(
      UserError,
    );
  });

  it('refuses a header that names a column it reads twice, importing nothing', async () => {
    // Excel sheets carry an old and a new number side by side; the last column used to win unseen.
    const file = writeCsv(
      'two-expedientes.csv',
      'expediente,apellido_paterno,apellido_materno,nombres,Expediente \n3000000003,PEREZ,LOPEZ,ANA,3000000009\n',
    );
    const refused = importPatients({ file, db: database.url, cwd: dir });
    await expect(refused).rejects.toThrow(/the column 'expediente' appears twice \(columns 1 and 5\)/);
    await expect(refused).rejects.toMatchObject({ exitCode: ExitCode.Usage });
    expect(await patientsInDb()).toEqual([]);
    // Columns the import does not read may repeat (Excel's empty trailing ones do).
    const trailing = writeCsv(
      'trailing.csv',
      'expediente,apellido_paterno,apellido_materno,nombres,,\n3000000003,PEREZ,LOPEZ,ANA,,\n',
    );
    expect(await importPatients({ file: trailing, db: database.url, cwd: dir })).toMatchObject({
      inserted: 1,
      rejected: 0,
    });
  });

  it('keeps blocking keys in step with the registry', async () => {
    const file = writeCsv(
      'k.csv',
      'expediente,apellido_paterno,apellido_materno,nombres\n3000000040,NUÑEZ,GARCIA,JOSE\n',
    );
    await importPatients({ file, db: database.url, cwd: dir });
    const open = await database.open();
    try {
      const keys = await open.db.selectFrom('patientBlockingKeys').selectAll().execute();
      expect(keys.length).toBeGreaterThan(0);
      const repo = new PatientRepository(open.db);
      const patient = (await repo.findByExpediente('3000000040'))!;
      expect(new Set(keys.map((k) => Number(k.expedienteCode))).size).toBe(1);
      expect(patient).toBeDefined();
    } finally {
      await open.close();
    }
  });
});
