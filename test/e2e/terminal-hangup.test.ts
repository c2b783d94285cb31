// A terminal that closes under a run (an ssh connection that drops, a window closed): the process gets SIGHUP.
// The built CLI, held mid-run by an embeddings server that does not answer yet, and the signal sent to it.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli-binary.js';
import { createHeldIngestWorkspace, type HeldIngestWorkspace } from './support/held-ingest.js';
import { readJsonLines } from '../support/json-lines.js';
import { createPostgresWorkspace } from '../support/postgres-workspace.js';
import { startServe } from './support/serve-cli.js';

const KEY = 'sk-hangup';

let workspace: HeldIngestWorkspace;
let root: string;
let db: string;
let env: NodeJS.ProcessEnv;
let release: () => void;
let startHeldIngest: HeldIngestWorkspace['startHeldIngest'];

beforeEach(async () => {
  workspace = await createHeldIngestWorkspace('tecsalud-hangup-', KEY);
  ({ root, db, env, release, startHeldIngest } = workspace);
});
afterEach(() => workspace.cleanup());

function sessionState() {
  const handle = new Database(db, { readonly: true });
  try {
    return {
      locks: handle.prepare('select pid from run_locks').all(),
      statuses: handle.prepare('select status from batch_uploads').all(),
      pending: (
        handle.prepare('select count(*) n from batch_files where outcome is null').get() as { n: number }
      ).n,
    };
  } finally {
    handle.close();
  }
}

describe('ingest when its terminal hangs up', { tags: ['slow'] }, () => {
  it('without a log file to reopen: stops as on Ctrl-C — files in flight finish, summary, session interrupted, lock released', async () => {
    const run = await startHeldIngest();
    run.child.kill('SIGHUP');
    // A dropped connection can deliver it twice (the kernel and the shell): still no exit at once.
    await sleep(200);
    run.child.kill('SIGHUP');
    await sleep(200);
    release();
    const exit = await run.exited;

    expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
    expect(run.stdout()).toMatch(/— interrupted in [\d.]+ s/);
    expect(run.stderr()).toMatch(/run the same command again to finish session/);
    // Said as what happened, once: no Ctrl-C can follow a terminal that is gone (stderr may be a file kept).
    expect(
      run.stderr().match(/Terminal closed \(SIGHUP\): no new files are started; the files in flight finish/g),
    ).toHaveLength(1);
    expect(run.stderr()).not.toContain('Ctrl-C');
    const state = sessionState();
    expect(state.locks).toEqual([]);
    expect(state.statuses).toEqual([{ status: 'interrupted' }]);
    // It stopped taking files: some are left for the next run, none half-done.
    expect(state.pending).toBeGreaterThan(0);
  }, 60_000);

  it("SIGTERM (systemd stopping it, a kill) says to send it again, not to press Ctrl-C, in the reader's language", async () => {
    const run = await startHeldIngest(['--lang', 'es']);
    run.child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (!run.stderr().includes('SIGTERM') && Date.now() < deadline) await sleep(25);
    release();
    expect(await run.exited, run.stderr()).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toContain('SIGTERM: no se inician archivos nuevos; los que están en curso terminan');
    expect(run.stderr()).toContain('Envíelo otra vez para detener de inmediato');
    expect(run.stderr()).not.toContain('Ctrl-C');
  }, 60_000);

  it('with --log-file: SIGHUP is logrotate asking to reopen it, and the run goes on to the end', async () => {
    const run = await startHeldIngest(['--log-file', 'logs/ingest.log']);
    fs.renameSync(path.join(root, 'logs/ingest.log'), path.join(root, 'logs/ingest.log.1'));
    run.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(path.join(root, 'logs/ingest.log')) && Date.now() < deadline) await sleep(25);
    release();
    const exit = await run.exited;

    expect(exit.signal).toBeNull();
    expect([0, 2, 3], run.stderr()).toContain(exit.code);
    expect(readJsonLines(path.join(root, 'logs/ingest.log'))[0]).toMatchObject({ event: 'log_reopened' });
    const state = sessionState();
    expect(state.pending).toBe(0);
    expect(state.statuses).not.toContainEqual({ status: 'interrupted' });
  }, 60_000);
});

describe('serve when its terminal hangs up', { tags: ['slow'] }, () => {
  it('logging to the terminal: stops in order, as on SIGTERM', async () => {
    const server = await startServe(['--db', db, '--no-auth'], { cwd: root, env });
    server.child.kill('SIGHUP');
    expect(await server.exited, server.stderr()).toBe(0);
    expect(server.stdout()).toMatch(/stopping/i);
  }, 60_000);

  it('with --log-file: reopens the log and keeps serving', async () => {
    const server = await startServe(['--db', db, '--no-auth', '--log-file', 'serve.log'], { cwd: root, env });
    try {
      fs.renameSync(path.join(root, 'serve.log'), path.join(root, 'serve.log.1'));
      server.child.kill('SIGHUP');
      const deadline = Date.now() + 10_000;
      while (!fs.existsSync(path.join(root, 'serve.log')) && Date.now() < deadline) await sleep(25);
      expect(
        (await fetch(`${server.base.replace(/\/api\/.*$/, '')}/api/v1/documents/batch/processing-types`))
          .status,
      ).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);
});

describe('worker when its terminal hangs up', { tags: ['slow'] }, () => {
  it('without a log file to reopen: stops as on SIGTERM (130), not killed by the signal', async () => {
    const workspace = await createPostgresWorkspace('tecsalud-hangup-worker-', () => undefined);
    try {
      const worker = spawnCli(['worker'], { cwd: workspace.cwd, env: workspace.env });
      let stderr = '';
      worker.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        worker.on('close', (code, signal) => resolve({ code, signal })),
      );
      const deadline = Date.now() + 60_000;
      while (!/started/.test(stderr) && Date.now() < deadline && worker.exitCode === null) await sleep(25);
      worker.kill('SIGHUP');
      expect(await exited, stderr).toEqual({ code: 130, signal: null });
      expect(stderr).toContain(
        'SIGHUP (the terminal closed): finishing the files in flight, taking no new job, then stopping',
      );
    } finally {
      await workspace.cleanup();
    }
  }, 90_000);
});
