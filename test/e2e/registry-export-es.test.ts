import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

/**
 * A registry as Monterrey's records office exports it from Excel ("CSV" under Mexican regional settings:
 * Windows-1252, ';', CRLF), imported by a Spanish-speaking administrator through the built CLI.
 */
const EXPORT = [
  'Expediente;Apellido Paterno;Apellido Materno;Nombres;Fecha Nacimiento;Sexo',
  '3000001298;HUERTA;SOTO;GABRIELA;21/06/1945;F',
  '3000016374;RÍOS;CORONADO;CÉSAR;28/09/1995;M',
  // A name typed with the separator in it, unquoted: one field too many.
  '3000576011;NÚÑEZ;PEÑA;MARÍA; DE LOS ÁNGELES;30/04/1990;F',
  // A row cut short.
  '3000147773;BONILLA;SEPÚLVEDA',
  '',
].join('\r\n');

describe('an Excel registry export, imported in Spanish', () => {
  let dir: string;
  beforeAll(() => {
    dir = createTempDir('tecsalud-registry-export-');
    // Its accented capitals are the same bytes in Windows-1252 as in Latin-1.
    fs.writeFileSync(path.join(dir, 'export.csv'), Buffer.from(EXPORT, 'latin1'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a row with another number of fields says it was not imported and what to mend in the sheet', async () => {
    const run = await runCli(
      ['patients', 'import', 'export.csv', '--encoding', 'windows-1252', '--db', 'r.db', '--lang', 'es'],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(
      /^Importadas 4 filas de export\.csv en [\d.]+ s: 2 insertadas, 0 actualizadas, 0 sin cambios, 0 repetidas, 2 rechazadas\.$/m,
    );
    expect(run.stdout).toContain(
      '  línea 4: tiene 7 campos; el encabezado tiene 6: esta fila no se importó — un nombre que contiene el separador ' +
        'debe ir entre comillas, y no debe haber nada escrito a la derecha de la última columna\n',
    );
    expect(run.stdout).toContain(
      '  línea 5: tiene 3 campos; el encabezado tiene 6: esta fila no se importó — cada fila necesita un campo por columna, aunque esté vacío\n',
    );
    const show = await runCli(['patients', 'show', '3000016374', '--db', 'r.db', '--lang', 'es'], {
      cwd: dir,
    });
    expect(show.stdout).toMatch(/^apellido paterno {5}RÍOS$/m);
  });
});
