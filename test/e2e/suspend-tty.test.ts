// Ctrl-Z as an admin presses it at a prompt with job control (the built CLI in tmux, from an interactive
// bash): the review stops as a job and comes back whole with `fg`; a running ingest says why it does not
// stop, and Ctrl-C still ends it with 130.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';
import { copyDatabase, ingestSample, type IngestedSample } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-suspend-${process.pid}`;

let sample: IngestedSample;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'Ctrl-Z (tmux, bash with job control)',
  { tags: ['slow'] },
  () => {
    const dirs: string[] = [];
    beforeAll(async () => {
      sample = await ingestSample();
    });
    afterAll(() => {
      sample?.cleanup();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('review: stops the job, the shell gets its screen; fg draws the case again and keys act in raw mode', async () => {
      const copy = copyDatabase(sample.templateDb);
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          sample.sourceDir,
          ['review', '--user', 'e2e', '--lang', 'en', '--db', copy.url],
          {},
          { jobControl: true, columns: 80, rows: 24 },
        );
        await pane.waitFor(/Review 1 of 2[\s\S]*Candidates \(/);
        await pane.pastKeyGuard();
        pane.press('C-z');
        // The shell's own screen (not the review's alternate one), the job stopped.
        const stopped = await pane.waitFor(/Stopped/);
        expect(stopped).not.toContain('Review 1 of 2');
        expect(stopped).not.toMatch(/EXITED \d+/);
        pane.type('fg');
        pane.press('Enter');
        const back = await pane.waitFor('Review 1 of 2');
        expect(back).toMatch(/attach · n new · r reject/);
        await pane.pastKeyGuard();
        // Raw mode again: one key acts, without Enter.
        pane.type('s');
        await pane.waitFor(/Review 2 of 2[\s\S]*Candidates \([\s\S]*skipped/); // the case drawn, the skip's notice under it
        await pane.pastKeyGuard();
        pane.type('q');
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/EXITED 2/);
        expect(end).toMatch(/1 skipped/);
      } finally {
        pane?.close();
        copy.cleanup();
      }
    }, 180_000);

    it('dashboard: says why a run does not stop and how to end it; the run goes on, and Ctrl-C ends it with 130', async () => {
      const root = createTempDir('tecsalud-suspend-ingest-');
      dirs.push(root);
      // Enough files that the run is still going on long after the notice, on a quiet machine (~5 files/s at
      // --concurrency 1) as on a loaded one: a run that had parsed every file could not show its count going on.
      await writeCorpus({
        files: 150,
        seed: 11,
        maxPages: 3,
        out: path.join(root, 'drop'),
        registryFile: path.join(root, 'registry.csv'),
        manifestFile: path.join(root, 'manifest.json'),
      });
      const imported = await runCli(['patients', 'import', 'registry.csv', '--db', 'registry.db'], {
        cwd: root,
      });
      expect(imported.code, imported.stderr).toBe(0);
      let pane: TmuxPane | null = null;
      try {
        pane = launchInTmux(
          SOCKET,
          root,
          ['ingest', 'drop', '--db', 'registry.db', '--concurrency', '1', '--lang', 'en'],
          {},
          { jobControl: true, columns: 100, rows: 30 },
        );
        await pane.waitFor(/parsed [1-9]/);
        pane.press('C-z');
        const refused = await pane.waitFor('Ctrl-Z does not pause a run');
        expect(refused.replace(/\s+/g, ' ')).toContain(
          'Ctrl-Z does not pause a run (stopped, its files in flight would time out and fail): Ctrl-C stops it, and the next run resumes it.',
        );
        expect(refused).not.toContain('Stopped');
        // Still running: the count goes on.
        const parsed = (screen: string) => Number(/parsed (\d+)/.exec(screen)?.[1] ?? 0);
        const before = parsed(refused);
        const deadline = Date.now() + 60_000;
        while (parsed(pane.screen()) <= before && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(parsed(pane.screen()), pane.screen()).toBeGreaterThan(before);
        pane.press('C-c');
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/EXITED 130/);
      } finally {
        pane?.close();
      }
    }, 240_000);
  },
);
