import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_SCHEMA } from '../../src/core/queue/defaults.js';
import { ExitCode } from '../../src/errors.js';
import { runCli, spawnCli, type CliOptions } from '../support/cli-binary.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { formatCount } from '../../src/ui/format.js';
import { postgresWanted } from '../support/postgres.js';
import { startFaultyProxy } from '../support/tcp-faults.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';

/** Enough files for several insert statements (a thousand each): the Ctrl-C lands between two of them. */
const FILES = 5000;

interface EnqueueJson {
  session_id: string;
  status: string;
  error_message: string | null;
  jobs_queued: number;
  interrupted?: boolean;
  files_not_queued?: number;
}

/**
 * Starts `args` (an `ingest --enqueue`) and returns once its first job is in the queue, as `client` sees it:
 * the moment a Ctrl-C lands between two of its inserts.
 */
async function enqueueUntilFirstJob(args: string[], options: CliOptions, client: import('pg').Client) {
  const child = spawnCli(args, options);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const jobs = await client
      .query<{ n: string }>(`select count(*) as n from ${DEFAULT_QUEUE_SCHEMA}.job`)
      .then((result) => Number(result.rows[0]!.n))
      .catch(() => 0);
    if (jobs > 0) break;
    if (Date.now() > deadline) throw new Error(`no job was queued within 60 s: ${output.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { child, output, ended };
}

describe.runIf(postgresWanted())('Ctrl-C during `ingest --enqueue`', { tags: ['slow'] }, () => {
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  let workspace: PostgresWorkspace;

  beforeEach(async () => {
    workspace = await createPostgresWorkspace('tecsalud-enqueue-interrupt-', (drop) => {
      // Links to one PDF: the enqueue reads no bytes, and the folder costs nothing to make.
      const lab = path.join(SAMPLE_DIR, '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf');
      for (let i = 0; i < FILES; i++) {
        fs.linkSync(lab, path.join(drop, `3000768077_HUERTA SOTO, GABRIELA_${1_000_000_000 + i}_LAB.pdf`));
      }
    });
    ({ cwd, env } = workspace);
  });
  afterEach(() => workspace.cleanup());

  it('stops with 130 saying how many were queued, leaves no lock, and the same command queues the rest once', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: env.TECSALUD_DB });
    await client.connect();
    try {
      const args = ['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'];
      // Ctrl-C once the first jobs are in.
      const { child, output, ended } = await enqueueUntilFirstJob(args, { cwd, env }, client);
      child.kill('SIGINT');
      const { code, signal } = await ended;
      const { stdout, stderr } = output;
      expect({ code, signal }, stderr).toEqual({ code: ExitCode.Interrupted, signal: null });
      const first = JSON.parse(stdout) as EnqueueJson;
      expect(first).toMatchObject({ interrupted: true, status: 'interrupted' });
      expect(first.jobs_queued).toBeGreaterThan(0);
      expect(first.jobs_queued + first.files_not_queued!).toBe(FILES);
      expect(first.error_message).toContain('run the same `tecsalud-batch ingest DIR --enqueue` again');
      expect(stderr).toContain(
        `interrupted: run the same command again to queue the other ${formatCount(first.files_not_queued!)} files in this session`,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
      // No lock row left behind: `status` and the next run see no run going on.
      expect((await client.query('select * from run_locks')).rows).toEqual([]);
      // Its files, queued or not, wait for that same command (workers leave an interrupted session alone).
      const note =
        'not finished: the enqueue was interrupted (Ctrl-C) and workers take none of its files until the session ' +
        'is queued whole; it stays pending: run the same `tecsalud-batch ingest DIR --enqueue` again (no file is ' +
        'queued twice)';
      const status = await runCli(['status', first.session_id, '--files', '--json'], { cwd, env });
      const files = (JSON.parse(status.stdout) as { files: { outcome: string; error: string }[] }).files;
      expect(files).toHaveLength(FILES);
      expect(new Set(files.map((file) => `${file.outcome}: ${file.error}`))).toEqual(
        new Set([`interrupted: ${note}`]),
      );
      const spanish = await runCli(['--lang', 'es', 'status', first.session_id, '--files'], { cwd, env });
      expect(spanish.stdout).toContain(
        'sin terminar: se interrumpió la puesta en cola (Ctrl-C) y los workers no toman ninguno de sus archivos ' +
          'hasta que la sesión esté en la cola completa; sigue pendiente: ejecute el mismo ' +
          '`tecsalud-batch ingest DIR --enqueue` de nuevo (ningún archivo se pone dos veces)',
      );

      // The same command queues the rest, in the same session: every file has exactly one job.
      const again = await runCli(args, { cwd, env });
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      const second = JSON.parse(again.stdout) as EnqueueJson;
      expect(second).toMatchObject({ session_id: first.session_id, status: 'processing' });
      expect(second.jobs_queued).toBe(first.files_not_queued);
      const { rows } = await client.query<{ jobs: string; files: string }>(
        `select count(*) as jobs, count(distinct data->>'fileId') as files from ${DEFAULT_QUEUE_SCHEMA}.job ` +
          `where data->>'sessionId' = $1`,
        [first.session_id],
      );
      expect(rows[0]).toEqual({ jobs: String(FILES), files: String(FILES) });
      const sessions = await client.query('select id from batch_uploads');
      expect(sessions.rows).toHaveLength(1);
    } finally {
      await client.end();
    }
  });

  it('a closed terminal (SIGHUP, even twice) stops it as the first Ctrl-C does: 130, the session interrupted, no lock', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: env.TECSALUD_DB });
    await client.connect();
    try {
      const { child, output, ended } = await enqueueUntilFirstJob(
        ['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'],
        { cwd, env },
        client,
      );
      child.kill('SIGHUP');
      child.kill('SIGHUP');
      const { code, signal } = await ended;
      expect({ code, signal }, output.stderr).toEqual({ code: ExitCode.Interrupted, signal: null });
      expect(output.stderr).toContain(
        'terminal closed (SIGHUP): stopping; the files queued so far keep their jobs',
      );
      expect(output.stderr).not.toContain('Ctrl-C');
      const report = JSON.parse(output.stdout) as EnqueueJson;
      expect(report).toMatchObject({ interrupted: true, status: 'interrupted' });
      expect(report.jobs_queued + report.files_not_queued!).toBe(FILES);
      expect((await client.query('select * from run_locks')).rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('a second Ctrl-C while the database holds a statement still writes what was queued within ~5 s, then exits 130', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: env.TECSALUD_DB });
    await client.connect();
    // The command reaches the database through a proxy of the test's own, which can stop passing anything.
    const target = new URL(env.TECSALUD_DB!);
    const proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
    const viaProxy = new URL(target);
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    try {
      const { child, output, ended } = await enqueueUntilFirstJob(
        ['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'],
        { cwd, env: { ...env, TECSALUD_DB: viaProxy.toString() } },
        client,
      );
      // The database stops answering mid-queueing: the first Ctrl-C's "after this statement" never comes.
      proxy.hold(true);
      child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = Date.now();
      child.kill('SIGINT');
      const { code, signal } = await ended;
      const waited = Date.now() - second;
      const { stdout, stderr } = output;
      expect({ code, signal }, stderr).toEqual({ code: ExitCode.Interrupted, signal: null });
      expect(waited).toBeGreaterThan(3_000);
      expect(waited).toBeLessThan(8_000);
      // The report: the session, the files queued so far and those not, and how to queue the rest.
      const report = JSON.parse(stdout) as EnqueueJson;
      expect(report).toMatchObject({ interrupted: true, status: 'interrupted' });
      expect(report.session_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(report.jobs_queued + report.files_not_queued!).toBe(FILES);
      const inDatabase = await client.query<{ n: string }>(
        `select count(*) as n from ${DEFAULT_QUEUE_SCHEMA}.job`,
      );
      expect(report.jobs_queued).toBeLessThanOrEqual(Number(inDatabase.rows[0]!.n));
      expect(stderr).toContain('stopping now: writing what was queued (at most 5 s');
      expect(stderr).toContain(
        `interrupted: run the same command again to queue the other ${formatCount(report.files_not_queued!)} files`,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      proxy.hold(false);
      await proxy.close();
      await client.end();
    }
  });
});

describe.runIf(postgresWanted())(
  '`ingest --enqueue` of a folder whose enqueued session is not done yet',
  { tags: ['slow'] },
  () => {
    const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
    const PRESC = '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf';
    let workspace: PostgresWorkspace;

    beforeEach(async () => {
      workspace = await createPostgresWorkspace('tecsalud-enqueue-twice-', (drop) => {
        fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(drop, LAB));
        // What a Mac leaves on a share: skipped, counted, never queued.
        fs.writeFileSync(path.join(drop, '.DS_Store'), 'Bud1');
      });
    });
    afterEach(() => workspace.cleanup());

    it('joins it: the files queued keep their one job, a new file gets its own, and the workers end one session', async () => {
      const { cwd, env, drop } = workspace;
      const args = ['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'];
      const first = await runCli(args, { cwd, env });
      expect(first.code, first.stderr).toBe(ExitCode.Success);
      const opened = JSON.parse(first.stdout) as EnqueueJson & { resumed: boolean };
      expect(opened).toMatchObject({
        jobs_queued: 1,
        status: 'processing',
        skipped_hidden: 1,
        skipped_hidden_paths: ['.DS_Store'],
      });
      expect(opened.resumed).not.toBe(true);

      // No worker has run yet: the same command again, with one more file in the folder.
      fs.copyFileSync(path.join(SAMPLE_DIR, PRESC), path.join(drop, PRESC));
      const again = await runCli(args, { cwd, env });
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(again.stdout)).toMatchObject({
        session_id: opened.session_id,
        jobs_queued: 1,
        resumed: true,
      });
      const text = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete'], { cwd, env });
      expect(text.stdout).toContain(
        `Session ${opened.session_id}: 0 files queued for the workers (the folder's unfinished session, resumed: ` +
          'files already queued keep their jobs).',
      );
      expect(text.stdout).toContain(
        '1 hidden or system entry skipped (.DS_Store): not documents, not looked into',
      );
      // A records administrator reads the same in Spanish.
      const spanish = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--lang', 'es'], {
        cwd,
        env,
      });
      expect(spanish.code, spanish.stderr).toBe(ExitCode.Success);
      expect(spanish.stdout).toContain(
        `Sesión ${opened.session_id}: 0 archivos en cola para los procesos de trabajo (la sesión sin terminar de la ` +
          'carpeta, reanudada: los archivos ya en cola conservan sus tareas).',
      );
      expect(spanish.stdout).toContain(
        '1 entrada oculta o de sistema omitida (.DS_Store): no son documentos',
      );
      expect(spanish.stdout).toContain(
        `siga el avance con \`tecsalud-batch status ${opened.session_id.slice(0, 8)}\``,
      );
      expect(spanish.stdout).not.toMatch(/queued|Start workers/);

      const worker = await runCli(['worker', '--until-idle', '--concurrency', '2'], { cwd, env });
      expect(worker.code, worker.stderr).toBe(ExitCode.Success);
      const status = JSON.parse(
        (await runCli(['status', opened.session_id, '--json'], { cwd, env })).stdout,
      ) as {
        status: string;
        files: { path: string; outcome: string }[];
      };
      // Each file worked on once, in one session: no copy ended a duplicate of the other session's.
      expect(status.status).toBe('completed');
      expect(status.files.map((file) => [file.path, file.outcome]).sort()).toEqual([
        [LAB, 'ingested'],
        [PRESC, 'ingested'],
      ]);
      const sessions = JSON.parse((await runCli(['sessions', '--json'], { cwd, env })).stdout) as unknown[];
      expect(sessions).toHaveLength(1);

      // A final session is done with: the next enqueue opens a new one, whose files are what the registry holds.
      const later = JSON.parse((await runCli(args, { cwd, env })).stdout) as EnqueueJson & {
        resumed: boolean;
      };
      expect(later.session_id).not.toBe(opened.session_id);
      expect(later.resumed).toBe(false);
    });
  },
);
