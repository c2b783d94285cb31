import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { readJsonLines } from '../support/json-lines.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace } from '../support/postgres-workspace.js';

/**
 * A nightly run that reads the drop while the export is still copying a PDF in: the file is not failed
 * (`corrupt`, exit 3, quarantined half written) but left for the next run, which reads it whole. Through the
 * built CLI, as cron runs it.
 */

interface Report {
  status: string;
  failed_files: number;
  processed_files: number;
  deferred: number;
  still_being_written: number;
  files: {
    path: string;
    outcome: string;
    processing_status: string;
    error: string | null;
    moved_to: string | null;
  }[];
}

const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
const CONS = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';

let root: string;
beforeAll(() => {
  root = createTempDir('tecsalud-still-writing-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/**
 * `worker --until-idle ARGS`, its output gathered; `saidOrExited` settles once its stderr says `text` (the moment
 * a test changes the file under it) or once it has exited.
 */
function watchWorker(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }, text: string) {
  const worker = spawnCli(['worker', '--until-idle', ...args], options);
  let stdout = '';
  let stderr = '';
  worker.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => worker.once('close', resolve));
  const said = new Promise<void>((resolve) =>
    worker.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(text)) resolve();
    }),
  );
  return { exited, saidOrExited: Promise.race([said, exited]), stdout: () => stdout, stderr: () => stderr };
}

/**
 * Another process copies `whole` into `target` as an export does, a few bytes at a time, from `from` bytes on:
 * slowly enough that it is still at it while a run reads the file.
 */
function slowCopy(target: string, whole: Buffer, from: number) {
  fs.writeFileSync(target, whole.subarray(0, from));
  const script =
    `const fs = require('fs'); const whole = Buffer.from(${JSON.stringify(whole.toString('base64'))}, 'base64'); ` +
    `let at = ${from}; const t = setInterval(() => { fs.appendFileSync(${JSON.stringify(target)}, whole.subarray(at, at + 5)); ` +
    'at += 5; if (at >= whole.length) clearInterval(t); }, 100);';
  const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const gone = new Promise((resolve) => writer.once('close', resolve));
  return { stop: () => writer.kill(), stopped: () => (writer.kill(), gone) };
}

async function workspace(name: string) {
  const dir = path.join(root, name);
  const drop = path.join(dir, 'drop');
  fs.mkdirSync(drop, { recursive: true });
  const db = path.join(dir, 'registry.db');
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
  expect(imported.code, imported.stderr).toBe(0);
  const ingest = async (...flags: string[]) => {
    const run = await runCli(
      ['ingest', drop, '--db', db, '--non-interactive', '--type', 'complete', ...flags],
      { cwd: dir },
    );
    return { ...run, report: flags.includes('--json') ? (JSON.parse(run.stdout) as Report) : null };
  };
  return { dir, drop, ingest };
}

