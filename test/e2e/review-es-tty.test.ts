// An ingest's review walked in Spanish, as a records administrator reads it in a real terminal (the built
// CLI in tmux): the keys' help and notices, and the closing summary, whose words agree with their number
// and where a case shown but left undecided is «visto», not «revisado».
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pastKeyGuardOf } from '../support/tmux-pane.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import {
  ID_CONFLICT_FILE,
  NAME_ONLY_FILE,
  REGISTRY_CSV,
  SAMPLE_DIR,
} from '../review/support/ingested-sample.js';
import { canRun } from '../support/scans.js';

const SOCKET = `tecsalud-review-es-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const FILES = ['3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf', ID_CONFLICT_FILE, NAME_ONLY_FILE];

let root: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-review-es-');
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

async function waitFor(text: string, pane = 'ingest'): Promise<string> {
  const deadline = Date.now() + 60_000;
  let shown = '';
  while (Date.now() < deadline) {
    shown = tmux('capture-pane', '-p', '-t', pane);
    if (shown.includes(text)) return shown;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for '${text}'; the screen shows:\n${shown}`);
}

/** The review ignores keys for a moment after it draws a case (nothing decided unseen): see pastKeyGuardOf. */
const pastKeyGuard = () => pastKeyGuardOf(() => tmux('capture-pane', '-p', '-t', 'ingest'));

describe.runIf(canRun('tmux', ['-V']) || process.env.CI)(
  'the Spanish summary after a review',
  { tags: ['slow'] },
  () => {
    it('undo with nothing to undo, the help, then one rejected and one left waiting: the words a clerk reads', async () => {
      const exitFile = path.join(root, 'exit');
      const command = [
        `cd ${JSON.stringify(root)}`,
        // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 node ${JSON.stringify(BIN)} ingest drop --db registry.db --user e2e`,
        `echo $? > ${JSON.stringify(exitFile)}`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'ingest', '-x', '140', '-y', '30', command);
      await waitFor('Revisión 1 de 2');
      const first = await waitFor('Candidatos');
      // Birth dates as Mexico writes them, as the document's own text does: the document's and the candidate's.
      expect(first).toMatch(/n\.\s+04\/08\/1963/);
      expect(first).toMatch(/n\.\s+11\/07\/1956/);
      await pastKeyGuard();
      // «Sesión» is the ingest session named in the header; the sitting is «esta revisión».
      tmux('send-keys', '-t', 'ingest', '-l', 'u');
      await waitFor('no hay nada que deshacer en esta revisión');
      tmux('send-keys', '-t', 'ingest', '-l', '?');
      const help = await waitFor('Teclas');
      expect(help).toContain('u    deshacer la última decisión de esta revisión');
      expect(help).toContain('1–9  asignar el documento a ese candidato (si es riesgoso, se confirma con y)');
      tmux('send-keys', '-t', 'ingest', '-l', '?');
      await waitFor('Candidatos');
      await pastKeyGuard();
      tmux('send-keys', '-t', 'ingest', '-l', 'r');
      await waitFor('Revisión 2 de 2');
      // At 100 columns the case line keeps its confidence and pages beside why the document is held.
      tmux('resize-window', '-t', 'ingest', '-x', '100', '-y', '30');
      // Loaded (the held line gets its pages then: while it loads it reads 'Cargando…' under that line) and
      // redrawn at the new width (a frame drawn at 140 columns first rewraps at 100).
      await waitFor('Candidatos');
      await pastKeyGuard();
      const narrow = tmux('capture-pane', '-p', '-t', 'ingest');
      expect(narrow).toMatch(
        /^En revisión: el documento contradice la asignación por nombre de archivo \(0\.\d\d\) · \d+ páginas?$/m,
      );
      tmux('resize-window', '-t', 'ingest', '-x', '140', '-y', '30');
      await waitFor('Revisión 2 de 2');
      await pastKeyGuard();
      tmux('send-keys', '-t', 'ingest', '-l', 'q');
      const deadline = Date.now() + 30_000;
      while (!fs.existsSync(exitFile) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const screen = tmux('capture-pane', '-p', '-t', 'ingest');
      expect(fs.readFileSync(exitFile, 'utf8').trim(), screen).toBe('2'); // a file still waits for review
      expect(screen).toContain(
        '3 archivos: 1 ingresado, 0 duplicados, 1 rechazado en revisión, 1 en espera de revisión, 0 fallidos',
      );
      expect(screen).toContain('pacientes: 0 creados · 1 archivo asignado a pacientes ya registrados');
      expect(screen).toContain(
        'Revisión: 2 de 2 archivos vistos · 0 asignados, 0 pacientes nuevos, 1 rechazado, 0 omitidos · 1 sigue en espera de revisión.',
      );
    }, 90_000);

    it('a document detached in the evening in Monterrey: its header names the day there, day first', async () => {
      const ingested = await runCli(['ingest', 'drop', '--db', 'detached.db', '--non-interactive'], {
        cwd: root,
      });
      expect(ingested.code, ingested.stderr).toBe(2);
      const handle = new Database(path.join(root, 'detached.db'));
      const documentId = (
        handle.prepare("select id from medical_documents where expediente = '3000016374'").get() as {
          id: string;
        }
      ).id;
      handle.close();
      const detached = await runCli(
        ['documents', 'detach', documentId.slice(0, 8), '--db', 'detached.db', '--user', 'jlopez'],
        { cwd: root },
      );
      expect(detached.code, detached.stderr).toBe(0);
      // 19:21 of 4 December in Monterrey (UTC−6) is already the 5th in UTC.
      const edit = new Database(path.join(root, 'detached.db'));
      edit
        .prepare(
          "update batch_files set matching_details = json_set(matching_details, '$.detached.at', '2026-12-05T01:21:38.573Z') " +
            "where relative_path like '3000016374_%'",
        )
        .run();
      edit.close();
      const command = [
        `cd ${JSON.stringify(root)}`,
        `env -u CI -u CONTINUOUS_INTEGRATION LANG=es_MX.UTF-8 TZ=America/Monterrey node ${JSON.stringify(BIN)} review --db detached.db --user e2e`,
        'sleep 300',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'detached', '-x', '140', '-y', '30', command);
      const shown = await waitFor('Desasignado del exp', 'detached');
      expect(shown).toContain('Desasignado del exp 3000016374 por jlopez el 04/12/2026');
    }, 90_000);
  },
);
