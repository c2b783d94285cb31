// The review drops keys for a moment after it draws a case, so that a key meant for the previous case decides
// nothing on this one. Moving (the arrows: scrolling the evidence, the previous or next case) decides nothing:
// an arrow pressed the instant a case appears acts (the built CLI in tmux).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import { copyDatabase, ingestSample, type IngestedSample } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-review-moves-${process.pid}`;

let sample: IngestedSample;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review: arrows act at once on a case just shown (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      sample = await ingestSample();
    }, 120_000);
    afterAll(() => sample?.cleanup());

    it('↓ scrolls and → moves on the instant a case is drawn; a deciding key then still waits', async () => {
      const copy = copyDatabase(sample.templateDb);
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          sample.sourceDir,
          ['review', '--user', 'e2e', '--lang', 'en', '--db', copy.url],
          {},
          {
            columns: 80,
            rows: 24,
          },
        );
        // The first case's scroll position, drawn: ↓ at once scrolls it by a line.
        const first = await pane.waitFor(/^Review 1 of 2[^]*^1–\d+ \/ \d+ ▼/m);
        const top = /^1–(\d+) \/ (\d+) ▼/m.exec(first)!;
        pane.press('Down');
        await pane.waitFor(new RegExp(`^2–${Number(top[1]) + 1} / ${top[2]}`, 'm'));
        // → on the case shown a moment ago, then → again the instant the second case is drawn.
        pane.press('Right');
        await pane.waitFor(/^Review 2 of 2[^]*Candidates \(/m);
        pane.press('Right');
        const end = await pane.waitFor(/Review: end of the list/);
        expect(end).not.toContain('Review 2 of 2');
        // ← the instant the end is drawn, and `r` right behind it: the move acts, the rejection waits.
        pane.press('Left');
        pane.type('r');
        await pane.waitFor(/^Review 2 of 2[^]*Candidates \(/m);
        await pane.pastKeyGuard();
        expect(pane.screen()).not.toMatch(/rejected/);
        pane.type('q');
        const closing = await pane.waitFor(/EXITED \d+/);
        expect(closing).toMatch(/0 rejected/);
        expect(closing).toMatch(/EXITED 2/);
      } finally {
        pane?.close();
        copy.cleanup();
      }
    }, 120_000);
  },
);