describe('a PDF still being copied into the drop', { tags: ['slow'] }, () => {
  it('is left for the next run, not failed nor archived, and the next run ingests it once whole', async () => {
    const { dir, drop, ingest } = await workspace('cut-short');
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
    // An export still copying the PDF in (2 KB of it so far) when the nightly run starts.
    const copy = slowCopy(path.join(drop, LAB), whole, 2000);
    fs.copyFileSync(path.join(SAMPLE_DIR, CONS), path.join(drop, CONS));
    const archive = path.join(dir, 'archive');
    const quarantine = path.join(dir, 'quarantine');
    const dirs = ['--archive-dir', archive, '--quarantine-dir', quarantine];

    let first;
    try {
      first = await ingest('--json', ...dirs);
    } finally {
      copy.stop();
    }
    expect(first.code, first.stderr).toBe(0);
    const report = first.report!;
    expect(report).toMatchObject({
      status: 'completed',
      failed_files: 0,
      deferred: 0,
      still_being_written: 1,
    });
    const half = report.files.find((f) => f.path === LAB)!;
    expect(half).toMatchObject({
      outcome: 'still_being_written',
      processing_status: 'pending',
      moved_to: null,
    });
    expect(half.error).toMatch(
      /^it changed while the run was reading it \(\d+ bytes, then \d+\): it is still being written; left for the next run/,
    );
    // Never moved half written: the rest of the copy would land in the archive or the quarantine.
    expect(fs.existsSync(path.join(drop, LAB))).toBe(true);
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);
    expect(fs.readdirSync(archive)).toEqual([CONS]);

    const status = await runCli(
      ['status', '--db', path.join(dir, 'registry.db'), '--files', '--lang', 'es'],
      { cwd: dir },
    );
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/aún copiándose +3000768077_HUERTA SOTO/);
    expect(status.stdout).toMatch(/cambió mientras la ejecución lo leía .*queda para la siguiente ejecución/);

    // The copy finishes; the next run reads it whole, ingests it and archives it.
    fs.writeFileSync(path.join(drop, LAB), whole);
    const second = await ingest('--json', ...dirs);
    expect(second.code, second.stderr).toBe(0);
    expect(second.report!.files.find((f) => f.path === LAB)).toMatchObject({ outcome: 'ingested' });
    expect(second.report!.still_being_written).toBe(0);
    expect(fs.readdirSync(archive).sort()).toEqual([CONS, LAB].sort());
    expect(fs.readdirSync(drop)).toEqual([]);
  });

  it('says so in the summary, in Spanish too; a PDF cut short that nothing is writing is corrupt, however new', async () => {
    const { drop, ingest } = await workspace('summary');
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
    const copy = slowCopy(path.join(drop, LAB), whole, 2000);
    let es;
    try {
      es = await ingest('--lang', 'es');
    } finally {
      copy.stop();
    }
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain('0 fallidos, 1 para la siguiente ejecución');
    expect(es.stdout).toContain(
      '1 archivo todavía se estaba escribiendo en la carpeta (cambió hace unos momentos): no falló, queda para la siguiente ejecución',
    );
    expect(es.stdout).not.toMatch(/dañado|corrupt/i);

    // Cut short just now, but nothing is writing it (a truncated PDF put in the drop): damaged (exit 3).
    fs.writeFileSync(path.join(drop, LAB), whole.subarray(0, 1950));
    const truncated = await ingest('--json');
    expect(truncated.code, truncated.stderr).toBe(3);
    expect(truncated.report!.files.find((f) => f.path === LAB)).toMatchObject({ outcome: 'corrupt' });
    // And untouched for an hour, likewise.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(drop, LAB), anHourAgo, anHourAgo);
    const old = await ingest('--json');
    expect(old.code, old.stderr).toBe(3);
    expect(old.report!.files.find((f) => f.path === LAB)).toMatchObject({ outcome: 'corrupt' });

    // --still-writing-seconds 0 turns the time check off: a PDF cut short a moment ago is judged as it is.
    fs.writeFileSync(path.join(drop, LAB), whole.subarray(0, 1900));
    const off = await ingest('--json', '--still-writing-seconds', '0');
    expect(off.code, off.stderr).toBe(3);
    expect(off.report!.files.find((f) => f.path === LAB)).toMatchObject({ outcome: 'corrupt' });

    const bad = await ingest('--still-writing-seconds', 'soon');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain(
      "--still-writing-seconds must be a number in plain decimal digits, not 'soon'",
    );
  });

  it('an empty PDF a copy has only created is left for the next run once its bytes land; one nothing writes to is empty_file', async () => {
    const { dir, drop, ingest } = await workspace('created-empty');
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
    const target = path.join(drop, LAB);
    const log = path.join(dir, 'run.log');
    const quarantine = path.join(dir, 'quarantine');
    // cp, rsync and SMB create the file, then write to it: the run finds it empty, and the first bytes land
    // while it looks again (once its log says the run started, so that it surely read the file empty first).
    fs.writeFileSync(target, '');
    const script =
      `const fs = require('fs'); const whole = Buffer.from(${JSON.stringify(whole.toString('base64'))}, 'base64'); ` +
      `const started = () => { try { return fs.readFileSync(${JSON.stringify(log)}, 'utf8').includes('session_started'); } catch { return false; } }; ` +
      'const wait = setInterval(() => { if (!started()) return; clearInterval(wait); setTimeout(() => { let at = 0; ' +
      `const t = setInterval(() => { fs.appendFileSync(${JSON.stringify(target)}, whole.subarray(at, at + 250)); at += 250; ` +
      'if (at >= whole.length) clearInterval(t); }, 100); }, 800); }, 20);';
    const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const copied = new Promise((resolve) => writer.once('close', resolve));
    let first;
    try {
      first = await ingest('--json', '--log-file', log, '--quarantine-dir', quarantine);
    } finally {
      await copied;
    }
    expect(first.code, first.stderr).toBe(0);
    expect(first.report).toMatchObject({ failed_files: 0, still_being_written: 1 });
    expect(first.report!.files.find((f) => f.path === LAB)).toMatchObject({
      outcome: 'still_being_written',
      moved_to: null,
      error: expect.stringMatching(
        /^it changed while the run was reading it \(0 bytes, then \d+\): it is still being written/,
      ),
    });
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);
    expect(fs.readFileSync(target)).toEqual(whole);

    // The copy done, the next run ingests it. An empty file nothing writes to is empty_file, created a
    // moment ago (once watched) or long ago.
    fs.writeFileSync(path.join(drop, CONS), '');
    const old = path.join(drop, '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf');
    fs.writeFileSync(old, '');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(old, anHourAgo, anHourAgo);
    const second = await ingest('--json');
    expect(second.code, second.stderr).toBe(3);
    expect(second.report!.files.map((f) => [f.path, f.outcome, f.error]).sort()).toEqual(
      [
        [LAB, 'ingested', null],
        [CONS, 'empty_file', 'the file is empty (0 bytes)'],
        [path.basename(old), 'empty_file', 'the file is empty (0 bytes)'],
      ].sort(),
    );
  });

  it('a file under the name its transfer tool gives it until it is complete (.filepart) is not quarantined as a bad name', async () => {
    const { dir, drop, ingest } = await workspace('transfer-name');
    const quarantine = path.join(dir, 'quarantine');
    const partial = path.join(drop, `${LAB}.filepart`);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), partial);
    const first = await ingest('--json', '--quarantine-dir', quarantine);
    expect(first.code, first.stderr).toBe(0);
    expect(first.report!.files).toEqual([
      expect.objectContaining({
        path: `${LAB}.filepart`,
        outcome: 'still_being_written',
        error: expect.stringMatching(
          /^named as a transfer still under way \('\.filepart'\) and modified \d+ s ago/,
        ),
      }),
    ]);
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);
    // WinSCP renames it once complete; the next run ingests it under its final name.
    fs.renameSync(partial, path.join(drop, LAB));
    const second = await ingest('--json', '--quarantine-dir', quarantine);
    expect(second.code, second.stderr).toBe(0);
    expect(second.report!.files.map((f) => [f.path, f.outcome])).toEqual([[LAB, 'ingested']]);
    // The first session no longer waits for a file that left under its final name: done, not failed.
    const firstId = (JSON.parse(first.stdout) as { session_id: string }).session_id;
    const status = await runCli(
      ['status', firstId.slice(0, 8), '--db', path.join(dir, 'registry.db'), '--json'],
      { cwd: dir },
    );
    expect(JSON.parse(status.stdout)).toMatchObject({
      status: 'completed',
      processed_files: 1,
      failed_files: 0,
      files: [
        {
          path: `${LAB}.filepart`,
          outcome: 'renamed_by_transfer',
          error: `renamed to '${LAB}' when its transfer completed: nothing was lost; that file is processed under its own name`,
        },
      ],
    });
  });

  it('a transfer abandoned under its .filepart name fails saying so, and the earlier session stops waiting for it', async () => {
    const { dir, drop, ingest } = await workspace('abandoned-transfer');
    const partial = path.join(drop, `${LAB}.filepart`);
    fs.writeFileSync(partial, fs.readFileSync(path.join(SAMPLE_DIR, LAB)).subarray(0, 3000));
    const first = await ingest('--json');
    expect(first.report!.files.map((f) => f.outcome)).toEqual(['still_being_written']);
    // The transfer was cancelled: nothing renames the file, and it no longer changes.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(partial, twoHoursAgo, twoHoursAgo);
    const abandoned =
      "named as a transfer still under way ('.filepart') and unchanged for 120 min: the transfer seems abandoned " +
      `(cancelled or cut off), its tool will not rename it; send the file again, or rename it to '${LAB}' if it is complete`;
    const second = await ingest('--json');
    expect(second.code, second.stderr).toBe(3);
    expect(second.report!.files.map((f) => [f.path, f.outcome, f.error])).toEqual([
      [`${LAB}.filepart`, 'invalid_name', abandoned],
    ]);
    // The first session, which ended waiting for the rename, ends with the failure instead of 0 of 1 for ever.
    const firstId = (JSON.parse(first.stdout) as { session_id: string }).session_id;
    const status = await runCli(
      ['status', firstId.slice(0, 8), '--db', path.join(dir, 'registry.db'), '--json'],
      { cwd: dir },
    );
    expect(JSON.parse(status.stdout)).toMatchObject({
      status: 'failed',
      processed_files: 1,
      failed_files: 1,
      files: [{ path: `${LAB}.filepart`, outcome: 'invalid_name', error: abandoned }],
    });
    const spanish = await runCli(
      ['status', firstId.slice(0, 8), '--files', '--db', path.join(dir, 'registry.db'), '--lang', 'es'],
      { cwd: dir },
    );
    expect(spanish.stdout.replace(/\s+/g, ' ')).toContain(
      'la transferencia parece abandonada (cancelada o cortada)',
    );
  });

  it('a file that grows while the run reads it is left, even when each moment of it ends like a whole PDF', async () => {
    const { drop, ingest } = await workspace('growing');
    const target = path.join(drop, LAB);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), target);
    // Another process appends to it all along the run (a comment and a fresh %%EOF each time, as incremental
    // saves do): the time check is off, so only the change between the listing and the read can tell.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); setInterval(() => fs.appendFileSync(${JSON.stringify(target)}, '% more\\n%%EOF\\n'), 2);`,
      ],
      { stdio: 'ignore' },
    );
    try {
      const run = await ingest('--json', '--still-writing-seconds', '0');
      expect(run.code, run.stderr).toBe(0);
      const file = run.report!.files.find((f) => f.path === LAB)!;
      expect(file.outcome).toBe('still_being_written');
      expect(file.error).toMatch(
        /^it changed while the run was reading it \(\d+ bytes, then \d+\): it is still being written/,
      );
      expect(run.report!.still_being_written).toBe(1);
    } finally {
      writer.kill();
    }
  });
});

