// Ctrl-C on the live dashboard, in Spanish, as a records administrator does it (the built CLI in tmux): the
// frame left on screen says how long it ran and that no time is left to tell, not 'restante 0:00' beside
// files not done. A second Ctrl-C stops at once, and still says which session the next run finishes. Without
// the dashboard (--non-interactive), what the first Ctrl-C says above the progress bar is there whole.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from '../../fixtures/generator/index.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { canRun } from '../support/scans.js';

const SOCKET = `tecsalud-dashboard-interrupt-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });

let root: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-dashboard-interrupt-');
  await writeCorpus({
    files: 60,
    seed: 11,
    maxPages: 3,
    out: path.join(root, 'drop'),
    registryFile: path.join(root, 'registry.csv'),
    manifestFile: path.join(root, 'manifest.json'),
  });
  for (const db of ['registry.db', 'twice.db', 'plain.db']) {
    const imported = await runCli(['patients', 'import', 'registry.csv', '--db', db], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);
  }
});

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // Never started, or already gone.
  }
  fs.rmSync(root, { recursive: true, force: true });
});

describe.runIf(canRun('tmux', ['-V']) || process.env.CI)(
  'the Spanish dashboard after Ctrl-C',
  { tags: ['slow'] },
  () => {
    it('gives no time left for the files not done', async () => {
      const exitFile = path.join(root, 'exit');
      const command = [
        `cd ${JSON.stringify(root)}`,
        // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 node ${JSON.stringify(BIN)} ingest drop --db registry.db --concurrency 1`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'ingest', '-x', '100', '-y', '30', command);
      const started = Date.now() + 60_000;
      while (!/leídos [1-9]/.test(tmux('capture-pane', '-p', '-t', 'ingest')) && Date.now() < started)
        await new Promise((resolve) => setTimeout(resolve, 20));
      tmux('send-keys', '-t', 'ingest', 'C-c');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const screen = tmux('capture-pane', '-p', '-t', 'ingest');
      expect(fs.readFileSync(exitFile, 'utf8').trim(), screen).toBe('130');
      expect(screen).toMatch(/^Ingesta interrumpida en [\d.]+ s/m);
      expect(screen).toMatch(/^transcurrido \d+:\d{2} · restante – · /m);
    }, 120_000);

    it('a second Ctrl-C stops at once and says which session the next run finishes', async () => {
      const exitFile = path.join(root, 'exit-twice');
      const command = [
        `cd ${JSON.stringify(root)}`,
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 node ${JSON.stringify(BIN)} ingest drop --db twice.db --concurrency 1`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'twice', '-x', '100', '-y', '30', command);
      const started = Date.now() + 60_000;
      while (!/leídos [1-9]/.test(tmux('capture-pane', '-p', '-t', 'twice')) && Date.now() < started)
        await new Promise((resolve) => setTimeout(resolve, 20));
      // Both in one write, as a terminal delivers two presses: the second comes while files are in flight.
      tmux('send-keys', '-t', 'twice', 'C-c', 'C-c');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const screen = tmux('capture-pane', '-p', '-t', 'twice');
      expect(fs.readFileSync(exitFile, 'utf8').trim(), screen).toBe('130');
      const listed = await runCli(['sessions', '--json', '--db', 'twice.db'], { cwd: root });
      const [session] = JSON.parse(listed.stdout) as { session_id: string; status: string }[];
      expect(session!.status).toBe('interrupted');
      expect(screen.replace(/\n {2}/g, ' ')).toContain(
        `Detenido de inmediato: los archivos en curso quedan pendientes; ejecute el mismo comando otra vez para ` +
          `terminar la sesión ${session!.session_id.slice(0, 8)}.`,
      );
    }, 120_000);

    it('--non-interactive: what Ctrl-C says stays whole above the progress bar, however long', async () => {
      const exitFile = path.join(root, 'exit-plain');
      const command = [
        `cd ${JSON.stringify(root)}`,
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 node ${JSON.stringify(BIN)} ingest drop --db plain.db --concurrency 1 --non-interactive`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'plain', '-x', '80', '-y', '30', command);
      const started = Date.now() + 60_000;
      while (!/\/60 archivos/.test(tmux('capture-pane', '-p', '-t', 'plain')) && Date.now() < started)
        await new Promise((resolve) => setTimeout(resolve, 20));
      tmux('send-keys', '-t', 'plain', 'C-c');
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const screen = tmux('capture-pane', '-p', '-t', 'plain');
      expect(fs.readFileSync(exitFile, 'utf8').trim(), screen).toBe('130');
      // Broken between words onto indented rows, none of them overwritten by the bar.
      expect(screen.replace(/\n {2}/g, ' ')).toContain(
        'Interrumpido: no se inician archivos nuevos; los que están en curso terminan (un escaneo en OCR se ' +
          'detiene y queda pendiente). Ctrl-C otra vez detiene de inmediato (los archivos sin terminar quedan ' +
          'pendientes para la siguiente ejecución).',
      );
    }, 120_000);
  },
);
