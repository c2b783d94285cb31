// What the review says of the document's own text, compared at ingest with the patient the filename was matched
// to (the built CLI in tmux, on files made here): a document naming the expediente's registry owner under
// another person's name agrees with that match, not with the filename; a document naming the filename's own
// person contradicts the match, not the filename. The screen must say which. And the ingest's closing summary
// after its review counts what the review stored: its pages and chunks beside the files it attached.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
  "review of files made here: the document's verdict, and the ingest's summary after it (tmux)",
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
      // His own, under his own name: attached by the run itself (two pages).
      const own = await makeClinicalPdf({
        patient: OWNER,
        typeCode: 'LAB',
        numero: null,
        date: '2026-10-02',
        pages: 2,
        seed: 43,
      });
      fs.writeFileSync(path.join(drop, '4100000077_BRISEÑO QUIÑONES, RAÚL_7400000003_LAB.pdf'), own);
      for (const db of ['registry.db', 'dashboard.db']) {
        const imported = await runCli(['patients', 'import', 'registry.csv', '--db', db], { cwd: root });
        expect(imported.code, imported.stderr).toBe(0);
      }
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--db', 'registry.db'], {
        cwd: root,
      });
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
            `${SOCKET}-${lang}`,
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

    it("the ingest's closing summary counts the pages and chunks its review attached", async () => {
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          `${SOCKET}-ingest`,
          root,
          ['ingest', 'drop', '--lang', 'en', '--db', 'dashboard.db'],
          {},
          {
            columns: 120,
            rows: 30,
          },
        );
        // Review 2 of 2: Briseño's own document filed under another person's name; attach it to him.
        await pane.waitFor(/^Review 1 of 2/m);
        await pane.pastKeyGuard();
        pane.press('Right');
        await pane.waitFor(/ÍÑIGO ZAQUEO_7400000001_CONS\.pdf[^]*^ 1 4100000077/m);
        await pane.pastKeyGuard();
        pane.type('1');
        await pane.waitFor('y attach');
        await pane.pastKeyGuard();
        pane.type('y');
        await pane.waitFor(/attached to 4100000077/);
        await pane.pastKeyGuard();
        pane.type('q');
        const closing = (await pane.waitFor(/EXITED \d+/)).replace(/\n {4}/g, ' ');
        const database = new Database(path.join(root, 'dashboard.db'), { readonly: true });
        const stored = database
          .prepare('SELECT SUM(pages) AS pages, SUM(chunks_count) AS chunks FROM medical_documents')
          .get() as { pages: number; chunks: number };
        database.close();
        expect(stored.pages).toBe(3);
        expect(closing).toContain('2 ingested');
        expect(closing).toContain(`· ${stored.pages} pages, ${stored.chunks} chunks`);
      } finally {
        pane?.close();
      }
    }, 120_000);

    it("`review`'s closing line breaks between words on a narrow terminal", async () => {
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          `${SOCKET}-narrow`,
          root,
          ['review', '--lang', 'es', '--db', 'registry.db'],
          {},
          {
            columns: 50,
            rows: 20,
          },
        );
        await pane.waitFor(/^Revisión 1 de 2/m);
        await pane.pastKeyGuard();
        pane.type('q');
        const closing = await pane.waitFor(/EXITED \d+/);
        const rows = closing
          .slice(closing.indexOf('Revisión:'), closing.indexOf('EXITED'))
          .trimEnd()
          .split('\n');
        expect(rows.length).toBeGreaterThan(1);
        // Each row after the first is indented, and each ends at a word's end (the terminal cut none).
        for (const row of rows.slice(1)) expect(row).toMatch(/^ {2}\S/);
        expect(rows.map((row) => row.trim()).join(' ')).toContain('2 siguen en espera de revisión.');
      } finally {
        pane?.close();
      }
    }, 120_000);
  },
);

