// A reviewer's screen (the built CLI in tmux) while another reviewer settles files of the same sitting meanwhile
// (here a sitting of this process, as the HTTP API or another terminal runs one): without a key pressed, the
// case on screen says it was settled and by whom, and the list (`l`) shows those files settled, not pending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewService } from '../../src/review/review-service.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  NAME_ONLY_FILE,
  type IngestedSample,
} from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-review-settled-${process.pid}`;

let sample: IngestedSample;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review while another reviewer settles files (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      sample = await ingestSample();
    });
    afterAll(() => sample?.cleanup());

    it('the case on screen and the list say who settled what, without a key pressed', async () => {
      const copy = copyDatabase(sample.templateDb);
      const database = await copy.open();
      const other = new ReviewService({ database, reviewer: 'bob' });
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(SOCKET, sample.sourceDir, ['review', '--user', 'alice', '--db', copy.url], {});
        await pane.waitFor('Review 1 of 2');
        await pane.pastKeyGuard();
        const first = pane.screen().includes('_LAB.pdf') ? ID_CONFLICT_FILE : NAME_ONLY_FILE;
        const pending = await other.listPending();
        const shown = pending.find((file) => file.filename === first)!;
        const next = pending.find((file) => file.filename !== first)!;

        // Bob rejects the case on Alice's screen: it says so by itself.
        expect(await other.decide(await other.loadCase(shown.id), { kind: 'reject' })).toMatchObject({
          ok: true,
        });
        const told = await pane.waitFor('⚠ Settled meanwhile by bob (now rejected)');
        expect(told).toContain('Review 1 of 2');

        // Bob rejects the other one too: the list, opened, shows both settled by him.
        expect(await other.decide(await other.loadCase(next.id), { kind: 'reject' })).toMatchObject({
          ok: true,
        });
        pane.type('l');
        const list = await pane.waitFor(/^ +2 {2}settled by bob/m);
        expect(list).toMatch(/^▶ +1 {2}settled by bob {2}\d{10}/m);
        expect(list).not.toMatch(/^. +\d {2}pending/m);

        // Nothing waits any more: q exits 0.
        pane.press('Escape');
        await pane.pastKeyGuard();
        pane.type('q');
        expect(await pane.waitFor(/EXITED \d+/)).toMatch(/EXITED 0/);
      } finally {
        pane?.close();
        await other.close();
        await database.close();
        copy.cleanup();
      }
    }, 180_000);
  },
);
