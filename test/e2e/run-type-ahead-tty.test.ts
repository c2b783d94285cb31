// Keys typed while `ingest` runs on a terminal without the dashboard (--non-interactive: the progress bar), as an
// admin at a prompt types them (the built CLI in tmux, from an interactive bash): never echoed onto the progress
// line, never run by the shell once the run ends; and the terminal given back as it was found on every way out.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { hasTmux, launchInTmux, type TmuxPane } from '../support/tmux-pane.js';

const SOCKET = `tecsalud-run-type-ahead-${process.pid}`;

/** The progress bar's line while the run goes on (`12/80 files · 0 failed …`). */
const BAR = /\d+\/\d+ files ·/;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'keys typed during a run without the dashboard (tmux)',
  { tags: ['slow'] },
  () => {
    let root: string;
    let runs = 0;
    beforeAll(async () => {
      root = createTempDir('tecsalud-run-type-ahead-');
      // Enough files that the run is still going on when the keys are typed, on a quiet machine too.
      await writeCorpus({
        files: 80,
        seed: 7,
        maxPages: 3,
        out: path.join(root, 'drop'),
        registryFile: path.join(root, 'registry.csv'),
        manifestFile: path.join(root, 'manifest.json'),
      });
    }, 120_000);
    afterAll(() => {
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    /** A run of its own (a new registry: the folder is done for the one before), its terminal modes recorded. */
    async function launchRun(
      args: string[],
    ): Promise<{ pane: TmuxPane; modes: { before: string; after: string } }> {
      runs += 1;
      const db = `registry-${runs}.db`;
      const imported = await runCli(['patients', 'import', 'registry.csv', '--db', db], { cwd: root });
      expect(imported.code, imported.stderr).toBe(0);
      const modes = {
        before: path.join(root, `modes-${runs}.before`),
        after: path.join(root, `modes-${runs}.after`),
      };
      const pane = launchInTmux(
        SOCKET,
        root,
        ['ingest', 'drop', '--db', db, '--concurrency', '1', '--lang', 'en', ...args],
        {},
        { jobControl: true, modesTo: modes },
      );
      return { pane, modes };
    }

    /** The terminal's modes after the run are the ones before it (echo, line editing, signals all back). */
    function expectModesRestored(modes: { before: string; after: string }): void {
      const before = fs.readFileSync(modes.before, 'utf8').trim();
      expect(before).not.toBe('');
      expect(fs.readFileSync(modes.after, 'utf8').trim()).toBe(before);
    }

    /**
     * `--non-interactive` run whose progress bar is up (its screen at that moment given to `whileRunning`), then,
     * once `whileRunning` has ended it or let it end, the terminal's modes checked as they were found.
     */
    async function duringRun(
      whileRunning: (pane: TmuxPane, running: string) => Promise<void>,
    ): Promise<void> {
      const { pane, modes } = await launchRun(['--non-interactive']);
      try {
        await whileRunning(pane, await pane.waitFor(BAR));
        expectModesRestored(modes);
      } finally {
        pane.close();
      }
    }

    it('--non-interactive: are not echoed on the progress line nor run by the shell once it ends', async () => {
      const marker = path.join(root, 'typed-during-the-run');
      await duringRun(async (pane, running) => {
        expect(running, 'the run had ended before the keys were typed').not.toMatch(/completed in/);
        pane.type(`touch ${marker}`);
        pane.press('Enter');
        pane.type('echo LEFT-OVER');
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/completed in/);
        // The shell reads what is typed now, and echoes it: nothing of the run's keys is in front of it.
        pane.type('echo SHELL-$((6*7))');
        pane.press('Enter');
        const after = await pane.waitFor('SHELL-42');
        expect(after).toContain('$ echo SHELL-$((6*7))');
        const everything = pane.history();
        expect(everything).not.toContain('typed-during-the-run');
        expect(everything).not.toContain('LEFT-OVER');
        expect(fs.existsSync(marker), 'the shell ran a command typed during the run').toBe(false);
      });
    }, 180_000);

    it('Ctrl-Z is refused with the reason (the job is not stopped), and Ctrl-C still stops the run (130)', async () => {
      await duringRun(async (pane) => {
        pane.press('C-z');
        const refused = await pane.waitFor('Ctrl-Z does not pause a run');
        expect(refused).not.toContain('Stopped');
        pane.press('C-c');
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/EXITED 130/);
      });
    }, 180_000);

    it('SIGTERM (a kill, a shutdown) mid-run: the terminal is given back as it was', async () => {
      await duringRun(async (pane) => {
        pane.type('typed before the kill');
        process.kill(pane.commandPid()!, 'SIGTERM');
        await pane.waitFor(/EXITED \d+/);
        // Nothing left for the shell either: its next prompt is empty.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(pane.history()).not.toContain('typed before the kill');
        expect(
          pane
            .screen()
            .split('\n')
            .filter((row) => row.trim())
            .at(-1),
        ).toBe('$');
      });
    }, 180_000);

    it('a run started in the background (`… > run.log 2>&1 &`) runs to its end: it does not take the terminal', async () => {
      // Raw mode set from the background stops the job ("Stopped (tty output)"): IT's `&` run would never finish.
      runs += 1;
      const db = `registry-${runs}.db`;
      expect((await runCli(['patients', 'import', 'registry.csv', '--db', db], { cwd: root })).code).toBe(0);
      const log = path.join(root, `background-${runs}.log`);
      const socket = `${SOCKET}-bg`;
      const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
      tmux(
        'new-session',
        '-d',
        '-s',
        'pane',
        '-x',
        '100',
        '-y',
        '30',
        'env PS1="$ " bash --norc --noprofile -i',
      );
      try {
        const command = `cd ${JSON.stringify(root)}; env -u CI node ${JSON.stringify(BIN)} ingest drop --db ${db} --non-interactive --lang en > ${JSON.stringify(log)} 2>&1 &`;
        tmux('send-keys', '-t', 'pane', '-l', command);
        tmux('send-keys', '-t', 'pane', 'Enter');
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline && !/completed/.test(readIfThere(log)))
          await new Promise((resolve) => setTimeout(resolve, 250));
        tmux('send-keys', '-t', 'pane', '-l', 'jobs -l');
        tmux('send-keys', '-t', 'pane', 'Enter');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(tmux('capture-pane', '-p', '-t', 'pane')).not.toContain('Stopped');
        expect(readIfThere(log)).toMatch(/Session \S+ — completed/);
      } finally {
        try {
          tmux('kill-server');
        } catch {
          // already gone
        }
      }
    }, 180_000);

    it('a refusal before the run (no such folder, 64): the terminal is given back as it was', async () => {
      runs += 1;
      const modes = {
        before: path.join(root, `modes-${runs}.before`),
        after: path.join(root, `modes-${runs}.after`),
      };
      const pane = launchInTmux(
        SOCKET,
        root,
        ['ingest', 'no-such-folder', '--db', 'registry-refused.db', '--lang', 'en'],
        {},
        { jobControl: true, modesTo: modes },
      );
      try {
        const end = await pane.waitFor(/EXITED \d+/);
        expect(end).toMatch(/EXITED 64/);
        expectModesRestored(modes);
      } finally {
        pane.close();
      }
    }, 60_000);
  },
);

function readIfThere(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}
