// Keys typed while `ingest` starts up, as an admin at a prompt types them (the built CLI in tmux, from an
// interactive bash): never drawn in front of the dashboard's first line, never a review decision, never
// left for the shell.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { copyDelivered } from '../support/delivered-files.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-type-ahead-${process.pid}`;
const TYPED = '1r1rqxyz';

/**
 * What a terminal shows on the row where the text `marker` is first drawn, before it: the bytes written since
 * that row was last started or erased (CR, LF, erase-line), escape sequences left out.
 */
function drawnBefore(raw: string, marker: string): string {
  const at = raw.indexOf(marker);
  expect(at, `"${marker}" never drawn`).toBeGreaterThan(-1);
  const before = raw.slice(0, at);
  // eslint-disable-next-line no-control-regex
  const starts = [...before.matchAll(/\r|\n|\u001b\[[012]?K/g)];
  const start = starts.length > 0 ? starts.at(-1)!.index + starts.at(-1)![0].length : 0;
  // eslint-disable-next-line no-control-regex
  return before.slice(start).replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

describe.skipIf(!hasTmux() && !process.env.CI)(
  'keys typed before the dashboard (tmux)',
  { tags: ['slow'] },
  () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A folder of its own with the sample delivered in it, and a registry with the sample's patients. */
    async function sampleToIngest(prefix: string): Promise<{ dir: string; source: string; db: string }> {
      const dir = createTempDir(prefix);
      dirs.push(dir);
      const source = path.join(dir, 'sample');
      copyDelivered(SAMPLE_DIR, source);
      const db = path.join(dir, 'registry.db');
      expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
      return { dir, source, db };
    }

    it('are not echoed on its first line, decide no review and are not left for the shell', async () => {
      const { dir, source, db } = await sampleToIngest('tecsalud-type-ahead-');
      const recorded = path.join(dir, 'pane.out');
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          dir,
          ['ingest', source, '--user', 'e2e', '--lang', 'en', '--db', db],
          {},
          { jobControl: true, recordTo: recorded },
        );
        // Typed while node starts: the terminal echoes them, and they wait to be read.
        pane.type(TYPED);
        await pane.waitFor('Review 1 of 2');
        const raw = fs.readFileSync(recorded, 'utf8');
        expect(raw, 'the keys were typed before the dashboard').toContain(TYPED);
        expect(drawnBefore(raw, 'Ingest')).toBe('');
        await pane.pastKeyGuard();
        pane.type('q');
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/EXITED 3/); // the sample's three bad files; the reviews still wait
        // Nothing left for the shell: its next prompt is empty.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(
          pane
            .screen()
            .split('\n')
            .filter((row) => row.trim())
            .at(-1),
        ).toBe('$');
      } finally {
        pane?.close();
      }
      const database = new Database(db, { readonly: true });
      try {
        const decided = database.prepare("select action from audit_log where action like 'review%'").all();
        expect(decided).toEqual([]);
      } finally {
        database.close();
      }
    }, 180_000);

    it('with Enter, typed once node runs: no line of them is left above the dashboard, none is run, echo comes back', async () => {
      const { dir, source, db } = await sampleToIngest('tecsalud-type-ahead-enter-');
      const marker = path.join(dir, 'typed-ahead-marker');
      const modes = { before: path.join(dir, 'modes.before'), after: path.join(dir, 'modes.after') };
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          dir,
          ['ingest', source, '--user', 'e2e', '--lang', 'en', '--db', db],
          {},
          { jobControl: true, modesTo: modes },
        );
        // Once node runs (the shell's line editor no longer holds the terminal): before the program's first line
        // the terminal still echoes them, Enter as a line of its own.
        const deadline = Date.now() + 30_000;
        while (pane.commandPid() === null && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
        pane.type(`touch ${marker}`);
        pane.press('Enter');
        pane.type('xyz');
        const review = await pane.waitFor('Review 1 of 2');
        expect(review).not.toContain('typed-ahead-marker');
        await pane.pastKeyGuard();
        pane.type('q');
        await pane.waitFor(/EXITED \d+/);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const after = pane.history();
        expect(after).toMatch(/Ingest \S.* in [\d.]+ s/); // the dashboard's final frame
        expect(after).not.toContain('typed-ahead-marker');
        expect(after).not.toContain('xyz');
        expect(fs.existsSync(marker), 'the shell ran the line typed ahead').toBe(false);
        const before = fs.readFileSync(modes.before, 'utf8').trim();
        expect(fs.readFileSync(modes.after, 'utf8').trim()).toBe(before);
      } finally {
        pane?.close();
      }
    }, 180_000);
  },
);
