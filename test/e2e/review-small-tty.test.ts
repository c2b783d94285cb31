// The review at 40×12, in Spanish, as a records administrator on a tiny terminal sees it (the built CLI in
// tmux): whatever a refusal says under the key hints, the rows that name the file being decided on stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import { copyDatabase, ingestSample, type IngestedSample } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-review-small-${process.pid}`;

let sample: IngestedSample;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review on a 40×12 terminal (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      sample = await ingestSample();
    });
    afterAll(() => sample?.cleanup());

    it("a refusal under the keys leaves the file's name and the candidate it refused on screen", async () => {
      const copy = copyDatabase(sample.templateDb);
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          sample.sourceDir,
          ['review', '--user', 'e2e', '--lang', 'es', '--db', copy.url],
          {},
          { columns: 40, rows: 12 },
        );
        // The id-conflict case: its 3-row banner and the 2-row evidence leave the candidates below the screen.
        await pane.waitFor('Revisión 1 de 2');
        await pane.pastKeyGuard();
        if (!pane.screen().includes('_LAB.pdf')) {
          pane.type('s');
          await pane.waitFor('Revisión 2 de 2');
          await pane.pastKeyGuard();
        }
        expect(pane.screen()).toContain('CONFLICTO DE EXPEDIENTE');
        pane.type('1');
        const refused = await pane.waitFor(/nada asignado/);
        // The file's name (the sample's file names the expediente and the patient) and the candidate refused.
        expect(refused).toMatch(/^3000576011_BONILLA .*_LAB\.pdf$/m);
        expect(refused).toMatch(/^ 1 3000147773✓ BONILLA/m);
        expect(refused).toContain('CONFLICTO DE EXPEDIENTE');
        // The refusal says what happened and what to do, within the rows left.
        expect(refused.replace(/\s+/g, ' ')).toContain(
          'nada asignado: candidato 1 aún no visible; léalo y oprima otra vez',
        );
        pane.type('q');
        expect(await pane.waitFor(/EXITED \d+/)).toMatch(/EXITED 2/);
      } finally {
        pane?.close();
        copy.cleanup();
      }
    }, 180_000);
  },
);