describe.runIf(postgresWanted())(
  'a PDF still being copied in when a worker takes its job',
  { tags: ['slow'] },
  () => {
    it('is not failed: its job is taken again later, without spending an attempt, and the file ingested once whole', async () => {
      const workspace = await createPostgresWorkspace('tecsalud-still-writing-queue-', () => undefined);
      const { cwd, drop, env } = workspace;
      // One attempt per file, retried after 1 s: a look at a copy under way that spent the attempt would fail it.
      fs.writeFileSync(
        path.join(cwd, 'tecsalud-batch.config.json'),
        JSON.stringify({ queue: { retryLimit: 0, retryDelaySeconds: 1 } }),
      );
      const whole = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
      const target = path.join(drop, LAB);
      fs.writeFileSync(target, whole);
      const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'], {
        cwd,
        env,
      });
      expect(enqueued.code, enqueued.stderr).toBe(0);
      expect(JSON.parse(enqueued.stdout)).toMatchObject({ jobs_queued: 1, still_being_written: 0 });
      const sessionId = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id;
      // Queued whole, then copied in again (a second export of the same file) before a worker takes its job.
      const copy = slowCopy(target, whole, 2000);
      try {
        const log = path.join(cwd, 'worker.log');
        const worker = watchWorker(
          ['--json', '--lang', 'es', '--log-file', log],
          { cwd, env },
          'aún no está listo',
        );
        // The copy completes once the worker has found it under way (or the worker is done, having failed it).
        await worker.saidOrExited;
        await copy.stopped();
        fs.writeFileSync(target, whole);
        expect(await worker.exited, worker.stderr()).toBe(0);

        expect(worker.stderr()).toMatch(
          new RegExp(
            `sesión ${sessionId.slice(0, 8)}: un archivo aún no está listo \\(cambió mientras la ejecución lo leía .*\\); ` +
              'su tarea se retoma en 1 s, sin gastar un intento',
          ),
        );
        expect(JSON.parse(worker.stdout())).toMatchObject({ outcomes: { ingested: 1 } });
        const lines = readJsonLines(log);
        expect(lines).toContainEqual(
          expect.objectContaining({
            event: 'job_postponed',
            outcome: 'still_being_written',
            delay_seconds: 1,
          }),
        );
        // Ingested on its first and only attempt: the looks at the copy under way spent none.
        expect(lines.filter((line) => line.outcome === 'ingested')).toEqual([
          expect.objectContaining({ attempt: 1 }),
        ]);
        const status = await runCli(['status', sessionId.slice(0, 8), '--json'], { cwd, env });
        expect(JSON.parse(status.stdout)).toMatchObject({
          status: 'completed',
          failed_files: 0,
          processed_files: 1,
        });
      } finally {
        copy.stop();
        await workspace.cleanup();
      }
    });
  },
);

