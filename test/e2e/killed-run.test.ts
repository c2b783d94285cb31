import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createHeldIngestWorkspace, type HeldIngestWorkspace } from './support/held-ingest.js';

/**
 * What a run that ended without finishing (`kill -9`, a double Ctrl-C) leaves for the commands that watch it:
 * the built CLI, held at a known point of its run by an embeddings server that does not answer yet.
 */

const KEY = 'sk-killed-run';

let workspace: HeldIngestWorkspace;
let root: string;
let drop: string;
let db: string;
let env: NodeJS.ProcessEnv;
let release: () => void;
let startHeldIngest: HeldIngestWorkspace['startHeldIngest'];

beforeEach(async () => {
  workspace = await createHeldIngestWorkspace('tecsalud-killed-run-', KEY);
  ({ root, drop, db, env, release, startHeldIngest } = workspace);
});
afterEach(() => workspace.cleanup());

const cli = (args: string[]): Promise<RunResult> => runCli(args, { cwd: root, env, timeoutMs: 60_000 });

async function sessionJson(): Promise<{ session_id: string; status: string; error_message: string | null }> {
  const status = await cli(['status', '--json']);
  expect(status.code, status.stderr).toBe(0);
  return JSON.parse(status.stdout);
}

interface FileRow {
  path: string;
  outcome: string | null;
  processing_status: string;
  error: string | null;
}

