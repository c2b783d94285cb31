// `n` on a case whose candidate is an exact homonym — the filename's very name, and the birth date and sex the
// document states, under another expediente — would register the same person twice: the review asks first
// (the built CLI in tmux, in English and in Spanish). `y` goes ahead; Esc or any other key cancels; a `y` typed
// before the question was on screen answers nothing.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinicalPdf } from '../../fixtures/generator/index.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import { REGISTRY_CSV } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-review-homonym-${process.pid}`;
const REGISTERED = '4200000011';
const FILED_UNDER = '4200000099';
const PERSON = {
  apellidoPaterno: 'ZUBIRÍA',
  apellidoMaterno: 'ECHEVERRI',
  nombres: 'EULALIA',
  fechaNacimiento: '1975-03-02',
  sexo: 'F' as const,
};

let root: string;

/** The patients registered under the filename's expediente (the new patient `n` creates). */
function createdUnderFilename(): number {
  const database = new Database(path.join(root, 'registry.db'), { readonly: true });
  try {
    const row = database
      .prepare('SELECT COUNT(*) AS n FROM patients WHERE expediente = ?')
      .get(FILED_UNDER) as { n: number };
    return row.n;
  } finally {
    database.close();
  }
}

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review: a new patient for an exact homonym of a registry patient (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      root = createTempDir('tecsalud-review-homonym-');
      fs.mkdirSync(path.join(root, 'drop'));
      // The sample registry (large enough that the name reads as rare) and the person, registered already.
      fs.writeFileSync(
        path.join(root, 'registry.csv'),
        `${fs.readFileSync(REGISTRY_CSV, 'utf8').trimEnd()}\n${REGISTERED},ZUBIRÍA,ECHEVERRI,EULALIA,1975-03-02,F\n`,
      );
      // Her document, filed under an expediente the registry does not know.
      const pdf = await makeClinicalPdf({
        patient: { ...PERSON, expediente: FILED_UNDER },
        typeCode: 'LAB',
        numero: null,
        date: '2026-10-01',
        pages: 1,
        seed: 51,
      });
      fs.writeFileSync(
        path.join(root, 'drop', `${FILED_UNDER}_ZUBIRÍA ECHEVERRI, EULALIA_7500000001_LAB.pdf`),
        pdf,
      );
      const imported = await runCli(['patients', 'import', 'registry.csv', '--db', 'registry.db'], {
        cwd: root,
      });
      expect(imported.code, imported.stderr).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--db', 'registry.db'], {
        cwd: root,
      });
      expect(ingested.code, ingested.stderr).toBe(2);
    }, 120_000);
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it('asks in Spanish, and any other key cancels', async () => {
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(`${SOCKET}-es`, root, ['review', '--lang', 'es', '--db', 'registry.db'], {});
        await pane.waitFor(new RegExp(`^ 1 ${REGISTERED}`, 'm'));
        await pane.pastKeyGuard();
        pane.type('n');
        const asked = (await pane.waitFor('¿Crear un paciente nuevo')).replace(/\s+/g, ' ');
        expect(asked).toContain(
          'Un paciente del registro tiene el mismo nombre, fecha de nacimiento y sexo: muy probablemente es la misma persona.',
        );
        expect(asked).toContain(
          `el paciente del registro ${REGISTERED} (ZUBIRÍA ECHEVERRI, EULALIA) tiene el mismo nombre, fecha de nacimiento y sexo con otro expediente`,
        );
        expect(asked).toContain('y crear el paciente nuevo · cualquier otra tecla cancela');
        await pane.pastKeyGuard();
        pane.type('x');
        await pane.waitFor('cancelado: no se creó ningún paciente');
        expect(pane.screen()).not.toContain('¿Crear un paciente nuevo');
        expect(createdUnderFilename()).toBe(0);
        await pane.pastKeyGuard();
        pane.type('q');
        expect(await pane.waitFor(/EXITED \d+/)).toMatch(/EXITED 2/);
      } finally {
        pane?.close();
      }
    }, 120_000);

    it('asks in English; a `y` typed ahead answers nothing, Esc cancels, `y` once read creates the patient', async () => {
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(`${SOCKET}-en`, root, ['review', '--lang', 'en', '--db', 'registry.db'], {});
        await pane.waitFor(new RegExp(`^ 1 ${REGISTERED}`, 'm'));
        await pane.pastKeyGuard();
        // `y` right behind `n`, before the question could be read: dropped.
        pane.type('n');
        pane.type('y');
        const asked = (await pane.waitFor('Create a new patient for this document?')).replace(/\s+/g, ' ');
        expect(asked).toContain(
          'A registry patient has the same name, birth date and sex: most likely the same person.',
        );
        expect(asked).toContain(
          `registry patient ${REGISTERED} (ZUBIRÍA ECHEVERRI, EULALIA) has the same name, birth date and sex under another expediente: a new patient would most likely be a duplicate record of them`,
        );
        expect(asked).toContain('y create the new patient · any other key cancels');
        await pane.pastKeyGuard();
        expect(pane.screen()).toContain('Create a new patient for this document?');
        expect(createdUnderFilename()).toBe(0);
        pane.press('Escape');
        await pane.waitFor('cancelled: no new patient was created');
        expect(createdUnderFilename()).toBe(0);
        await pane.pastKeyGuard();
        pane.type('n');
        await pane.waitFor('Create a new patient for this document?');
        await pane.pastKeyGuard();
        pane.type('y');
        await pane.waitFor(/1 new patient/);
        expect(createdUnderFilename()).toBe(1);
        await pane.pastKeyGuard();
        pane.type('q');
        expect(await pane.waitFor(/EXITED \d+/)).toMatch(/EXITED 0/);
      } finally {
        pane?.close();
      }
    }, 120_000);
  },
);