describe.runIf(postgresWanted())(
  'ingest --enqueue of a folder with files still being copied in',
  { tags: ['slow'] },
  () => {
    it('leaves them as ingest DIR does, in its words, counts and exit code, queues none, and the next --enqueue queues each once complete', async () => {
      const filepart = `${LAB}.filepart`;
      const RX = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6511262590_RX.pdf';
      const workspace = await createPostgresWorkspace('tecsalud-enqueue-still-writing-', (drop) => {
        fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(drop, filepart));
        fs.copyFileSync(path.join(SAMPLE_DIR, CONS), path.join(drop, CONS));
        fs.writeFileSync(path.join(drop, RX), '');
      });
      const { cwd, drop, env } = workspace;
      const enqueue = (...flags: string[]) =>
        runCli(
          ['ingest', 'drop', '--enqueue', '--type', 'complete', '--quarantine-dir', 'quarantine', ...flags],
          {
            cwd,
            env,
          },
        );
      const status = async (sessionId: string) =>
        JSON.parse(
          (await runCli(['status', sessionId.slice(0, 8), '--json'], { cwd, env })).stdout,
        ) as Report;
      const worker = async () => {
        const run = await runCli(['worker', '--until-idle', '--json'], { cwd, env });
        expect(run.code, run.stderr).toBe(0);
        return JSON.parse(run.stdout) as { files: number; outcomes: Record<string, number> };
      };
      // A copy that has created RX and writes it once the enqueue has listed the folder (its log says the session
      // started), 250 bytes every 100 ms: the enqueue finds it empty, and its first bytes land while it is watched.
      const log = path.join(cwd, 'enqueue.log');
      const whole = fs.readFileSync(path.join(SAMPLE_DIR, RX));
      const script =
        `const fs = require('fs'); const whole = Buffer.from(${JSON.stringify(whole.toString('base64'))}, 'base64'); ` +
        `const started = () => { try { return fs.readFileSync(${JSON.stringify(log)}, 'utf8').includes('session_started'); } catch { return false; } }; ` +
        'const wait = setInterval(() => { if (!started()) return; clearInterval(wait); setTimeout(() => { let at = 0; ' +
        `const t = setInterval(() => { fs.appendFileSync(${JSON.stringify(path.join(drop, RX))}, whole.subarray(at, at + 250)); at += 250; ` +
        'if (at >= whole.length) clearInterval(t); }, 100); }, 300); }, 20);';
      const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
      const copied = new Promise((resolve) => writer.once('close', resolve));
      try {
        const first = await enqueue('--json', '--log-file', log);
        await copied;
        // As `ingest DIR` leaves them: not failed, exit 0, counted, in the run's words; not queued.
        expect(first.code, first.stderr).toBe(0);
        const report = JSON.parse(first.stdout) as Report & { session_id: string; jobs_queued: number };
        expect(report).toMatchObject({ jobs_queued: 1, failed_files: 0, still_being_written: 2 });
        expect(report.files.map((f) => [f.path, f.outcome, f.processing_status, f.moved_to])).toEqual([
          [RX, 'still_being_written', 'pending', null],
          [filepart, 'still_being_written', 'pending', null],
        ]);
        expect(report.files[0]!.error).toMatch(
          /^it changed while the run was reading it \(0 bytes, then \d+\): it is still being written; left for the next run/,
        );
        expect(report.files[1]!.error).toMatch(
          /^named as a transfer still under way \('\.filepart'\) and modified \d+ s ago: left for the next run/,
        );
        expect(fs.existsSync(path.join(cwd, 'quarantine'))).toBe(false);
        const sessionId = report.session_id;

        // Again before any worker came: RX is whole now and gets its job; the transfer is still under way, and
        // the summary says so as `ingest DIR`'s does. CONS keeps the one job it has.
        const now = new Date();
        fs.utimesSync(path.join(drop, filepart), now, now); // its transfer still writes to it
        const second = await enqueue('--lang', 'es');
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toContain(`Sesión ${sessionId}: 1 archivo en cola`);
        expect(second.stdout).toContain(
          '1 archivo todavía se estaba escribiendo en la carpeta (cambió hace unos momentos): no falló, queda para la siguiente ejecución',
        );
        expect(await worker()).toMatchObject({ files: 2, outcomes: { ingested: 2 } });
        // The session ends without the transfer, as a run's does: completed, the file left for the next run.
        const done = await status(sessionId);
        expect(done).toMatchObject({ status: 'completed', failed_files: 0, processed_files: 2 });
        expect(done.files.find((f) => f.path === filepart)?.outcome).toBe('still_being_written');

        // WinSCP renames it once complete: the next --enqueue queues the final name, and only that.
        fs.renameSync(path.join(drop, filepart), path.join(drop, LAB));
        const third = await enqueue('--json');
        expect(third.code, third.stderr).toBe(0);
        const next = JSON.parse(third.stdout) as Report & { session_id: string; jobs_queued: number };
        expect(next).toMatchObject({ jobs_queued: 1, still_being_written: 0, resumed: false });
        expect(await worker()).toMatchObject({ files: 1, outcomes: { ingested: 1 } });
        expect((await status(next.session_id)).files.map((f) => [f.path, f.outcome])).toEqual(
          expect.arrayContaining([[LAB, 'ingested']]),
        );
        expect((await status(sessionId)).files.find((f) => f.path === filepart)).toMatchObject({
          outcome: 'renamed_by_transfer',
          error: `renamed to '${LAB}' when its transfer completed: nothing was lost; that file is processed under its own name`,
        });
      } finally {
        writer.kill();
        await workspace.cleanup();
      }
    });
  },
);