describe('a run killed with kill -9', { tags: ['slow'] }, () => {
  it('is shown interrupted by status and sessions, with how to resume it, while the database still says processing', async () => {
    const run = await startHeldIngest();
    // While it runs, it is running, and the files it has not reached have no outcome yet.
    const running = await sessionJson();
    expect(running.status).toBe('processing');
    const outcomes = async () =>
      (JSON.parse((await cli(['status', '--files', '--json'])).stdout) as { files: FileRow[] }).files;
    const notYet = (await outcomes()).filter((f) => f.outcome === null);
    expect(notYet.length).toBeGreaterThan(0);

    run.child.kill('SIGKILL');
    await run.exited;

    // Once it is gone, they are left for the next run, as status says of the session.
    const left = await outcomes();
    expect(left.filter((f) => f.outcome === null)).toEqual([]);
    for (const f of left.filter((row) => notYet.some((n) => n.path === row.path)))
      expect(f).toMatchObject({
        outcome: 'interrupted',
        processing_status: 'pending',
        error: 'not finished: the run stopped before this file was done; it stays pending for the next run',
      });

    const shown = await sessionJson();
    expect(shown.session_id).toBe(running.session_id);
    expect(shown.status).toBe('interrupted');
    expect(shown.error_message).toMatch(/no longer running/);
    expect(shown.error_message).toContain(`tecsalud-batch ingest ${fs.realpathSync(drop)}`);
    const text = await cli(['status']);
    expect(text.stdout).toMatch(/^ {2}status +interrupted$/m);
    expect(text.stdout).toMatch(
      /note +interrupted: the run that was processing it \(pid \d+ on .+, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\) is no longer running/,
    );
    // In Spanish the note is Spanish too, its start in local time, day first (it was English, in UTC ISO).
    expect((await cli(['--lang', 'es', 'status'])).stdout).toMatch(
      /nota +interrumpida: la ejecución que la procesaba \(pid \d+ en .+, iniciada \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d\) ya no está en marcha .*`tecsalud-batch ingest .+` la retoma$/m,
    );
    const listed = await cli(['sessions', '--json']);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({
      session_id: running.session_id,
      status: 'interrupted',
    });
    expect((await cli(['sessions'])).stdout).toMatch(
      new RegExp(`^${running.session_id.slice(0, 8)} .* interrupted `, 'm'),
    );

    // The note's command names the database: run as written from another folder, in a shell without the cron
    // line's TECSALUD_DB, it resumes this session instead of starting an empty registry in that folder.
    expect(shown.error_message).toContain(
      `\`tecsalud-batch ingest ${fs.realpathSync(drop)} --db ${db}\` resumes it`,
    );
    const hinted = /`tecsalud-batch (ingest [^`]+)`/.exec(shown.error_message!)![1]!.split(' ');
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    const { TECSALUD_DB: _db, ...withoutDb } = env;

    // Only shown: the next run resumes the session the database still has open, and finishes it.
    release();
    const config = ['--config', path.join(root, 'tecsalud-batch.config.json')];
    const resumed = await runCli([...hinted, ...config, '--non-interactive', '--json'], {
      cwd: elsewhere,
      env: withoutDb,
      timeoutMs: 60_000,
    });
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect([0, 2, 3], resumed.stderr).toContain(resumed.code);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ session_id: running.session_id, resumed: true });
    expect((await sessionJson()).status).not.toMatch(/processing|interrupted/);
  }, 120_000);
});

describe('a run stopped at once by a second Ctrl-C', { tags: ['slow'] }, () => {
  it('records its session interrupted and releases its run lock on the way out', async () => {
    const run = await startHeldIngest(['--json']);
    const { session_id: sessionId } = await sessionJson();
    run.child.kill('SIGINT');
    // The first stops taking files and waits for those in flight, which the embedder holds.
    await sleep(300);
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(130);
    // --json: no report follows a stop at once, but a script still gets an object saying what happened.
    expect(JSON.parse(run.stdout())).toEqual({
      error: {
        message: `Stopped at once: the files in flight stay pending; run the same command again to finish session ${sessionId}.`,
        hint: null,
        exit_code: 130,
      },
      session_id: sessionId,
      status: 'interrupted',
    });

    const handle = new Database(db, { readonly: true });
    try {
      expect(handle.prepare('select pid, host from run_locks').all()).toEqual([]);
      expect(handle.prepare('select status from batch_uploads where id = ?').get(sessionId)).toEqual({
        status: 'interrupted',
      });
    } finally {
      handle.close();
    }
    expect((await cli(['unlock', drop])).stdout).toMatch(/No run lock on .*: nothing to lift/);
    expect((await cli(['status'])).stdout).toMatch(
      /^ {2}note +interrupted: stopped at once by a second Ctrl-C; run the same command again to finish its files$/m,
    );
    // The note in Spanish too (it was English under `--lang es`).
    expect((await cli(['--lang', 'es', 'status'])).stdout).toMatch(
      /^ {2}nota +interrumpida: detenida de inmediato con un segundo Ctrl-C; ejecute el mismo comando de nuevo para terminar sus archivos$/m,
    );
  }, 60_000);
});

interface FileRow {
  relative_path: string;
  outcome: string | null;
  error_message: string | null;
  content_sha256: string | null;
  file_size: number | null;
}

function fileRows(sessionId: string): FileRow[] {
  const handle = new Database(db, { readonly: true });
  try {
    return handle
      .prepare(
        'select relative_path, outcome, error_message, content_sha256, file_size from batch_files where batch_id = ?',
      )
      .all(sessionId) as FileRow[];
  } finally {
    handle.close();
  }
}

/** The last file (in path order) with a well-formed name that the stopped run had not reached. */
function lastUntouched(sessionId: string): FileRow {
  const untouched = fileRows(sessionId)
    .filter((row) => row.outcome === null && /^\d{10}_[^_]+_\d+_[A-Z]+\.pdf$/.test(row.relative_path))
    .sort((a, b) => (a.relative_path < b.relative_path ? 1 : -1))[0];
  expect(untouched).toBeDefined();
  return untouched!;
}

/** Renames a file of the drop folder as a person correcting its document number would. */
function rename(relativePath: string): string {
  const to = relativePath.replace(
    /_(\d+)_([A-Z]+)\.pdf$/,
    (_match, numero: string, type: string) => `_${numero}9_${type}.pdf`,
  );
  fs.renameSync(path.join(drop, relativePath), path.join(drop, to));
  return to;
}

/** A held run of the drop folder, killed with SIGKILL once its session exists; the session's id. */
async function killedHeldIngest(): Promise<string> {
  const run = await startHeldIngest();
  const { session_id: sessionId } = await sessionJson();
  run.child.kill('SIGKILL');
  await run.exited;
  return sessionId;
}

/** Lets the embedder go and runs `ingest` of the drop folder again; its JSON report. */
async function resumeReport(): Promise<ResumeReport> {
  release();
  const resumed = await cli(['ingest', drop, '--non-interactive', '--json']);
  return JSON.parse(resumed.stdout) as ResumeReport;
}

interface ResumeReport {
  session_id: string;
  renamed_by_transfer: number;
  files: { path: string; outcome: string; error: string | null }[];
}

describe(
  'a .filepart its transfer renamed between a stopped run and the run that resumes its session',
  { tags: ['slow'] },
  () => {
    it("is counted apart in the resumed run's summary (renamed by its transfer), not as a second ingested file", async () => {
      const lab = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
      // Still being uploaded (WinSCP's name, written just now) when the run starts.
      fs.renameSync(path.join(drop, lab), path.join(drop, `${lab}.filepart`));
      const now = new Date();
      fs.utimesSync(path.join(drop, `${lab}.filepart`), now, now);
      const sessionId = await killedHeldIngest();
      fs.renameSync(path.join(drop, `${lab}.filepart`), path.join(drop, lab));

      release();
      const text = await cli(['ingest', drop, '--non-interactive']);
      const report = JSON.parse((await cli(['status', sessionId.slice(0, 8), '--json'])).stdout) as {
        total_files: number;
        files: { path: string; outcome: string }[];
      };
      expect(report.files.find((f) => f.path === `${lab}.filepart`)?.outcome).toBe('renamed_by_transfer');
      const ingested = report.files.filter((f) => f.outcome === 'ingested').length;
      expect(text.stdout).toContain(`${report.total_files} files: ${ingested} ingested,`);
      expect(text.stdout).toContain(
        "1 file under a transfer's name (.filepart, .part…) was renamed by its transfer once complete",
      );
      const json = await cli(['ingest', drop, '--non-interactive', '--json']);
      expect((JSON.parse(json.stdout) as ResumeReport).renamed_by_transfer).toBe(0);
    }, 90_000);
  },
);

describe(
  'a file renamed between a stopped run and the run that resumes its session',
  { tags: ['slow'] },
  () => {
    it('with its content hash recorded: ends as a copy of the file under its new name, not as a failure', async () => {
      const sessionId = await killedHeldIngest();
      const untouched = lastUntouched(sessionId);
      // As a run killed after its --max-files window filled leaves a file it read: deferred, its hash recorded.
      const sha = createHash('sha256')
        .update(fs.readFileSync(path.join(drop, untouched.relative_path)))
        .digest('hex');
      const handle = new Database(db);
      handle
        .prepare(
          "update batch_files set outcome = 'deferred', content_sha256 = ? where batch_id = ? and relative_path = ?",
        )
        .run(sha, sessionId, untouched.relative_path);
      handle.close();
      const newName = rename(untouched.relative_path);

      const report = await resumeReport();
      expect(report.session_id).toBe(sessionId);
      expect(report.files.find((f) => f.path === newName)?.outcome).toMatch(/ingested|duplicate/);
      const old = report.files.find((f) => f.path === untouched.relative_path);
      expect(old).toMatchObject({ outcome: 'duplicate_in_batch' });
      expect(old!.error).toContain(`renamed to '${newName}' before this session finished it`);
    }, 90_000);

    it('killed before its hash was recorded: still failed (its bytes cannot be compared), the message names the new name', async () => {
      const sessionId = await killedHeldIngest();
      const untouched = lastUntouched(sessionId);
      const newName = rename(untouched.relative_path);

      const report = await resumeReport();
      expect(report.session_id).toBe(sessionId);
      expect(report.files.find((f) => f.path === newName)?.outcome).toMatch(/ingested|duplicate/);
      const old = report.files.find((f) => f.path === untouched.relative_path);
      expect(old).toMatchObject({ outcome: 'unreadable' });
      expect(old!.error).toContain('no longer in the folder');
      expect(old!.error).toContain(`'${newName}'`);
    }, 90_000);
  },
);

describe('a run stopped by SIGTERM under --json', { tags: ['slow'] }, () => {
  it('lists every file of total_files: those it did not finish as interrupted, with what finishes them', async () => {
    const run = await startHeldIngest(['--json']);
    run.child.kill('SIGTERM');
    // The first signal stops taking files; the files in flight finish once the embedder answers.
    await sleep(300);
    release();
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(130);
    const report = JSON.parse(run.stdout()) as {
      session_id: string;
      status: string;
      total_files: number;
      processed_files: number;
      left_for_next_run: number;
      files: { path: string; outcome: string; processing_status: string; error: string | null }[];
    };
    expect(report.status).toBe('interrupted');
    // Each file the run knew of is listed once: a cron reader can tell what became of every one.
    expect(report.files).toHaveLength(report.total_files);
    expect(new Set(report.files.map((f) => f.path)).size).toBe(report.total_files);
    const unfinished = report.files.filter((f) => f.outcome === 'interrupted');
    expect(unfinished.length).toBeGreaterThan(0);
    expect(unfinished.length).toBe(report.total_files - report.processed_files);
    expect(report.left_for_next_run).toBe(unfinished.length);
    for (const f of unfinished)
      expect(f).toMatchObject({
        processing_status: 'pending',
        error:
          'not finished: the run was interrupted (Ctrl-C, SIGTERM) before this file was done; it stays pending: ' +
          'run the same command again to finish it in this session',
      });
    // Its closing line on stderr names the session the same command finishes.
    expect(run.stderr()).toContain('run the same command again to finish session');

    // `status --files` says of the session what the run's report said: each file it left, interrupted and pending
    // with what finishes it (it showed them with no outcome, as if the run still had them).
    const shown = await cli(['status', report.session_id, '--files', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    const status = JSON.parse(shown.stdout) as typeof report;
    expect(status.files.filter((f) => f.outcome === null)).toEqual([]);
    const pick = ({ path, outcome, processing_status, error }: (typeof report.files)[number]) => ({
      path,
      outcome,
      processing_status,
      error,
    });
    expect(status.files.filter((f) => f.outcome === 'interrupted').map(pick)).toEqual(unfinished.map(pick));
    // In Spanish, on the screen, in Spanish words.
    const spanish = await cli(['status', report.session_id, '--files', '--lang', 'es']);
    expect(spanish.stdout).toContain(
      '↳ sin terminar: la ejecución se interrumpió (Ctrl-C, SIGTERM) antes de terminar este archivo; sigue ' +
        'pendiente: ejecute el mismo comando de nuevo para terminarlo en esta sesión',
    );

    // As the files say: the same command finishes them, in the same session.
    const resumed = await cli(['ingest', drop, '--non-interactive', '--json']);
    const second = JSON.parse(resumed.stdout) as typeof report & { resumed: boolean };
    expect(second.resumed).toBe(true);
    expect(second.files).toHaveLength(report.total_files);
    expect(second.files.filter((f) => f.outcome === 'interrupted')).toEqual([]);
    expect(second.left_for_next_run).toBe(0);
  }, 120_000);
});
