import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { pastKeyGuardOf } from '../support/tmux-pane.js';
import { BIN, runCli } from '../support/cli-binary.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import { createTempDir } from '../support/databases.js';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  NAME_ONLY_FILE,
  REGISTRY_CSV,
  SAMPLE_DIR,
} from '../review/support/ingested-sample.js';
import type { DatabaseCopy, IngestedSample } from '../review/support/ingested-sample.js';
import { copyDelivered } from '../support/delivered-files.js';

const SOCKET = `tecsalud-e2e-${process.pid}`;

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** The visible screen, one string per row. */
function screen(pane: string): string {
  return tmux('capture-pane', '-p', '-t', pane);
}

/** The scrollback and the screen of the main (not the alternate) screen. */
function history(pane: string): string {
  return tmux('capture-pane', '-p', '-S', '-', '-t', pane);
}

/** Polls the pane until every pattern shows, instead of sleeping blindly. */
function waitFor(pane: string, ...patterns: (RegExp | string)[]): Promise<string> {
  return waitForWithin(120_000, pane, ...patterns);
}

/** waitFor, failing unless the screen shows the patterns within `ms` (a screen that must not freeze). */
async function waitForWithin(ms: number, pane: string, ...patterns: (RegExp | string)[]): Promise<string> {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    last = screen(pane);
    if (patterns.every((p) => (typeof p === 'string' ? last.includes(p) : p.test(last)))) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `timed out waiting for ${patterns.map(String).join(' and ')}; the screen shows:\n${last}\n${paneState(pane)}`,
  );
}

/**
 * What a blank or frozen screen cannot say: whether the command still runs, on which screen, and in which
 * state its processes are (stopped, asleep in the kernel), with the last lines of the screen not shown.
 */
function paneState(pane: string): string {
  try {
    const [alternate, dead, tty] = tmux(
      'display-message',
      '-p',
      '-t',
      pane,
      '#{alternate_on} #{pane_dead} #{pane_tty}',
    )
      .trim()
      .split(' ');
    const processes = execFileSync(
      'ps',
      ['-o', 'pid,ppid,stat,wchan:24,etime,args', '-t', tty!.replace('/dev/', '')],
      {
        encoding: 'utf8',
      },
    );
    const main = tmux('capture-pane', '-p', '-a', '-q', '-t', pane)
      .trimEnd()
      .split('\n')
      .slice(-10)
      .join('\n');
    return `alternate screen: ${alternate === '1' ? 'on' : 'off'}; pane dead: ${dead}\n${processes}the screen not shown (the main one while the alternate is on), its last lines:\n${main}`;
  } catch (error) {
    return `(the pane's state could not be read: ${(error as Error).message})`;
  }
}

/** Every pane of the test's tmux server, as the review's key guard is waited out on whichever shows it. */
function allPanes(): string {
  return tmux('list-panes', '-a', '-F', '#{pane_id}')
    .split('\n')
    .filter(Boolean)
    .map((pane) => screen(pane))
    .join('\n');
}

/** The review ignores keys for a moment after it draws a case or a confirmation: see pastKeyGuardOf. */
function pastKeyGuard(): Promise<void> {
  return pastKeyGuardOf(allPanes);
}

function press(pane: string, key: string): void {
  tmux('send-keys', '-t', pane, '-l', key);
}

/** Runs the built CLI in a new tmux window of the given size; the shell records the exit code. */
/**
 * Runs the CLI with the terminal as its stdio and writes its exit code once it ends, even after the terminal
 * is gone: it ignores the hang-up itself (the CLI, its child, still receives it).
 */
const OUTLIVES_TERMINAL = [
  "process.on('SIGHUP', () => {})",
  'const [exitFile, ...args] = process.argv.slice(1)',
  "require('node:child_process').spawn(process.execPath, args, { stdio: 'inherit' }).on('exit', (code, signal) => " +
    "{ require('node:fs').writeFileSync(exitFile, String(code ?? signal)); process.exitCode = code ?? 1; })",
].join('; ');

function launch(
  pane: string,
  size: { x: number; y: number },
  cwd: string,
  args: string,
  env = '',
  outlivingTheTerminal = false,
): string {
  const exitFile = path.join(cwd, `${pane}.exit`);
  const node = outlivingTheTerminal
    ? `node -e ${JSON.stringify(OUTLIVES_TERMINAL)} ${JSON.stringify(exitFile)}`
    : 'node';
  const command = [
    `cd ${JSON.stringify(cwd)}`,
    // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
    `env -u CI -u CONTINUOUS_INTEGRATION ${env} ${node} ${JSON.stringify(BIN)} ${args}`,
    `echo $? > ${JSON.stringify(exitFile)}`,
    `echo ${pane.toUpperCase()}-EXITED`,
    'sleep 300',
  ].join('; ');
  tmux('new-session', '-d', '-s', pane, '-x', String(size.x), '-y', String(size.y), command);
  return exitFile;
}

/** Keeps a capture for the closing note when TECSALUD_CAPTURE_DIR is set. */
function keep(name: string, text: string): void {
  const dir = process.env.TECSALUD_CAPTURE_DIR;
  if (dir) fs.writeFileSync(path.join(dir, `${name}.txt`), text);
}

const rows = (text: string) => text.replace(/\n$/, '').split('\n');

let sample: IngestedSample;