describe.runIf(postgresWanted())('a queued file that never stops changing', { tags: ['slow'] }, () => {
  it('is given up after ten still-writing windows, left in the folder, and worker --until-idle ends', async () => {
    const workspace = await createPostgresWorkspace('tecsalud-never-settles-', () => undefined);
    const { cwd, drop, env } = workspace;
    fs.writeFileSync(
      path.join(cwd, 'tecsalud-batch.config.json'),
      JSON.stringify({ queue: { retryLimit: 0, retryDelaySeconds: 1 } }),
    );
    const target = path.join(drop, LAB);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), target);
    let writer: ReturnType<typeof spawn> | undefined;
    try {
      // A window of 1 s: given up once it has kept changing for 10 s.
      const flags = [
        '--enqueue',
        '--type',
        'complete',
        '--still-writing-seconds',
        '1',
        '--quarantine-dir',
        'quarantine',
        '--json',
      ];
      const enqueued = await runCli(['ingest', 'drop', ...flags], { cwd, env });
      expect(enqueued.code, enqueued.stderr).toBe(0);
      const sessionId = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id;
      // Once queued, something starts writing into it, past its end: every look finds it changed, or changed
      // moments ago and not ending like a whole PDF (so that a look a busy machine delays still finds it written).
      fs.appendFileSync(target, Buffer.alloc(2048, 0x20));
      writer = spawn(
        process.execPath,
        [
          '-e',
          `const fs = require('fs'); setInterval(() => fs.appendFileSync(${JSON.stringify(target)}, '% more\\n'), 20);`,
        ],
        { stdio: 'ignore' },
      );
      const started = Date.now();
      const worker = await runCli(['worker', '--until-idle', '--json'], { cwd, env });
      expect(worker.code, worker.stderr).toBe(0);
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(worker.stderr).toMatch(
        new RegExp(
          `session ${sessionId.slice(0, 8)}: a file kept changing for 1\\d s \\(.*still being written`,
        ),
      );
      expect(JSON.parse(worker.stdout)).toMatchObject({ outcomes: { processing_failed: 1 } });
      const status = JSON.parse(
        (await runCli(['status', sessionId.slice(0, 8), '--json'], { cwd, env })).stdout,
      ) as Report;
      expect(status).toMatchObject({ status: 'failed', failed_files: 1 });
      expect(status.files).toEqual([
        expect.objectContaining({
          path: LAB,
          outcome: 'processing_failed',
          error: expect.stringMatching(
            /^it kept changing for 1\d s, still being written at each of \d+ looks \(the last: .*\); given up so that the queue can end, and left where it is/,
          ),
        }),
      ]);
      expect(fs.existsSync(target), 'left in the drop folder').toBe(true);
    } finally {
      writer?.kill();
      await workspace.cleanup();
    }
  });
});

