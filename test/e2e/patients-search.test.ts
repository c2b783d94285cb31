import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir, DATABASE_KINDS, type DatabaseKind } from '../support/databases.js';
import { createScratchPostgresDatabase } from '../support/postgres.js';

const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  '3000016374,RÍOS,CORONADO,CÉSAR,1995-09-28,M',
  '3000016375,CORONADO,RÍOS,CÉSAR,1990-01-01,M',
  '3000000104,NÚÑEZ,SOTO,MARÍA,1980-02-03,F',
  '3000000105,NÚÑEZ,TREVIÑO,JOSÉ LUIS,1981-02-03,M',
  '3000000106,NUÑEZ,GARZA,ANA,1982-02-03,F',
  '3000000107,GARZA,TIJERINA,MARIA,1960-01-02,F',
  '0012345678,SOTO,DIAZ,LUIS,1955-01-01,M',
];

describe.each(DATABASE_KINDS)(
  'patients search and show through the CLI on %s',
  { tags: ['slow'] },
  (kind: DatabaseKind) => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let dropDatabase: () => Promise<void>;
    // The tests only read: one registry for all of them.
    beforeAll(async () => {
      dir = createTempDir('tecsalud-search-');
      if (kind === 'postgres') {
        const scratch = await createScratchPostgresDatabase();
        env = { TECSALUD_DB: scratch.url };
        dropDatabase = scratch.drop;
      } else {
        env = { TECSALUD_DB: `sqlite:${path.join(dir, 'registry.db')}` };
        dropDatabase = async () => undefined;
      }
      fs.writeFileSync(path.join(dir, 'registry.csv'), REGISTRY.join('\n') + '\n');
      const imported = await cli('patients', 'import', 'registry.csv');
      expect(imported.code, imported.stderr).toBe(0);
    });
    afterAll(async () => {
      await dropDatabase().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
    const found = async (query: string, ...flags: string[]) => {
      const result = await cli('patients', 'search', query, '--json', ...flags);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { more: boolean; patients: { expediente: string }[] };
    };
    const expedientes = async (query: string) => (await found(query)).patients.map((p) => p.expediente);

    it('finds a name from its words in any order, the given name first or the comma left out', async () => {
      expect(await expedientes('CESAR RIOS')).toEqual(['3000016375', '3000016374']);
      expect(await expedientes('rios cesar')).toEqual(['3000016375', '3000016374']);
      // A name holding the words as typed comes first; the same words in another order follow.
      expect(await expedientes('Coronado, César')).toEqual(['3000016374', '3000016375']);
      expect(await expedientes('RÍOS CORONADO, CÉSAR')).toEqual(['3000016374', '3000016375']);
      expect(await expedientes('nunez maria')).toEqual(['3000000104']);
      expect(await expedientes('NUNEZ')).toEqual(['3000000106', '3000000104', '3000000105']);
      expect(await expedientes('garza 100%')).toEqual([]);
    });

    it('finds a patient by digits of the expediente, with or without its name', async () => {
      expect(await expedientes('3000016374')).toEqual(['3000016374']);
      expect(await expedientes('1637')).toEqual(['3000016375', '3000016374']); // in name order
      expect(await expedientes('coronado 16375')).toEqual(['3000016375']);
    });

    it('says when more patients match than --limit shows, in Spanish too', async () => {
      expect(await found('nunez', '--limit', '2')).toMatchObject({ more: true });
      expect(await found('nunez', '--limit', '3')).toMatchObject({ more: false });
      const english = await cli('patients', 'search', 'nunez', '--limit', '2');
      expect(english.stdout).toContain("The first 2 patients that match 'NUNEZ' are shown; more match");
      const spanish = await cli('patients', 'search', 'nunez', '--limit', '2', '--lang', 'es');
      expect(spanish.stdout).toContain(
        "Se muestran los primeros 2 pacientes que coinciden con 'NUNEZ'; hay más",
      );
      const all = await cli('patients', 'search', 'nunez', '--lang', 'es');
      expect(all.stdout).toContain("3 pacientes coinciden con 'NUNEZ'.");
      // One match in the singular, as the Spanish says it (it read "1 patient(s) match").
      expect((await cli('patients', 'search', 'nunez maria')).stdout).toContain(
        "1 patient matches 'NUNEZ MARIA'.",
      );
      expect((await cli('patients', 'search', 'nunez')).stdout).toContain("3 patients match 'NUNEZ'.");
    });

    it('show names the expediente with the same number when leading zeros were added or dropped, never shows it instead', async () => {
      const padded = await cli('patients', 'show', '03000016374');
      expect(padded.code).toBe(64);
      expect(padded.stdout).toBe('');
      expect(padded.stderr).toContain("no patient with expediente '03000016374'");
      expect(padded.stderr).toContain(
        'the registry has the same number with other leading zeros: 3000016374; if that is the one: tecsalud-batch patients show 3000016374',
      );
      const stripped = await cli('patients', 'show', '12345678', '--lang', 'es');
      expect(stripped.code).toBe(64);
      expect(stripped.stderr).toContain(
        'el registro tiene el mismo número con otros ceros a la izquierda: 0012345678; si es ese: tecsalud-batch patients show 0012345678',
      );
      const absent = await cli('patients', 'show', '3999999999');
      expect(absent.code).toBe(64);
      expect(absent.stderr).toContain('try `tecsalud-batch patients search "NAME"`');
    });

    it('show says why what was typed or pasted is not an expediente, as the parser says it, and where the patient is', async () => {
      const refusal = async (...args: string[]) => {
        const run = await cli('patients', 'show', ...args);
        expect([run.code, run.stdout]).toEqual([64, '']);
        return run.stderr;
      };
      // 13 digits: the registry's expediente with a zero too many (never shown in its place), or another number.
      expect(await refusal('00012345678901')).toBe(
        "error: the expediente '00012345678901' has 14 digits; it must have 8 to 12\n" +
          "hint: a longer number is another one (a document's or an account's): the expediente is the first part of a " +
          'document\'s file name; to find a patient by name: tecsalud-batch patients search "NAME"\n',
      );
      expect(await refusal('0000000012345678')).toBe(
        "error: the expediente '0000000012345678' has 16 digits; it must have 8 to 12\n" +
          'hint: the registry has the same number with other leading zeros: 0012345678; if that is the one: tecsalud-batch patients show 0012345678\n',
      );
      expect(await refusal('3000016374123')).toMatch(
        /has 13 digits; it must have 8 to 12\nhint: a longer number is another one/,
      );
      // A document's file name, or the expediente written in groups or inside other text.
      expect(await refusal('3000016374_RÍOS CORONADO, CÉSAR_HC.pdf')).toBe(
        "error: '3000016374_RÍOS CORONADO, CÉSAR_HC.pdf' is a file name, not an expediente\n" +
          'hint: the expediente it starts with: tecsalud-batch patients show 3000016374\n',
      );
      expect(await refusal('3000 016 374')).toBe(
        "error: the expediente '3000 016 374' contains characters other than digits (a space); it must be 8 to 12 digits\n" +
          'hint: without them: tecsalud-batch patients show 3000016374\n',
      );
      expect(await refusal('EXP-3000016374')).toBe(
        "error: the expediente 'EXP-3000016374' contains letters; it must be 8 to 12 digits\n" +
          'hint: the expediente in it: tecsalud-batch patients show 3000016374\n',
      );
      // The ids patients show and status --files print.
      expect(await refusal('3f2a9c1e')).toMatch(
        /^error: the expediente '3f2a9c1e' contains letters; .*\nhint: it looks like a document's or a session's id: /,
      );
      // In Spanish, message and hint.
      expect(await refusal('3000016374123', '--lang', 'es')).toBe(
        "error: el expediente '3000016374123' tiene 13 dígitos; debe tener de 8 a 12\n" +
          'sugerencia: un número más largo es otro (el de un documento o de una cuenta): el expediente es la primera parte ' +
          'del nombre de archivo de un documento; para buscar a un paciente por nombre: tecsalud-batch patients search "NOMBRE"\n',
      );
      expect(await refusal('3000016374_RÍOS CORONADO, CÉSAR_HC.pdf', '--lang', 'es')).toBe(
        "error: '3000016374_RÍOS CORONADO, CÉSAR_HC.pdf' es un nombre de archivo, no un expediente\n" +
          'sugerencia: el expediente con el que empieza: tecsalud-batch patients show 3000016374\n',
      );
      expect(await refusal('3000-016-374', '--lang', 'es')).toMatch(
        /\nsugerencia: sin ellos: tecsalud-batch patients show 3000016374\n$/,
      );
      expect(await refusal('EXP-3000016374', '--lang', 'es')).toMatch(
        /\nsugerencia: el expediente que contiene: tecsalud-batch patients show 3000016374\n$/,
      );
      expect(await refusal('3f2a9c1e', '--lang', 'es')).toMatch(
        /\nsugerencia: parece el id de un documento o de una sesión: /,
      );
    });
  },
);