describe.skipIf(!hasTmux() && !process.env.CI)(
  "review of a case whose registry changed after the ingest held it: the document's verdict of today (tmux)",
  { tags: ['slow'] },
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = createTempDir('tecsalud-review-recheck-');
      const drop = path.join(dir, 'drop');
      fs.mkdirSync(drop);
      const header = 'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n';
      // At ingest, Briseño's birth date is another than his document's; Gómez Lara is not registered yet.
      fs.writeFileSync(
        path.join(dir, 'before.csv'),
        `${header}4100000077,BRISEÑO,QUIÑONES,RAÚL,1988-08-18,M\n`,
      );
      fs.writeFileSync(
        path.join(dir, 'after.csv'),
        `${header}4100000077,BRISEÑO,QUIÑONES,RAÚL,1990-01-01,M\n4300000055,GÓMEZ,LARA,SOFÍA,1979-05-06,F\n`,
      );
      const own = await makeClinicalPdf({
        patient: { ...OWNER, fechaNacimiento: '1990-01-01' },
        typeCode: 'CONS',
        numero: null,
        date: '2026-10-01',
        pages: 1,
        seed: 51,
      });
      fs.writeFileSync(path.join(drop, '4100000077_BRISEÑO QUIÑONES, RAÚL_7400000011_CONS.pdf'), own);
      const hers = await makeClinicalPdf({
        patient: {
          expediente: '4300000055',
          apellidoPaterno: 'GÓMEZ',
          apellidoMaterno: 'LARA',
          nombres: 'SOFÍA',
          fechaNacimiento: '1979-05-06',
          sexo: 'F',
        },
        typeCode: 'LAB',
        numero: null,
        date: '2026-10-01',
        pages: 1,
        seed: 52,
      });
      fs.writeFileSync(path.join(drop, '4100000099_PEREZ SOLIS, ANA_7400000012_LAB.pdf'), hers);
      expect((await runCli(['patients', 'import', 'before.csv', '--db', 'r.db'], { cwd: dir })).code).toBe(0);
      const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--db', 'r.db'], { cwd: dir });
      expect(ingested.code, ingested.stderr).toBe(2);
      expect((await runCli(['patients', 'import', 'after.csv', '--db', 'r.db'], { cwd: dir })).code).toBe(0);
    }, 120_000);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('`review --json` and the screen judge the document against the registry as it is now', async () => {
      const listed = await runCli(['review', '--json', '--db', 'r.db'], { cwd: dir });
      const pending = (
        JSON.parse(listed.stdout) as {
          pending: {
            filename: string;
            content: { verdict: string; content_patient: { expediente: string } | null };
          }[];
        }
      ).pending;
      const his = pending.find((p) => p.filename.startsWith('4100000077_'))!;
      const hers = pending.find((p) => p.filename.startsWith('4100000099_'))!;
      // His birth date is now the one his document states; she is now in the registry.
      expect(his.content.verdict).toBe('agrees');
      expect(hers.content.verdict).toBe('contradicts');
      expect(hers.content.content_patient?.expediente).toBe('4300000055');
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          `${SOCKET}-recheck`,
          dir,
          ['review', '--lang', 'en', '--db', 'r.db'],
          {},
          {
            columns: 120,
            rows: 30,
          },
        );
        const first = (await pane.waitFor(/^ 1 4100000077/m)).replace(/\n {2}/g, ' ');
        expect(first).toContain("agrees with the filename's match");
        expect(first).not.toContain('CONTRADICTS');
        await pane.pastKeyGuard();
        pane.press('Right');
        // The patient her document names is a candidate, and a new patient would duplicate her: n asks first.
        await pane.waitFor(/PEREZ SOLIS, ANA_7400000012_LAB\.pdf[^]*^ 1 4300000055✓ GÓMEZ LARA, SOFÍA/m);
        await pane.pastKeyGuard();
        pane.type('n');
        await pane.waitFor(/names registry patient 4300000055 \(GÓMEZ LARA, SOFÍA\): a new patient/);
        await pane.pastKeyGuard();
        pane.type('x');
        await pane.waitFor(/^ 1 4300000055/m);
        await pane.pastKeyGuard();
        pane.type('q');
        expect(await pane.waitFor(/EXITED \d+/)).toMatch(/EXITED 2/);
      } finally {
        pane?.close();
      }
    }, 120_000);
  },
);
