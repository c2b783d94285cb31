// The ingest dashboard in a terminal narrowed while it runs (the built CLI in tmux, 100 then 60 columns): the
// terminal re-wraps the old frame's long rows into more rows than Ink erases, which left stale headers above
// the new frame. After the narrowing the screen holds one frame and nothing of the old one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHeldIngestWorkspace, type HeldIngestWorkspace } from './support/held-ingest.js';
import { BIN } from '../support/cli-binary.js';
import { hasTmux, tmuxPane, type TmuxPane } from '../support/tmux-pane.js';

const SOCKET = `tecsalud-dashboard-resize-${process.pid}`;

let workspace: HeldIngestWorkspace;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'the dashboard after the terminal narrows (tmux)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      workspace = await createHeldIngestWorkspace('tecsalud-dashboard-resize-', 'sk-resize');
    }, 120_000);
    afterAll(async () => {
      await workspace?.cleanup();
    });

    it('leaves no stale row of the old frame above the new one', async () => {
      let pane: TmuxPane | null = null;
      try {
        // Held at its embedding requests: the run stays on screen with its files in flight, rows near 100 wide,
        // under a few rows of a shell session's earlier output (as typed at a prompt, the frame does not start at
        // the top).
        const variables = Object.entries(workspace.env).map(
          ([name, value]) => `${name}=${JSON.stringify(value)}`,
        );
        execFileSync('tmux', [
          '-L',
          SOCKET,
          'new-session',
          '-d',
          '-s',
          'pane',
          '-x',
          '100',
          '-y',
          '30',
          `cd ${JSON.stringify(workspace.root)}; printf 'earlier output %s\\n' 1 2 3 4 5; ` +
            // Ink renders only a final frame when CI is set; the admin's terminal has no CI.
            `env -u CI ${variables.join(' ')} node ${JSON.stringify(BIN)} ingest drop --lang en --concurrency 1 ` +
            '--embed-batch-size 4; sleep 300',
        ]);
        pane = tmuxPane(SOCKET);
        const wide = await pane.waitFor(/In flight \(\d+\)\n {2}\S/);
        expect(wide.split('\n').some((row) => row.trimEnd().length > 60)).toBe(true);
        execFileSync('tmux', ['-L', SOCKET, 'resize-window', '-t', 'pane', '-x', '60']);
        await pane.waitFor(/^Ingesting .*\n\S+ +\d+\/\d+ files +\d+%$/m);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const narrow = pane.screen();
        const rows = narrow.split('\n');
        expect(
          rows.filter((row) => row.startsWith('Ingesting ')),
          narrow,
        ).toHaveLength(1);
        expect(
          rows.filter((row) => /\d+\/\d+ files +\d+%$/.test(row)),
          narrow,
        ).toHaveLength(1);
        expect(
          rows.filter((row) => row.startsWith('In flight (')),
          narrow,
        ).toHaveLength(1);
        expect(
          rows.filter((row) => row.startsWith('elapsed ')),
          narrow,
        ).toHaveLength(1);
        // The first row is the frame's own header: nothing of the old frame left above it.
        expect(rows[0], narrow).toMatch(/^Ingesting /);
      } finally {
        workspace.release();
        pane?.close();
      }
    }, 180_000);
  },
);
