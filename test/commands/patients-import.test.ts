import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPatients, importPatientsCommand } from '../../src/commands/patients.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import { ExitCode, UserError } from '../../src/errors.js';
import { captureIo, createSqliteTestDatabase, type TestDatabase } from '../support/databases.js';

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
    expect(garza).toMatchObject({ apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARÍA ESTHER' });
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
    expect(rows.find((r) => r.expediente === '3000000011')).toMatchObject({ apellidoPaterno: 'DEL RIO', apellidoMaterno: '' });
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
    const code = await importPatientsCommand({ file, db: database.url, cwd: dir, io, json: true });
    expect(code).toBe(ExitCode.SomeFailed);
    const json = JSON.parse(stdout());
    expect(json.inserted).toBe(1);
    expect(json.rejected).toBe(5);
    expect(json.rejected_rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(json.rejected_rows[0].reason).toMatch(/8 to 12 digits/);
    expect(json.rejected_rows[2].reason).toMatch(/not a date/);
    expect(json.rejected_rows[4].reason).toMatch(/3 fields; the header has 6/);
  });

  it('is idempotent: a second import changes nothing, an edited row is an update', async () => {
    const csv = 'expediente,apellido_paterno,apellido_materno,nombres\n3000000030,SOTO,RUIZ,LAURA\n3000000031,SOTO,RUIZ,MARTA\n';
    const file = writeCsv('idem.csv', csv);
    await importPatients({ file, db: database.url, cwd: dir });
    const second = await importPatients({ file, db: database.url, cwd: dir });
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    fs.writeFileSync(file, csv.replace('MARTA', 'MARTHA'));
    const third = await importPatients({ file, db: database.url, cwd: dir });
    expect(third).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await patientsInDb()).map((p) => p.nombres).sort()).toEqual(['LAURA', 'MARTHA']);
  });

  it('explains a file that is not a registry', async () => {
    const file = writeCsv('other.csv', 'id,name\n1,x\n');
    await expect(importPatients({ file, db: database.url, cwd: dir })).rejects.toThrow(/no 'expediente' column/);
    await expect(importPatients({ file: 'missing.csv', db: database.url, cwd: dir })).rejects.toBeInstanceOf(UserError);
  });

  it('keeps blocking keys in step with the registry', async () => {
    const file = writeCsv('k.csv', 'expediente,apellido_paterno,apellido_materno,nombres\n3000000040,NUÑEZ,GARCIA,JOSE\n');
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
