// The dashboard in Spanish in a 60×20 terminal, as a records administrator sees it (the built CLI in tmux).
// Its figures are longer in Spanish than a 60-column line: cut in the middle, 'restante ….5 archivos/s'
// read as another figure. They break between two figures instead, and the summary's lines at spaces.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';
import { canRun } from '../support/scans.js';

const SOCKET = `tecsalud-dashboard-narrow-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const FILES = [
  '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
  '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf',
  '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf',
];

let root: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-dashboard-narrow-');
  fs.mkdirSync(path.join(root, 'drop'));
  for (const file of FILES) fs.copyFileSync(path.join(SAMPLE_DIR, file), path.join(root, 'drop', file));
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
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
  'the Spanish dashboard at 60×20',
  { tags: ['slow'] },
  () => {
    it('breaks its figures between two of them, never in the middle of one', async () => {
      const exitFile = path.join(root, 'exit');
      const command = [
        `cd ${JSON.stringify(root)}`,
        // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 node ${JSON.stringify(BIN)} ingest drop --db registry.db`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'ingest', '-x', '60', '-y', '20', command);
      const deadline = Date.now() + 60_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
      const screen = tmux('capture-pane', '-p', '-t', 'ingest');
      const figureRows = screen
        .split('\n')
        .filter((row) =>
          /transcurrido|restante|archivos\/s|leídos|extraídos|indexados|fallidos \d/.test(row),
        );
      for (const row of figureRows) expect(row, screen).not.toContain('…');
      expect(screen).toMatch(/^transcurrido \d+:\d{2} · restante \d+:\d{2}( · |$)/m);
      expect(screen).toMatch(/(^| · )\d+(\.\d+)? páginas\/s$/m);
      expect(screen).toMatch(/^leídos 3 · asignados 3 · pacientes nuevos 0( · |$)/m);
      expect(screen).toMatch(/(^| · )extraídos 3$/m);
      expect(screen).toMatch(/^indexados 3 · guardados 3 · duplicados 0 · fallidos 0$/m);
      // The summary under it breaks at spaces too, not wherever the terminal's edge falls in a word.
      expect(screen).toContain(
        '\n  3 archivos: 3 ingresados, 0 duplicados, 0 en espera de\n    revisión, 0 fallidos\n',
      );
      expect(screen).toMatch(
        /\n {2}pacientes: 0 creados · 3 archivos asignados a pacientes ya\n {4}registrados · \d+ páginas?, \d+ fragmentos\n/,
      );
    }, 90_000);
  },
);