describe('ingest --dry-run before a transfer completes', { tags: ['slow'] }, () => {
  interface Plan {
    counts: Record<string, number>;
    files: { path: string; plan: string; outcome?: string; error?: string }[];
  }
  /** The seconds a message counts change between the plan and the run. */
  const timeless = (message: string | null | undefined) => message?.replace(/\d+ (s|min)\b/g, 'N $1');

  it('plans an empty PDF a copy has only created as the run leaves it, and one nothing writes to as empty_file', async () => {
    const { dir, drop, ingest } = await workspace('dry-run-created-empty');
    const whole = fs.readFileSync(path.join(SAMPLE_DIR, LAB));
    const target = path.join(drop, LAB);
    // cp, rsync and SMB create the file, then write to it: the plan lists it empty, and the first bytes land while
    // it looks again (once the plan opened the registry, its -wal there, so that it surely listed it first).
    const wal = path.join(dir, 'registry.db-wal');
    expect(fs.existsSync(wal)).toBe(false);
    fs.writeFileSync(target, '');
    fs.writeFileSync(path.join(drop, CONS), '');
    const script =
      `const fs = require('fs'); const whole = Buffer.from(${JSON.stringify(whole.toString('base64'))}, 'base64'); ` +
      `const wait = setInterval(() => { if (!fs.existsSync(${JSON.stringify(wal)})) return; clearInterval(wait); ` +
      'setTimeout(() => { let at = 0; ' +
      `const t = setInterval(() => { fs.appendFileSync(${JSON.stringify(target)}, whole.subarray(at, at + 250)); at += 250; ` +
      'if (at >= whole.length) clearInterval(t); }, 100); }, 400); }, 10);';
    const writer = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const copied = new Promise((resolve) => writer.once('close', resolve));
    let planned;
    try {
      planned = await ingest('--dry-run', '--json');
    } finally {
      writer.kill();
      await copied;
    }
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as Plan;
    // The run's words for it (see the run's test above): left for the next run, not failed empty_file.
    expect(plan.files.find((f) => f.path === LAB)).toMatchObject({
      plan: 'still_being_written',
      error: expect.stringMatching(
        /^it changed while the run was reading it \(\d+ bytes, then \d+\): it is still being written/,
      ),
    });
    // Created as long ago, but nothing writes to it: watched the same moment, and empty_file as the run fails it.
    expect(plan.files.find((f) => f.path === CONS)).toMatchObject({
      plan: 'failed',
      outcome: 'empty_file',
      error: 'the file is empty (0 bytes)',
    });
    expect(plan.counts).toMatchObject({ still_being_written: 1, failed: 1, auto: 0 });
  });

  it('plans a .filepart changed moments ago as the run leaves it, and one abandoned as the run fails it, in its words', async () => {
    const { drop, ingest } = await workspace('dry-run-transfer');
    const partial = path.join(drop, `${LAB}.filepart`);
    fs.writeFileSync(partial, fs.readFileSync(path.join(SAMPLE_DIR, LAB)).subarray(0, 3000));
    const now = new Date();
    fs.utimesSync(partial, now, now);
    // A whole PDF delivered moments ago is ingested by the run: a recent time alone leaves nothing for later.
    fs.copyFileSync(path.join(SAMPLE_DIR, CONS), path.join(drop, CONS));

    const planned = await ingest('--dry-run', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout) as Plan;
    expect(plan.counts).toMatchObject({ still_being_written: 1, invalid: 0, failed: 0, auto: 1 });
    const underWay = plan.files.find((f) => f.path === `${LAB}.filepart`)!;
    expect(underWay).toMatchObject({
      plan: 'still_being_written',
      error: expect.stringMatching(
        /^named as a transfer still under way \('\.filepart'\) and modified \d+ s ago: left for the next run/,
      ),
    });
    const [english, spanish] = await Promise.all([
      ingest('--dry-run', '--lang', 'en'),
      ingest('--dry-run', '--lang', 'es'),
    ]);
    expect(english.stdout).toContain(
      `still_being_written ${LAB}.filepart  named as a transfer still under way`,
    );
    expect(english.stdout).toMatch(
      /^Dry run: 1 would attach, .*0 have invalid names, 1 still being written \(left for the next run, not failed\)\. Nothing was written\.$/m,
    );
    expect(spanish.stdout).toContain(
      `aún copiándose  ${LAB}.filepart  nombrado como una transferencia aún en curso`,
    );
    expect(spanish.stdout).toMatch(
      /, 1 aún copiándose \(quedaría para la siguiente ejecución, sin fallar\)\. No se escribió nada\.$/m,
    );

    // The run does as planned, in the same words.
    const run = await ingest('--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.report!.still_being_written).toBe(1);
    const left = run.report!.files.find((f) => f.path === `${LAB}.filepart`)!;
    expect(left.outcome).toBe('still_being_written');
    expect(timeless(left.error)).toBe(timeless(underWay.error));

    // Untouched for two hours, the transfer is abandoned: the plan fails it as the run does, in its words.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(partial, twoHoursAgo, twoHoursAgo);
    const again = JSON.parse((await ingest('--dry-run', '--json')).stdout) as Plan;
    expect(again.counts).toMatchObject({ still_being_written: 0, invalid: 1 });
    const abandoned = again.files.find((f) => f.path === `${LAB}.filepart`)!;
    expect(abandoned).toMatchObject({
      plan: 'invalid_name',
      error: expect.stringMatching(/the transfer seems abandoned \(cancelled or cut off\)/),
    });
    const failed = await ingest('--json');
    expect(failed.code, failed.stderr).toBe(3);
    const recorded = failed.report!.files.find((f) => f.path === `${LAB}.filepart`)!;
    expect([recorded.outcome, timeless(recorded.error)]).toEqual(['invalid_name', timeless(abandoned.error)]);
  });
});
