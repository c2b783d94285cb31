// A file held at ingest because its text contradicted the registry, reviewed after a registry import made the
// two agree (the built CLI in tmux at 60×20, on files made here): the held line says the reason was the
// ingest's and what holds now, instead of "contradicts" above "→ agrees".
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinicalPdf } from '../../fixtures/generator/index.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';

const SOCKET = `tecsalud-review-held-now-${process.pid}`;
const HEADER = 'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo';

let root: string;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review of a file whose hold reason no longer holds (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      root = createTempDir('tecsalud-review-held-now-');
      const drop = path.join(root, 'drop');
      fs.mkdirSync(drop);
      const patient = {
        expediente: '4100000077',
        apellidoPaterno: 'BRISEÑO',
        apellidoMaterno: 'QUIÑONES',
        nombres: 'RAÚL',
        fechaNacimiento: '1990-01-01',
        sexo: 'M' as const,
      };
      const pdf = await makeClinicalPdf({
        patient,
        typeCode: 'LAB',
        numero: null,
        date: '2026-10-02',
        pages: 1,
        seed: 43,
      });
      fs.writeFileSync(path.join(drop, '4100000077_BRISEÑO QUIÑONES, RAÚL_7400000003_LAB.pdf'), pdf);
      // The registry has his birth date wrong: the document's own text contradicts it, and the file is held.
      fs.writeFileSync(
        path.join(root, 'before.csv'),
        `${HEADER}\n4100000077,BRISEÑO,QUIÑONES,RAÚL,1988-08-18,M\n`,
      );
      fs.writeFileSync(
        path.join(root, 'after.csv'),
        `${HEADER}\n4100000077,BRISEÑO,QUIÑONES,RAÚL,1990-01-01,M\n`,
      );
      const db = ['--db', 'registry.db'];
      expect((await runCli(['patients', 'import', 'before.csv', ...db], { cwd: root })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--type', 'complete', ...db], {
        cwd: root,
      });
      expect(ingested.code, ingested.stderr).toBe(2);
      // Corrected since: today's registry agrees with the document.
      expect((await runCli(['patients', 'import', 'after.csv', ...db], { cwd: root })).code).toBe(0);
    }, 120_000);
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it("says the reason was the ingest's and that the document agrees now, at 60×20, in English and Spanish", async () => {
      for (const [lang, then, now, plainHeld] of [
        ['en', 'Held at ingest: ', "Now: the document agrees with the filename's match", /^Held: /m],
        [
          'es',
          'En revisión al ingresar: ',
          'Ahora: el documento concuerda con la coincidencia del archivo',
          /^En revisión: /m,
        ],
      ] as const) {
        let pane: TmuxPane | null = null;
        try {
          pane = launchInTmux(
            `${SOCKET}-${lang}`,
            root,
            ['review', '--lang', lang, '--db', 'registry.db'],
            {},
            {
              columns: 60,
              rows: 20,
            },
          );
          const screen = await pane.waitFor(/^ 1 4100000077/m);
          expect(screen).toContain(then);
          expect(screen.replace(/\n {2}/g, ' ')).toContain(now);
          expect(screen).not.toMatch(plainHeld);
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
