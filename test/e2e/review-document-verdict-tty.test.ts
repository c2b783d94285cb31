// What the review says of the document's own text, compared at ingest with the patient the filename was matched
// to (the built CLI in tmux, on files made here): a document naming the expediente's registry owner under
// another person's name agrees with that match, not with the filename; a document naming the filename's own
// person contradicts the match, not the filename. The screen must say which.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinicalPdf } from '../../fixtures/generator/index.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';

const SOCKET = `tecsalud-review-verdict-${process.pid}`;
const OWNER = {
  expediente: '4100000077',
  apellidoPaterno: 'BRISEÑO',
  apellidoMaterno: 'QUIÑONES',
  nombres: 'RAÚL',
  fechaNacimiento: '1988-08-18',
  sexo: 'M' as const,
};

let root: string;

describe.skipIf(!hasTmux() && !process.env.CI)(
  "review: the document's verdict names what it was compared with (tmux)",
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      root = createTempDir('tecsalud-review-verdict-');
      const drop = path.join(root, 'drop');
      fs.mkdirSync(drop);
      fs.writeFileSync(
        path.join(root, 'registry.csv'),
        'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
          '4100000077,BRISEÑO,QUIÑONES,RAÚL,1988-08-18,M\n',
      );
      // Briseño's own document, filed under his expediente with another person's name.
      const pdf = await makeClinicalPdf({
        patient: OWNER,
        typeCode: 'CONS',
        numero: null,
        date: '2026-10-01',
        pages: 1,
        seed: 41,
      });
      fs.writeFileSync(path.join(drop, '4100000077_OCHOA ESPAÑA, ÍÑIGO ZAQUEO_7400000001_CONS.pdf'), pdf);
      // Another person's document that names him and the expediente, as its filename does.
      const other = {
        ...OWNER,
        apellidoPaterno: 'OCHOA',
        apellidoMaterno: 'ESPAÑA',
        nombres: 'ÍÑIGO ANDRÉS',
      };
      const otherPdf = await makeClinicalPdf({
        patient: { ...other, fechaNacimiento: '1990-01-01' },
        typeCode: 'LAB',
        numero: null,
        date: '2026-10-01',
        pages: 1,
        seed: 42,
      });
      fs.writeFileSync(path.join(drop, '4100000077_OCHOA ESPAÑA, ÍÑIGO ANDRÉS_7400000002_LAB.pdf'), otherPdf);
      const db = path.join(root, 'registry.db');
      const imported = await runCli(['patients', 'import', 'registry.csv', '--db', db], { cwd: root });
      expect(imported.code, imported.stderr).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--db', db], { cwd: root });
      expect(ingested.code, ingested.stderr).toBe(2);
    }, 120_000);
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it("says the document agrees with, or contradicts, the filename's match, in English and in Spanish", async () => {
      for (const [lang, agrees, not, held] of [
        [
          'en',
          "agrees with the filename's match",
          'agrees with the filename\n',
          "Held: the document's own text contradicts the filename's match",
        ],
        [
          'es',
          'concuerda con la coincidencia del archivo',
          'coincide con el nombre del archivo',
          'En revisión: el documento contradice la asignación por nombre de archivo',
        ],
      ] as const) {
        let pane: TmuxPane | null = null;
        try {
          pane = launchInTmux(
            SOCKET,
            root,
            ['review', '--lang', lang, '--db', 'registry.db'],
            {},
            {
              columns: 120,
              rows: 30,
            },
          );
          // The files in the order of their names: ÍÑIGO ANDRÉS's own document first.
          const first = await pane.waitFor(/^ 1 4100000077/m);
          expect(first).toContain('ÍÑIGO ANDRÉS_7400000002_LAB.pdf');
          expect(first).toContain(held);
          await pane.pastKeyGuard();
          pane.press('Right');
          const screen = await pane.waitFor(/ÍÑIGO ZAQUEO_7400000001_CONS\.pdf[^]*^ 1 4100000077/m);
          const said = screen.replace(/\n {2}/g, ' ');
          expect(said).toMatch(/(The document says|El documento dice) .*BRISE[NÑ]O QUI[NÑ]ONES, RA[UÚ]L✗/);
          expect(said).toContain(agrees);
          expect(said).not.toContain(not);
          await pane.pastKeyGuard();
          pane.press('q');
          await pane.waitFor(/EXITED \d+/);
        } finally {
          pane?.close();
        }
      }
    }, 120_000);
  },
);