// Skipped only outside CI when tmux is missing; in CI (which installs tmux) a missing tmux fails.
describe.skipIf(!hasTmux() && !process.env.CI)('review in a real terminal (tmux)', { tags: ['slow'] }, () => {
  const copies: DatabaseCopy[] = [];
  beforeAll(async () => {
    sample = await ingestSample();
  });
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    for (const copy of copies) copy.cleanup();
    sample?.cleanup();
  });

  it('at 80×24: discards type-ahead, fits, confirms risky attaches, and leaves the scrollback alone', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const cwd = path.dirname(copy.url);
    // Two more BONILLA SEPÚLVEDA in the registry: the id-conflict case gets four candidates.
    const extra = path.join(cwd, 'extra.csv');
    fs.writeFileSync(
      extra,
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '3000147717,BONILLA,SEPULVEDA,ADRIANA MARIA,1950-09-14,F\n' +
        '3000576012,BONILLA,SEPULVEDA,ANA,1950-09-14,F\n',
    );
    expect((await runCli(['patients', 'import', extra, '--db', copy.url], { cwd })).code).toBe(0);

    const pane = 'fit';
    const exitFile = launch(
      pane,
      { x: 80, y: 24 },
      cwd,
      `review --user e2e-reviewer --lang en --db ${JSON.stringify(copy.url)}`,
    );
    // Typed before anything is on screen: must decide nothing.
    press(pane, '1ry');
    const first = await waitFor(pane, 'Review 1 of 2', /\? help/);
    let database = await copy.open();
    try {
      const decided = await database.db
        .selectFrom('auditLog')
        .select('action')
        .where('actor', '=', 'e2e-reviewer')
        .execute();
      expect(decided).toEqual([]);
    } finally {
      await database.close();
    }
    expect(first).not.toMatch(/[✓✗] (attached|rejected)/);

    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const shown = await waitFor(pane, `Review ${i + 1} of 2`, /attach · n new · r reject/);
      await pastKeyGuard();
      const lines = rows(shown);
      expect(lines.length).toBeLessThanOrEqual(24);
      expect(lines[0]).toMatch(/^Review \d of 2 · session \w{8} · reviewer e2e-reviewer +\? help$/);
      if (shown.includes('ID CONFLICT')) {
        seen.add('conflict');
        keep('case-four-candidates-80x24', shown);
        expect(lines[1]).toContain(ID_CONFLICT_FILE);
        expect(lines[2]).toContain('exp 3000576011');
        expect(shown).toContain('Candidates (4)');
        expect(shown).toMatch(/1-4 attach · n new · r reject/);
        press(pane, '?');
        const help = await waitFor(pane, 'Keys', 'closes the help');
        keep('help-80x24', help);
        expect(rows(help)[0]).toMatch(/^Review \d of 2/);
        press(pane, 'q'); // closes the help, does not quit
        await waitFor(pane, 'Candidates (4)');
        press(pane, 'n'); // refused: the expediente belongs to someone else
        await waitFor(pane, /✗ expediente 3000576011 already belongs to/);
        const owner = shown.split('\n').find((l) => /^ \d 3000576011/.test(l))!;
        press(pane, owner.trim()[0]!); // the expediente's owner, clearly another person
        // Longer than 80×24: the arrows read on (they do not cancel it).
        const confirm = await waitFor(
          pane,
          /y attach · (↑↓ read on · )?any other key cancels/,
          'ACOSTA MORALES, JORGE',
        );
        keep('confirm-80x24', confirm);
        await pastKeyGuard();
        expect(confirm).toContain('clearly another person');
        press(pane, 'x');
        await waitFor(pane, 'Candidates (4)');
        press(pane, 'r');
      } else {
        seen.add('name_only');
        expect(lines[1]).toContain(NAME_ONLY_FILE);
        press(pane, '1'); // the document's birth date differs from the registry's: confirm
        await waitFor(pane, /y attach · (↑↓ read on · )?any other key cancels/);
        await pastKeyGuard();
        press(pane, 'y');
      }
    }
    expect(seen).toEqual(new Set(['conflict', 'name_only']));
    await waitFor(pane, /Walked 2 of 2 files: 1 attached, 0 new patients, 1 rejected, 0 skipped/);
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'FIT-EXITED');
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
    // The review lived in the alternate screen: the main screen holds the closing line, no frame of it.
    const after = history(pane);
    expect(after).toContain('0 still waiting for review');
    expect(after).not.toContain('Review 1 of 2');

    database = await copy.open();
    try {
      const files = await database.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('filename', 'in', [ID_CONFLICT_FILE, NAME_ONLY_FILE])
        .execute();
      expect(files.find((f) => f.filename === ID_CONFLICT_FILE)).toMatchObject({
        matchingStatus: 'rejected',
      });
      expect(files.find((f) => f.filename === NAME_ONLY_FILE)).toMatchObject({ matchingStatus: 'matched' });
      const audit = await database.db
        .selectFrom('auditLog')
        .select(['action', 'actorKind'])
        .where('actor', '=', 'e2e-reviewer')
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual(['review_attached', 'review_rejected']);
    } finally {
      await database.close();
    }

    // Rejected stays rejected: the same PDF in tomorrow's drop folder is set aside, not reviewed again …
    const drop = createTempDir('tecsalud-drop-');
    fs.copyFileSync(path.join(SAMPLE_DIR, ID_CONFLICT_FILE), path.join(drop, ID_CONFLICT_FILE));
    const rerun = await runCli(['ingest', drop, '--non-interactive', '--json', '--db', copy.url], { cwd });
    expect(JSON.parse(rerun.stdout).files[0]).toMatchObject({ outcome: 'previously_rejected' });
    // The closing summary adds up: set aside, not ingested (it recounted it as ingested once).
    const renamed = createTempDir('tecsalud-drop-');
    fs.copyFileSync(path.join(SAMPLE_DIR, ID_CONFLICT_FILE), path.join(renamed, ID_CONFLICT_FILE));
    const summary = await runCli(['ingest', renamed, '--non-interactive', '--db', copy.url], { cwd });
    expect(summary.stdout).toContain('1 file: 0 ingested, 0 duplicates, 1 set aside (rejected before)');
    fs.rmSync(renamed, { recursive: true, force: true });
    const pending = await runCli(['review', '--json', '--db', copy.url], { cwd });
    expect(JSON.parse(pending.stdout).pending).toEqual([]);
    // … until `review --reopen` lifts the rejection.
    const reopened = await runCli(
      ['review', '--reopen', sha(path.join(drop, ID_CONFLICT_FILE)).slice(0, 12), '--db', copy.url],
      {
        cwd,
      },
    );
    expect(reopened.code, reopened.stderr).toBe(0);
    const again = await runCli(['review', '--json', '--db', copy.url], { cwd });
    expect(JSON.parse(again.stdout).pending.map((p: { filename: string }) => p.filename)).toEqual([
      ID_CONFLICT_FILE,
    ]);
    fs.rmSync(drop, { recursive: true, force: true });
  }, 400_000);

  it('redraws cleanly on resize from 100×30 down to 60×20, header and key hints always on screen', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'resize';
    launch(
      pane,
      { x: 100, y: 30 },
      path.dirname(copy.url),
      `review --user e2e --db ${JSON.stringify(copy.url)}`,
      'LANG=es_MX.UTF-8',
    );
    await waitFor(pane, 'Revisión 1 de 2', '? ayuda');
    await pastKeyGuard();
    for (const [x, y] of [
      [80, 24],
      [60, 20],
      [100, 30],
      [60, 20],
    ] as const) {
      tmux('resize-window', '-t', pane, '-x', String(x), '-y', String(y));
      const shown = await waitFor(pane, 'Revisión 1 de 2');
      const lines = rows(shown);
      expect(lines.length).toBeLessThanOrEqual(y);
      expect(lines[0]).toMatch(/^Revisión 1 de 2/);
      // No stale header left behind by the previous size.
      expect(shown.split('Revisión 1 de 2')).toHaveLength(2);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(x);
      expect(shown).toMatch(/\? ayuda/);
    }
    press(pane, '?');
    const help = await waitFor(pane, 'Teclas');
    expect(rows(help)[0]).toMatch(/^Revisión 1 de 2/);
    keep('help-60x20-es', help);
    press(pane, '?'); // closes it (Esc followed at once by q would read as Alt-q)
    await waitFor(pane, 'Candidatos');
    // The pending list at 60 columns, then widened while open: one column each for expediente, type and name,
    // aligned; the expediente whole at every width, the reason only where it has room.
    press(pane, 'l');
    for (const [x, y] of [
      [60, 20],
      [120, 30],
    ] as const) {
      if (x !== 60) tmux('resize-window', '-t', pane, '-x', String(x), '-y', String(y));
      // At 120 the list's reason column (the header also says why it was held, so not that alone).
      const list = await waitFor(
        pane,
        'Casos pendientes (2)',
        ...(x === 120 ? [/FRANCISCO JAVIER {2}el nombre coincide/] : []),
      );
      keep(`list-${x}-es`, list);
      const [bonilla, martinez] = ['3000576011', '3000312954'].map((expediente) =>
        rows(list).find((row) => row.includes(`  ${expediente}  `))!,
      );
      expect(bonilla).toMatch(/^.\s+\d {2}pendiente +3000576011 {2}LAB {3}BONILLA SEP/);
      expect(martinez).toMatch(/^.\s+\d {2}pendiente +3000312954 {2}EMER {2}MARTÍNEZ MEJ/);
      expect(martinez!.indexOf('MARTÍNEZ')).toBe(bonilla!.indexOf('BONILLA'));
      if (x === 60) expect(`${bonilla}${martinez}`).not.toContain('·');
      else expect(martinez).toMatch(/MARTÍNEZ MEJÍA, FRANCISCO JAVIER {2}el nombre coincide/);
    }
    press(pane, 'l');
    await waitFor(pane, 'Candidatos');
    press(pane, 'q');
    await waitFor(pane, 'RESIZE-EXITED');
    expect(history(pane)).not.toContain('Revisión 1 de 2');
  }, 300_000);

  it.each(['Ctrl-C', 'SIGTERM', 'hang-up'] as const)(
    '%s while a decision is being written waits for it: the attach is whole, then the terminal is back',
    async (way) => {
      const root = createTempDir('tecsalud-review-ctrl-c-');
      const embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: 'sk-test-ctrl-c' });
      let release = () => {};
      try {
        const db = path.join(root, 'registry.db');
        fs.writeFileSync(
          path.join(root, 'tecsalud-batch.config.json'),
          JSON.stringify({
            embedder: 'openai',
            embedding: { model: 'text-embedding-3-small', dimensions: 16 },
          }),
        );
        const env = {
          OPENAI_API_KEY: 'sk-test-ctrl-c',
          OPENAI_BASE_URL: `${embeddings.url}/v1`,
          TECSALUD_DB: db,
        };
        expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
        const ingested = await runCli(['ingest', SAMPLE_DIR, '--non-interactive', '--json'], {
          cwd: root,
          env,
        });
        expect(ingested.code, ingested.stderr).toBe(3);
        // The review's attach embeds again: held there until the test lets it go.
        const held = new Promise<void>((resolve) => (release = resolve));
        embeddings.inject(...Array.from({ length: 20 }, () => ({ kind: 'held' as const, until: held })));
        const requestsBefore = embeddings.requests.length;

        const pane = { 'Ctrl-C': 'ctrlc', SIGTERM: 'sigterm', 'hang-up': 'hangup' }[way];
        const exitFile = launch(
          pane,
          { x: 100, y: 30 },
          root,
          'review --user e2e-ctrl-c --lang en',
          Object.entries(env)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(' '),
          // The terminal closes under the review (an ssh connection dropped): its shell goes with it, so
          // something that outlives the terminal must record how the review ended.
          way === 'hang-up',
        );
        let shown = await waitFor(pane, /Review 1 of 2/, /attach · n new/);
        await pastKeyGuard();
        if (shown.includes('ID CONFLICT')) {
          press(pane, 's');
          shown = await waitFor(pane, /Review 2 of 2/, NAME_ONLY_FILE.slice(0, 20));
          await pastKeyGuard();
        }
        press(pane, '1'); // the document's birth date differs from the registry's: confirm
        await waitFor(pane, 'y attach · any other key cancels');
        await pastKeyGuard();
        press(pane, 'y');
        while (embeddings.requests.length === requestsBefore)
          await new Promise((resolve) => setTimeout(resolve, 50));
        if (way === 'hang-up') {
          tmux('kill-session', '-t', pane);
          // The decision is still being written: the review has not ended.
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(fs.existsSync(exitFile), 'the review ended before its decision was written').toBe(false);
          release();
          const deadline = Date.now() + 60_000;
          while (!fs.existsSync(exitFile) && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 100));
          // No terminal to write to any more is no crash: the review ends as after Ctrl-C, interrupted (130).
          expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('130');
        } else if (way === 'Ctrl-C') tmux('send-keys', '-t', pane, 'C-c');
        else {
          // kill, or the machine shutting down: the review's node process, a child of the pane's shell.
          const shell = tmux('display-message', '-p', '-t', pane, '#{pane_pid}').trim();
          const node = execFileSync('pgrep', ['-P', shell, 'node'], { encoding: 'utf8' }).trim();
          process.kill(Number(node), 'SIGTERM');
        }
        if (way !== 'hang-up') {
          const waiting = await waitFor(pane, 'Stopping: finishing the decision being written, then closing');
          keep(`${pane}-while-writing-100x30`, waiting);
          // Still waiting for the write: the process has not gone and the decision is not half there.
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(screen(pane)).not.toContain(`${pane.toUpperCase()}-EXITED`);
          release();
          await waitFor(pane, `${pane.toUpperCase()}-EXITED`);
          // Interrupted, as the dashboard's Ctrl-C: 130 (the other file still waits, the summary says so).
          expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('130');
          const after = history(pane);
          expect(after).toContain('1 attached');
          expect(after).not.toMatch(/Review \d of 2/);
        }

        const { openDatabase } = await import('../../src/db/open-database.js');
        const { resolveDatabaseTarget } = await import('../../src/db/database-url.js');
        const database = await openDatabase(resolveDatabaseTarget(db, { cwd: root }));
        try {
          const file = await database.db
            .selectFrom('batchFiles')
            .selectAll()
            .where('filename', '=', NAME_ONLY_FILE)
            .executeTakeFirstOrThrow();
          expect(file).toMatchObject({ matchingStatus: 'matched', processingStatus: 'completed' });
          const document = await database.db
            .selectFrom('medicalDocuments')
            .selectAll()
            .where('batchFileId', '=', file.id)
            .executeTakeFirst();
          expect(document?.vectorized).toBe(1);
          const session = await database.db
            .selectFrom('batchUploads')
            .selectAll()
            .where('id', '=', file.batchId)
            .executeTakeFirstOrThrow();
          expect(session.reviewRequired).toBe(1);
          const audit = await database.db
            .selectFrom('auditLog')
            .select('action')
            .where('actor', '=', 'e2e-ctrl-c')
            .execute();
          expect(audit.map((a) => a.action)).toContain('review_attached');
        } finally {
          await database.close();
        }
      } finally {
        release();
        await embeddings.close();
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
    300_000,
  );

  // Nothing keeps the process alive while a case is merely on screen: the terminal gone, Node used to leave at
  // once with 0, the sitting never closed, and a script or the admin's shell history read "all settled".
  it.each(['review', 'ingest'] as const)(
    'the terminal closing while a case of %s is shown leaves the cases pending, says so on stderr and exits non-zero',
    async (command) => {
      const dir = createTempDir('tecsalud-review-hangup-idle-');
      try {
        const db = path.join(dir, 'registry.db');
        const source = path.join(dir, 'sample');
        if (command === 'review') fs.copyFileSync(sample.templateDb, db);
        else {
          copyDelivered(SAMPLE_DIR, source);
          expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
        }
        const pane = `idle-${command}`;
        const stderr = path.join(dir, 'stderr.txt');
        const args = command === 'review' ? 'review' : `ingest ${JSON.stringify(source)} --type complete`;
        const exitFile = launch(
          pane,
          { x: 100, y: 30 },
          dir,
          `${args} --lang en --db ${JSON.stringify(db)} 2> ${JSON.stringify(stderr)}`,
          '',
          true,
        );
        await waitFor(pane, /Review 1 of 2/, /attach · n new/);
        tmux('kill-session', '-t', pane);
        const deadline = Date.now() + 60_000;
        while (!fs.existsSync(exitFile) && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        // Interrupted, as an ingest whose terminal closes is (130): the stderr line says what still waits.
        expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('130');
        expect(fs.readFileSync(stderr, 'utf8')).toMatch(
          /review stopped: its terminal closed \(no more input\)\. 2 files still wait for review: run `tecsalud-batch review( \w{8})?` on a terminal\./,
        );
        const pending = await runCli(['review', '--json', '--db', db], { cwd: dir });
        expect((JSON.parse(pending.stdout) as { pending: unknown[] }).pending).toHaveLength(2);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );

  it('two sittings at once: the second cannot decide the file the first is deciding, then is told who settled it', async () => {
    const root = createTempDir('tecsalud-review-two-');
    const embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: 'sk-test-two' });
    let release = () => {};
    try {
      const db = path.join(root, 'registry.db');
      fs.writeFileSync(
        path.join(root, 'tecsalud-batch.config.json'),
        JSON.stringify({
          embedder: 'openai',
          embedding: { model: 'text-embedding-3-small', dimensions: 16 },
        }),
      );
      const env = { OPENAI_API_KEY: 'sk-test-two', OPENAI_BASE_URL: `${embeddings.url}/v1`, TECSALUD_DB: db };
      const envText = Object.entries(env)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ');
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      expect(
        (await runCli(['ingest', SAMPLE_DIR, '--non-interactive', '--json'], { cwd: root, env })).code,
      ).toBe(3);
      const held = new Promise<void>((resolve) => (release = resolve));
      embeddings.inject(...Array.from({ length: 20 }, () => ({ kind: 'held' as const, until: held })));
      const requestsBefore = embeddings.requests.length;

      /** Opens a sitting and brings it to the name-only file (skipping the other when it comes first). */
      const openOnNameOnly = async (pane: string, user: string) => {
        launch(pane, { x: 100, y: 30 }, root, `review --user ${user} --lang en`, envText);
        const shown = await waitFor(pane, /Review 1 of 2/, /attach · n new/);
        await pastKeyGuard();
        if (shown.includes('ID CONFLICT')) {
          press(pane, 's');
          await waitFor(pane, /Review 2 of 2/, NAME_ONLY_FILE.slice(0, 20));
          await pastKeyGuard();
        }
      };
      /** Away to the next case and back to the name-only file, which shows `notice` before any key. */
      const showAgain = async (pane: string, notice: string) => {
        await pastKeyGuard();
        tmux('send-keys', '-t', pane, 'Right');
        await waitFor(pane, /Review 2 of 2|Walked/);
        await pastKeyGuard();
        tmux('send-keys', '-t', pane, 'Left');
        await waitFor(pane, notice, NAME_ONLY_FILE.slice(0, 20));
      };
      await openOnNameOnly('sita', 'admin-a');
      await openOnNameOnly('sitb', 'admin-b');

      press('sita', '1');
      await waitFor('sita', 'y attach · any other key cancels');
      await pastKeyGuard();
      press('sita', 'y');
      while (embeddings.requests.length === requestsBefore)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // A is writing its attach (its embeddings held): B's reject of the same file is refused, saying why.
      press('sitb', 'r');
      keep(
        'two-sittings-being-decided',
        await waitFor('sitb', '✗ admin-a is deciding this file in another review sitting; nothing changed'),
      );
      // Shown again (away and back), the file says so before any key.
      await showAgain('sitb', '⚠ admin-a is deciding this file in another review sitting: skip it (s)');
      await pastKeyGuard();
      release();
      await waitFor('sita', /✓ attached to \d+ MARTÍNEZ MEJÍA/);
      // Without a key, within a re-check (every 3 s while idle), B's case says it was settled, and no longer that
      // A is deciding it. (Pressed before that, r could land as the case is redrawn, when keys wait a moment.)
      const settledShown = await waitForWithin(
        20_000,
        'sitb',
        '⚠ Settled meanwhile by admin-a (now matched): nothing to decide, → next',
      );
      expect(settledShown).not.toContain('is deciding this file');
      await pastKeyGuard();
      press('sitb', 'r');
      await waitFor('sitb', '✗ this file was settled meanwhile by admin-a (now matched); nothing changed');
      // Shown again, the file says it is settled before any key is refused.
      await showAgain('sitb', '⚠ Settled meanwhile by admin-a (now matched): nothing to decide, → next');
      await pastKeyGuard();
      press('sita', 'q');
      await waitFor('sita', 'SITA-EXITED');
      press('sitb', 'q');
      await waitFor('sitb', 'SITB-EXITED');
      expect(history('sitb')).toContain('0 attached');

      const { openDatabase } = await import('../../src/db/open-database.js');
      const { resolveDatabaseTarget } = await import('../../src/db/database-url.js');
      const database = await openDatabase(resolveDatabaseTarget(db, { cwd: root }));
      try {
        const file = await database.db
          .selectFrom('batchFiles')
          .selectAll()
          .where('filename', '=', NAME_ONLY_FILE)
          .executeTakeFirstOrThrow();
        expect(file).toMatchObject({
          matchingStatus: 'matched',
          processingStatus: 'completed',
          outcome: 'ingested',
        });
        // The claim went with the decision: matching_details are as before the sittings.
        expect(file.matchingDetails).not.toContain('deciding');
        const session = await database.db
          .selectFrom('batchUploads')
          .selectAll()
          .where('id', '=', file.batchId)
          .executeTakeFirstOrThrow();
        expect(session.reviewRequired).toBe(1);
        const decided = await database.db
          .selectFrom('auditLog')
          .select(['action', 'actor'])
          .where('fileId', '=', file.id)
          .where('action', 'in', ['review_attached', 'review_rejected', 'review_new_patient'])
          .execute();
        expect(decided).toEqual([{ action: 'review_attached', actor: 'admin-a' }]);
      } finally {
        await database.close();
      }
    } finally {
      release();
      await embeddings.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);

  it("a document taken back over a copy, and one detached by hand: labelled, with why, and the copy's patient a candidate", async () => {
    const root = createTempDir('tecsalud-review-back-');
    try {
      const drop = path.join(root, 'drop');
      fs.mkdirSync(drop);
      // One lab report saved under two patients' names (its text names nobody), and another for a third.
      const lab = await makeTextPdf(
        ['RESULTADOS DE LABORATORIO\n\nHemoglobina 13.8 g/dL, hematocrito 41 %.'],
        {
          title: 'LAB',
          date: '2026-11-02',
        },
      );
      fs.writeFileSync(path.join(drop, '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf'), lab);
      fs.writeFileSync(path.join(drop, '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6380098785_LAB.pdf'), lab);
      const other = await makeTextPdf(
        ['NOTA DE CONSULTA\n\nPaciente estable, sin cambios en el tratamiento.'],
        {
          title: 'CONS',
          date: '2026-11-03',
        },
      );
      fs.writeFileSync(path.join(drop, '3000576011_ACOSTA MORALES, JORGE_CONS.pdf'), other);
      const env = { TECSALUD_DB: path.join(root, 'registry.db') };
      expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
      const ingested = await runCli(
        ['ingest', 'drop', '--json', '--non-interactive', '--concurrency', '1', '--user', 'night-run'],
        {
          cwd: root,
          env,
        },
      );
      const files = (
        JSON.parse(ingested.stdout) as {
          files: { path: string; outcome: string; document_id?: string | null }[];
        }
      ).files;
      const takenBack = files.find((f) => f.outcome === 'review_required')!;
      expect(takenBack, ingested.stdout).toBeDefined();
      const copyExpediente = files.find((f) => f.outcome === 'duplicate_other_patient')!.path.slice(0, 10);
      const fromExpediente = path.basename(takenBack.path).slice(0, 10);
      const shown = await runCli(['patients', 'show', '3000576011', '--json'], { cwd: root, env });
      const documentId = (JSON.parse(shown.stdout) as { documents: { document_id: string }[] }).documents[0]!
        .document_id;
      const detached = await runCli(
        [
          'documents',
          'detach',
          documentId.slice(0, 8),
          '--user',
          'jlopez',
          '--reason',
          'the note is of another patient',
        ],
        { cwd: root, env },
      );
      expect(detached.code, detached.stderr).toBe(0);

      const pane = 'back';
      launch(
        pane,
        { x: 100, y: 30 },
        root,
        'review --user e2e --lang en',
        `TECSALUD_DB=${JSON.stringify(env.TECSALUD_DB)}`,
      );
      const seen = new Set<string>();
      for (let i = 0; i < 2; i++) {
        const screenText = await waitFor(pane, `Review ${i + 1} of 2`, 'Candidates (');
        await pastKeyGuard();
        if (screenText.includes('TAKEN BACK')) {
          seen.add('taken_back');
          keep('taken-back-100x30', screenText);
          expect(screenText).toMatch(
            new RegExp(
              `TAKEN BACK from exp ${fromExpediente} by night-run on \\d{4}-\\d{2}-\\d{2}: a copy names exp ${copyExpediente}`,
            ),
          );
          expect(screenText).toContain('Why it is back in review:');
          expect(screenText).toContain('has identical content but names expediente');
          // Both patients the file may belong to are candidates: the one it was attached to, and the copy's.
          expect(screenText).toMatch(new RegExp(`^ +\\d ${fromExpediente}`, 'm'));
          expect(screenText).toMatch(new RegExp(`^ +\\d ${copyExpediente}`, 'm'));
        } else {
          seen.add('detached');
          expect(screenText).toMatch(/Detached from exp 3000576011 by jlopez on \d{4}-\d{2}-\d{2}/);
          expect(screenText).toContain('Why it is back in review: the note is of another patient');
        }
        press(pane, 's');
      }
      expect(seen).toEqual(new Set(['taken_back', 'detached']));
      await waitFor(pane, /Walked 2 of 2/);
      await pastKeyGuard();
      press(pane, 'q');
      await waitFor(pane, 'BACK-EXITED');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);

  it('at 60×20 a long refusal wraps whole under the key hints, in at most 4 rows, header and keys still on screen', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'refusal';
    launch(
      pane,
      { x: 60, y: 20 },
      path.dirname(copy.url),
      `review --user e2e --db ${JSON.stringify(copy.url)}`,
      'LANG=es_MX.UTF-8',
    );
    let shown = await waitFor(pane, /Revisión 1 de 2/, 'Candidatos (');
    await pastKeyGuard();
    if (!shown.includes(ID_CONFLICT_FILE.slice(0, 20))) {
      press(pane, 's');
      shown = await waitFor(pane, /Revisión 2 de 2/, 'Candidatos (');
      await pastKeyGuard();
    }
    press(pane, 'n'); // refused: the expediente belongs to someone else
    shown = await waitFor(pane, /✗ el expediente 3000576011 ya es de/);
    keep('refusal-60x20-es', shown);
    const lines = rows(shown);
    expect(lines.length).toBeLessThanOrEqual(20);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^Revisión \d de 2/);
    const keysRow = lines.findIndex((line) => /\? ayuda/.test(line) && /r rechazar/.test(line));
    expect(keysRow).toBeGreaterThan(0);
    const notice = lines.slice(keysRow + 1).filter((line) => line.trim() !== '');
    expect(notice.length).toBeGreaterThan(1);
    expect(notice.length).toBeLessThanOrEqual(4);
    // The whole refusal: why, and what to do instead.
    expect(notice.map((line) => line.trim()).join(' ')).toContain(
      'no puede haber un segundo paciente con él. Asigne a ese paciente si es la misma persona, o rechace el archivo.',
    );
    // The id-conflict banner whole, wrapped under the header: whose the expediente is, and whom the file names.
    const banner = lines.findIndex((line) => line.startsWith(' !! '));
    expect(banner).toBeGreaterThan(0);
    expect(
      lines
        .slice(banner, banner + 3)
        .map((line) => line.trim())
        .join(' '),
    ).toContain(
      '!! CONFLICTO DE EXPEDIENTE: el expediente 3000576011 es de ACOSTA MORALES, JORGE, claramente otra persona que BONILLA SEPÚLVEDA, ADRIANA',
    );
    press(pane, 'q');
    await waitFor(pane, 'REFUSAL-EXITED');
  }, 300_000);

  it('a database another program keeps locked: the decision is not recorded, the screen says why and what to do, in Spanish; then it is', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'locked';
    const exitFile = launch(
      pane,
      { x: 60, y: 20 },
      path.dirname(copy.url),
      `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`,
    );
    await waitFor(pane, /Revisión 1 de 2/, 'Candidatos (');
    await pastKeyGuard();
    // An sqlite3 shell left in `begin exclusive`: SQLite's busy timeout (15 s) runs out on the decision's write.
    const other = new Database(copy.url);
    other.exec('BEGIN EXCLUSIVE');
    let shown: string;
    try {
      press(pane, 'r');
      shown = await waitFor(pane, /✗ no se registró la decisión/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    keep('locked-60x20-es', shown);
    const lines = rows(shown);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines[0]).toMatch(/^Revisión 1 de 2/);
    const keysRow = lines.findIndex((line) => /\? ayuda/.test(line) && /r rechazar/.test(line));
    expect(keysRow).toBeGreaterThan(0);
    // Where the evidence is stays beside the notice (or under it): there is more below, and it says so.
    expect(lines.slice(keysRow + 1).join('\n')).toMatch(/1–\d+ \/ \d+ ▼$/m);
    const notice = lines
      .slice(keysRow + 1)
      .map((line) => line.replace(/\d+–\d+ \/ \d+( ▲)?( ▼)?$/, '').trim())
      .filter(Boolean)
      .join(' ');
    expect(notice).toBe(
      '✗ no se registró la decisión: otro programa tiene bloqueada la base de datos (una consola sqlite3 o un visor de ' +
        'bases de datos con una transacción abierta, un respaldo). Ciérrelo y vuelva a tomar la misma decisión.',
    );
    expect(shown).not.toMatch(/database is locked|falló/);
    let database = await copy.open();
    try {
      expect(
        await database.db.selectFrom('auditLog').select('action').where('actor', '=', 'e2e').execute(),
      ).toEqual([]);
    } finally {
      await database.close();
    }
    // The lock gone, the same key decides.
    press(pane, 'r');
    await waitFor(pane, /Revisión 2 de 2/, '✓ rechazado');
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'LOCKED-EXITED');
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('2');
    database = await copy.open();
    try {
      expect(
        await database.db.selectFrom('auditLog').select('action').where('actor', '=', 'e2e').execute(),
      ).toEqual([{ action: 'review_rejected' }]);
    } finally {
      await database.close();
    }
  }, 300_000);

  it('at 60×20 a confirmation longer than the screen scrolls to its last reason without being cancelled', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'readon';
    launch(
      pane,
      { x: 60, y: 20 },
      path.dirname(copy.url),
      `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`,
    );
    let shown = await waitFor(pane, /Revisión 1 de 2/, 'Candidatos (');
    await pastKeyGuard();
    if (!shown.includes(NAME_ONLY_FILE.slice(0, 20))) {
      press(pane, 's');
      shown = await waitFor(pane, /Revisión 2 de 2/, 'Candidatos (');
      await pastKeyGuard();
    }
    press(pane, '1'); // two reasons: another birth date, and the document names another expediente
    const confirm = await waitFor(pane, 'y asignar · ↑↓ leer más · cualquier otra tecla cancela', /▼/);
    expect(confirm).not.toMatch(/el de este\s+paciente es 3000899337/);
    await pastKeyGuard();
    tmux('send-keys', '-t', pane, 'PageDown');
    const read = await waitFor(pane, /el de este\s+paciente es 3000899337/);
    keep('confirm-scrolled-60x20-es', read);
    expect(rows(read)[0]).toMatch(/^Revisión \d de 2/);
    expect(read).toContain('y asignar');
    // Its last reason has just appeared: `y` acts once it has been on screen for the key-guard moment.
    await pastKeyGuard();
    press(pane, 'y');
    await waitFor(pane, /✓ asignado a 3000899337/);
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'READON-EXITED');
  }, 120_000);

  it('at 60×15 a `y` before the reasons below the fold were read attaches nothing; read through (↓), it attaches', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'unread';
    launch(
      pane,
      { x: 60, y: 15 },
      path.dirname(copy.url),
      `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`,
    );
    await waitFor(pane, /Revisión 1 de 2/, 'q salir');
    await pastKeyGuard();
    if (!screen(pane).includes('_LAB.pdf')) {
      press(pane, 's');
      await waitFor(pane, /Revisión 2 de 2/, 'q salir');
      await pastKeyGuard();
    }
    expect(screen(pane)).toContain('CONFLICTO DE EXPEDIENTE');
    press(pane, '2'); // below the evidence: brought into view, nothing attached
    await waitFor(pane, /nada asignado: candidato 2/, /^ 2 3000576011/m);
    await pastKeyGuard();
    press(pane, '2');
    const confirm = await waitFor(pane, '¿Asignar este documento al candidato 2?', /▼/);
    keep('confirm-unread-60x15-es', confirm);
    expect(confirm).not.toContain('Candidato 2:');
    await pastKeyGuard();
    press(pane, 'y'); // the candidate's row and the six reasons are below the fold
    const refused = await waitFor(pane, /lea todos los motivos \(↓\) antes de\s+confirmar/);
    keep('confirm-refused-60x15-es', refused);
    expect(refused).toContain('Candidato 2:'); // scrolled on to it
    expect(refused).not.toContain('✓ asignado');
    expect(rows(refused)[0]).toMatch(/^Revisión \d de 2/);
    // Read through, a row at a time, to the last reason.
    let read = refused;
    for (let i = 0; i < 30 && /▼/.test(read); i++) {
      tmux('send-keys', '-t', pane, 'Down');
      await new Promise((resolve) => setTimeout(resolve, 150));
      read = screen(pane);
    }
    expect(read).toMatch(/claramente otra persona que\s+ACOSTA MORALES, JORGE/);
    await pastKeyGuard();
    press(pane, 'y');
    await waitFor(pane, /✓ asignado a 3000576011 ACOSTA MORALES, JORGE/);
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'UNREAD-EXITED');
  }, 120_000);

  it('review --collection: an attach stores its vectors in that collection, where search finds them', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const cwd = path.dirname(copy.url);
    const pane = 'collection';
    launch(
      pane,
      { x: 100, y: 30 },
      cwd,
      `review --user e2e --lang en --collection reviewed --db ${JSON.stringify(copy.url)}`,
    );
    let shown = await waitFor(pane, /Review 1 of 2/, 'Candidates (');
    await pastKeyGuard();
    if (!shown.includes(ID_CONFLICT_FILE.slice(0, 20))) {
      press(pane, 's');
      shown = await waitFor(pane, /Review 2 of 2/, 'Candidates (');
      await pastKeyGuard();
    }
    press(pane, '1'); // BONILLA SEPÚLVEDA, ADRIANA 3000147773: the one the document names
    shown = await waitFor(pane, /✓ attached to|✗ failed/);
    expect(shown).not.toContain('failed');
    expect(shown).toContain('✓ attached to 3000147773');
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'COLLECTION-EXITED');
    const found = await runCli(
      ['search', 'REPORTE DE LABORATORIO', '--collection', 'reviewed', '--json', '--db', copy.url],
      { cwd },
    );
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(ID_CONFLICT_FILE);
  }, 120_000);

  it('Ctrl-C pressed twice fast (one read of the terminal) ends the sitting', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'twice';
    const exitFile = launch(
      pane,
      { x: 80, y: 24 },
      path.dirname(copy.url),
      `review --user e2e --lang en --db ${JSON.stringify(copy.url)}`,
    );
    await waitFor(pane, 'Review 1 of 2', 'Candidates (');
    await pastKeyGuard();
    // One send-keys writes both at once, as a terminal does for keys pressed while the process was busy.
    tmux('send-keys', '-t', pane, 'C-c', 'C-c');
    await waitFor(pane, 'TWICE-EXITED');
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('130');
    expect(history(pane)).toMatch(/Review: walked 1 of 2 files .*\n?.*2 still waiting for review/);
  }, 120_000);

  it('a key pressed twice fast (one read of the terminal) acts once: the case shown is rejected, the next is not', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'double';
    const exitFile = launch(
      pane,
      { x: 80, y: 24 },
      path.dirname(copy.url),
      `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`,
    );
    await waitFor(pane, 'Revisión 1 de 2', 'Candidatos (');
    await pastKeyGuard();
    // A pasted expediente is not a key: its '3' must not attach to candidate 3.
    press(pane, '3000576011');
    await pastKeyGuard();
    const pasted = screen(pane);
    expect(pasted).toContain('Revisión 1 de 2');
    expect(pasted).not.toMatch(/no hay candidato|✓ asignado|Requiere una\s+segunda mirada/);
    // One send-keys writes both at once: Ink hands them over as the text "rr", which did nothing at all.
    press(pane, 'rr');
    await waitFor(pane, 'Revisión 2 de 2', '✓ rechazado');
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'DOUBLE-EXITED');
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('2');
    const database = await copy.open();
    try {
      expect(
        await database.db.selectFrom('auditLog').select('action').where('actor', '=', 'e2e').execute(),
      ).toEqual([{ action: 'review_rejected' }]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('an attach to a candidate the registry renamed while the case was on screen is refused; the case shows the new name', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const cwd = path.dirname(copy.url);
    const pane = 'renamed';
    launch(pane, { x: 100, y: 32 }, cwd, `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`);
    await waitFor(pane, 'Revisión 1 de 2', /1 3000899337.*MARTÍNEZ MEJÍA, FRANCISCO JAVIER/);
    // The night's registry, imported while the reviewer reads: 3000899337 (who has documents) is now ROBERTO.
    const corrected = path.join(cwd, 'corrected.csv');
    fs.writeFileSync(
      corrected,
      'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo\n' +
        '3000899337,MARTÍNEZ,MEJÍA,ROBERTO,1956-07-11,M\n',
    );
    const imported = await runCli(['patients', 'import', corrected, '--allow-rename', '--db', copy.url], {
      cwd,
    });
    expect(imported.code).toBe(0);
    await pastKeyGuard();
    press(pane, '1');
    await waitFor(pane, 'Requiere una segunda mirada', /Candidato 1: +MARTÍNEZ MEJÍA, FRANCISCO JAVIER/);
    await pastKeyGuard();
    press(pane, 'y');
    const refused = await waitFor(
      pane,
      'el registro cambió al candidato 1',
      /1 3000899337.*MARTÍNEZ MEJÍA, ROBERTO/,
    );
    keep('review-candidate-renamed', refused);
    expect(refused.replace(/\s+/g, ' ')).toContain(
      'nombre: MARTÍNEZ MEJÍA, FRANCISCO JAVIER → MARTÍNEZ MEJÍA, ROBERTO): no se asignó nada',
    );
    expect(refused).toContain('Revisión 1 de 2');
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'RENAMED-EXITED');
    const database = await copy.open();
    try {
      expect(
        await database.db.selectFrom('auditLog').select('action').where('actor', '=', 'e2e').execute(),
      ).toEqual([]);
      expect(
        await database.db
          .selectFrom('batchFiles')
          .select(['matchingStatus', 'documentId'])
          .where('filename', '=', NAME_ONLY_FILE)
          .executeTakeFirstOrThrow(),
      ).toEqual({ matchingStatus: 'review_required', documentId: null });
    } finally {
      await database.close();
    }
  }, 120_000);

  it('keys typed together in the list (↓ Enter) open the case the cursor went to, not the one it left', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'listkeys';
    launch(
      pane,
      { x: 80, y: 24 },
      path.dirname(copy.url),
      `review --user e2e --lang es --db ${JSON.stringify(copy.url)}`,
    );
    await waitFor(pane, 'Revisión 1 de 2', 'Candidatos (');
    await pastKeyGuard();
    press(pane, 'l');
    await waitFor(pane, 'Casos pendientes (2)');
    // One send-keys writes both: Ink handed Enter over before drawing ↓, and it opened case 1 again.
    tmux('send-keys', '-t', pane, 'Down', 'Enter');
    await waitFor(pane, 'Revisión 2 de 2', 'Candidatos (');
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'LISTKEYS-EXITED');
  }, 120_000);

  it('keys typed while it loads and as it quits are neither left echoed nor run by the shell afterwards', async () => {
    const copy = copyDatabase(sample.templateDb);
    copies.push(copy);
    const pane = 'shell';
    // A real shell: what the admin sees after the review, and what the shell then reads as a command.
    tmux(
      'new-session',
      '-d',
      '-s',
      pane,
      '-x',
      '100',
      '-y',
      '30',
      "env -u CI -u CONTINUOUS_INTEGRATION PS1='PROMPT$ ' bash --norc --noprofile",
    );
    await waitFor(pane, 'PROMPT$');
    tmux(
      'send-keys',
      '-t',
      pane,
      `node ${JSON.stringify(BIN)} review --user e2e --lang en --db ${JSON.stringify(copy.url)}`,
      'Enter',
    );
    // While it loads: once node runs (bash's line editor no longer holds the terminal), so that the
    // terminal's own echo is what would show them.
    while (tmux('display-message', '-p', '-t', pane, '#{pane_current_command}').trim() !== 'node') {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    press(pane, '1rzq');
    await waitFor(pane, 'Review 1 of 2', 'Candidates (');
    await pastKeyGuard();
    press(pane, 'q');
    press(pane, 'xyz'); // as it quits
    await waitFor(pane, /Review: walked[\s\S]*\nPROMPT\$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    tmux('send-keys', '-t', pane, 'echo SHELL-$((6*7))', 'Enter');
    const after = await waitFor(pane, 'SHELL-42');
    keep('type-ahead-shell', after);
    expect(after).not.toMatch(/1rzq|xyz|command not found/);
    // Echo is back on: the shell showed the command typed after the review.
    expect(after).toContain('PROMPT$ echo SHELL-$((6*7))');
    const database = await copy.open();
    try {
      expect(
        await database.db.selectFrom('auditLog').select('action').where('actor', '=', 'e2e').execute(),
      ).toEqual([]);
    } finally {
      await database.close();
    }
  }, 300_000);

  it('ingest: keys typed during the dashboard are not echoed nor decide the first review; the final frame stays', async () => {
    const dir = createTempDir('tecsalud-ingest-tty-');
    const source = path.join(dir, 'sample');
    copyDelivered(SAMPLE_DIR, source);
    const db = path.join(dir, 'registry.db');
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
    const pane = 'ingest';
    launch(
      pane,
      { x: 80, y: 24 },
      dir,
      `ingest ${JSON.stringify(source)} --user e2e --db ${JSON.stringify(db)}`,
      'LANG=es_MX.UTF-8',
    );
    await waitFor(pane, /Ingresando|Ingesta/);
    press(pane, '1r1r');
    const review = await waitFor(pane, 'Revisión 1 de 2', '? ayuda');
    expect(review).not.toContain('1r1r');
    const opened = await (
      await import('../../src/db/open-database.js')
    ).openDatabase((await import('../../src/db/database-url.js')).resolveDatabaseTarget(db, { cwd: dir }));
    try {
      const decided = await opened.db
        .selectFrom('auditLog')
        .select('action')
        .where('action', 'like', 'review_%')
        .execute();
      expect(decided).toEqual([]);
    } finally {
      await opened.close();
    }
    await pastKeyGuard();
    press(pane, 'q');
    await waitFor(pane, 'INGEST-EXITED');
    const after = history(pane);
    // The dashboard's final frame is on the main screen, and the closing lines agree with the review.
    expect(after).toMatch(/Ingesta \S.* en [\d.]+ s/);
    expect(after).toMatch(/2 en espera de revisión/);
    expect(after).not.toContain('1r1r');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 400_000);

  it('ingest: its review, on a registry another program keeps locked, says what it waits for and Ctrl-C ends it at once', async () => {
    const dir = createTempDir('tecsalud-ingest-locked-');
    const source = path.join(dir, 'sample');
    copyDelivered(SAMPLE_DIR, source);
    const db = path.join(dir, 'registry.db');
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
    const pane = 'inglock';
    const exitFile = launch(
      pane,
      { x: 80, y: 24 },
      dir,
      `ingest ${JSON.stringify(source)} --user e2e --db ${JSON.stringify(db)}`,
      'LANG=es_MX.UTF-8',
    );
    await waitFor(pane, 'Revisión 1 de 2', '? ayuda');
    await pastKeyGuard();
    // An sqlite3 shell left in `begin exclusive` while the admin decides: SQLite's own wait (15 s) is
    // synchronous, so a decision that waited on it froze the screen, Ctrl-C included, for all of it.
    const other = new Database(db);
    other.exec('BEGIN EXCLUSIVE');
    try {
      press(pane, 'r');
      const waiting = await waitForWithin(
        5_000,
        pane,
        /Esperando: otro programa está escribiendo en la base de\s+datos/,
      );
      keep('ingest-locked-80x24-es', waiting);
      tmux('send-keys', '-t', pane, 'C-c');
      // Well under the 15 s that SQLite's own wait held the screen (and Ctrl-C) before.
      await waitForWithin(10_000, pane, 'INGLOCK-EXITED');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Ctrl-C is 130 in the review after the run too (the summary above still counts the three failures).
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('130');
    expect(history(pane)).toMatch(/3 fallidos/);
    expect(history(pane)).toMatch(/2\s+siguen\s+en\s+espera\s+de\s+revisión/);
    const opened = await (
      await import('../../src/db/open-database.js')
    ).openDatabase((await import('../../src/db/database-url.js')).resolveDatabaseTarget(db, { cwd: dir }));
    try {
      expect(
        await opened.db.selectFrom('auditLog').select('action').where('action', 'like', 'review_%').execute(),
      ).toEqual([]);
    } finally {
      await opened.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it("ingest --non-interactive on a terminal: every failure stays above the progress bar, in the screens' language", async () => {
    const dir = createTempDir('tecsalud-bar-tty-');
    const db = path.join(dir, 'registry.db');
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
    const pane = 'bar';
    launch(
      pane,
      { x: 200, y: 30 },
      dir,
      `ingest ${JSON.stringify(SAMPLE_DIR)} --non-interactive --db ${JSON.stringify(db)}`,
      'LANG=es_MX.UTF-8',
    );
    const after = await waitFor(pane, 'BAR-EXITED');
    keep('ingest-bar-es', after);
    // The sample's three bad files fail in its last moments: cli-progress printed only the lines logged
    // before its last redraw, and the others were lost.
    expect(after.match(/^✗ /gm)).toHaveLength(3);
    expect(after).toMatch(/^✗ .*_RX\.pdf: archivo vacío/m);
    expect(after).toMatch(/^✗ .*_URG\.pdf: no es un PDF/m);
    expect(after).toMatch(/23\/23 archivos · 3 fallidos · 2 revisión · 0 dup/);
    expect(fs.readFileSync(path.join(dir, `${pane}.exit`), 'utf8').trim()).toBe('3');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

function sha(file: string): string {
  return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!;
}
