import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { finishedRun, runCli, spawnCli } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';
import { postgresWanted } from '../support/postgres.js';
import { copyDelivered } from '../support/delivered-files.js';
import { startProxyFor } from '../support/tcp-faults.js';
import { startServe } from './support/serve-cli.js';

/**
 * A PostgreSQL server that stops answering (frozen, or a link gone dead) at a chosen point of a command, through a
 * proxy of the test's own: the command must end, with 69 and a hint, within its bound (TECSALUD_DB_TIMEOUT) — a
 * process that never exits holds its cron slot, or a folder's lock, for ever.
 */

/** Far above the 2 s bound and the 10 s connect timeout; before, the process never exited. */
const EXIT_BOUND_MS = 40_000;

let workspace: PostgresWorkspace;
beforeAll(async () => {
  workspace = await createPostgresWorkspace('tecsalud-frozen-exits-', (drop) =>
    copyDelivered(SAMPLE_DIR, drop),
  );
});
afterAll(async () => workspace?.cleanup());

/** Runs `args` with the registry behind a proxy that freezes once the command sends `text`. */
async function frozenOn(text: string, args: string[]) {
  const { proxy, viaProxy } = await startProxyFor(workspace.env.TECSALUD_DB!);
  proxy.holdOn(text);
  try {
    const started = Date.now();
    const run = await runCli(args, {
      cwd: workspace.cwd,
      env: { ...workspace.env, TECSALUD_DB: viaProxy.toString(), TECSALUD_DB_TIMEOUT: '2' },
      timeoutMs: EXIT_BOUND_MS,
    });
    return { ...run, ms: Date.now() - started };
  } finally {
    proxy.hold(false);
    await proxy.close();
  }
}

/** A session's counts as `status --json` gives them, read straight from the registry (no proxy). */
async function sessionCounts(on: PostgresWorkspace, sessionId: string) {
  const status = await runCli(['status', sessionId, '--json'], { cwd: on.cwd, env: on.env });
  return JSON.parse(status.stdout) as { failed_files: number; processed_files: number; total_files: number };
}

function expectBoundedFailure(run: Awaited<ReturnType<typeof frozenOn>>) {
  expect(run.signal, `killed after ${EXIT_BOUND_MS} ms: the process never exited\n${run.stderr}`).toBeNull();
  expect(run.code, run.stderr).toBe(ExitCode.ServiceUnavailable);
  expect(run.stderr).toMatch(/^error: .*PostgreSQL database .*: the server did not answer within 2 s/m);
  // Not "check the URL, user and password": those were good, the server went silent.
  expect(run.stderr).toMatch(/^hint: the server stopped answering .*TECSALUD_DB_TIMEOUT/m);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe.runIf(postgresWanted())(
  'a PostgreSQL server that freezes while a command starts',
  { tags: ['slow'] },
  () => {
    // The migrator's bookkeeping (its tables, its lock) runs in every command that opens the registry, even with
    // nothing to migrate; it was left without the statement bound meant for the migrations' own long statements.
    it.each([
      ['status', ['status']],
      ['patients list', ['patients', 'list']],
      // It read TECSALUD_DB_TIMEOUT from nowhere: the default 120 s bound, whatever the setting said.
      ['patients import', ['patients', 'import', REGISTRY_CSV]],
    ])('while the migrator checks its tables: `%s` exits 69 within its bound', async (_name, args) => {
      expectBoundedFailure(await frozenOn('kysely_migration', args));
    });

    it('at the migrator\'s lock, in its transaction: the reason given is the silence, not the driver\'s "not queryable"', async () => {
      const run = await frozenOn('pg_advisory_lock', ['status']);
      expectBoundedFailure(run);
      // The rollback on the cut connection failed with its own words, which replaced the statement's.
      expect(run.stderr).not.toMatch(/not queryable/);
    });

    it('inside the migrator\'s transaction, past its lock: the silence again, not "migration failed" nor "discarded"', async () => {
      // kysely marks the connection discarded when the rollback fails; the lock's release then fails on it.
      const run = await frozenOn('from "kysely_migration"', ['status']);
      expectBoundedFailure(run);
      expect(run.stderr).not.toMatch(/migration .*failed|discarded/);
    });
  },
);

describe.runIf(postgresWanted())(
  'a PostgreSQL server frozen under a running `serve`',
  { tags: ['slow'] },
  () => {
    it('SIGTERM still stops it: the pool connections that never get their goodbye answered are cut', async () => {
      const { proxy, viaProxy } = await startProxyFor(workspace.env.TECSALUD_DB!);
      try {
        const server = await startServe(['--no-auth'], {
          cwd: workspace.cwd,
          env: { ...workspace.env, TECSALUD_DB: viaProxy.toString(), TECSALUD_DB_TIMEOUT: '2' },
        });
        proxy.hold(true);
        const bound = setTimeout(() => server.child.kill('SIGKILL'), EXIT_BOUND_MS);
        const code = await server.stop();
        clearTimeout(bound);
        expect(server.child.signalCode, `killed after ${EXIT_BOUND_MS} ms:\n${server.stderr()}`).toBeNull();
        expect(code, server.stderr()).toBe(0);
        expect(server.stderr()).not.toMatch(/^\s+at |internal error/m);
      } finally {
        proxy.hold(false);
        await proxy.close();
      }
    });
  },
);

describe.runIf(postgresWanted())(
  'a PostgreSQL server frozen under a running `worker`',
  { tags: ['slow'] },
  () => {
    it('SIGTERM still stops it within its bound, and the files it held are not failed for it', async () => {
      const queued = await runCli(['ingest', workspace.drop, '--enqueue', '--type', 'complete', '--json'], {
        cwd: workspace.cwd,
        env: workspace.env,
      });
      const sessionId = (JSON.parse(queued.stdout) as { session_id: string }).session_id;
      const { proxy, viaProxy } = await startProxyFor(workspace.env.TECSALUD_DB!);
      try {
        const child = spawnCli(['worker', '--concurrency', '1'], {
          cwd: workspace.cwd,
          env: { ...workspace.env, TECSALUD_DB: viaProxy.toString(), TECSALUD_DB_TIMEOUT: '2' },
        });
        const run = finishedRun(child);
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        await expect.poll(() => /^worker \w+ started/m.test(stderr), { timeout: 30_000 }).toBe(true);
        // Frozen with files still queued (one at a time: the sample takes the worker a few seconds).
        proxy.hold(true);
        await new Promise((resolve) => setTimeout(resolve, 500));
        child.kill('SIGTERM');
        const bound = setTimeout(() => child.kill('SIGKILL'), EXIT_BOUND_MS);
        const result = await run;
        clearTimeout(bound);
        expect(result.signal, `killed after ${EXIT_BOUND_MS} ms:\n${result.stderr}`).toBeNull();
        expect(result.code, result.stderr).toBe(ExitCode.Interrupted);
        expect(result.stderr).toMatch(/the files of the jobs it put back are not failed/);
        expect(result.stderr).not.toMatch(/^\s+at |internal error/m);
      } finally {
        proxy.hold(false);
        await proxy.close();
      }
      // Only the sample's files refused at registration are failed: none for the freeze.
      const report = await sessionCounts(workspace, sessionId);
      expect(report.failed_files).toBe(3);
      expect(report.processed_files).toBeLessThan(report.total_files);
    }, 120_000);
  },
);

describe.runIf(postgresWanted())(
  'a PostgreSQL server gone under `worker --until-idle`',
  { tags: ['slow'] },
  () => {
    // From cron, a one-shot worker that waited any outage out held its slot for ever, pausing up to 60 s at a time.
    it.each(['en', 'es'] as const)(
      'it stops with 69 once the outage outlasts queue.untilIdleOutageSeconds, failing no file; the next run finishes (%s)',
      async (lang) => {
        // A registry of its own: the sample's files still to process, whichever language ran first.
        const workspace = await createPostgresWorkspace('tecsalud-until-idle-', (drop) =>
          copyDelivered(SAMPLE_DIR, drop),
        );
        const config = path.join(workspace.cwd, 'tecsalud-batch.config.json');
        fs.writeFileSync(config, JSON.stringify({ queue: { untilIdleOutageSeconds: 3 } }));
        const { proxy, viaProxy } = await startProxyFor(workspace.env.TECSALUD_DB!);
        try {
          const queued = await runCli(
            ['ingest', workspace.drop, '--enqueue', '--type', 'complete', '--json'],
            { cwd: workspace.cwd, env: workspace.env },
          );
          const sessionId = (JSON.parse(queued.stdout) as { session_id: string }).session_id;
          const child = spawnCli(['worker', '--until-idle', '--concurrency', '1', '--lang', lang], {
            cwd: workspace.cwd,
            env: { ...workspace.env, TECSALUD_DB: viaProxy.toString(), TECSALUD_DB_TIMEOUT: '2' },
          });
          const run = finishedRun(child);
          let stderr = '';
          child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
          await expect
            .poll(() => /^(worker|proceso de trabajo) \w+/m.test(stderr), { timeout: 30_000 })
            .toBe(true);
          proxy.refuse(true);
          proxy.cut();
          const bound = setTimeout(() => child.kill('SIGKILL'), EXIT_BOUND_MS);
          const result = await run;
          clearTimeout(bound);
          expect(result.signal, `killed after ${EXIT_BOUND_MS} ms:\n${result.stderr}`).toBeNull();
          expect(result.code, result.stderr).toBe(ExitCode.ServiceUnavailable);
          expect(result.stderr).toMatch(
            lang === 'en'
              ? /^hint: the service was still down after 3 s, so this --until-idle run stopped without failing any file: run the worker again once the service is back/m
              : /^sugerencia: el servicio seguía caído tras 3 s, así que esta ejecución con --until-idle se detuvo sin dar ningún archivo por fallido/m,
          );
          // While it waited, its lines said it would wait only so long, not that it stays up.
          expect(result.stderr).toMatch(
            lang === 'en'
              ? /this --until-idle run waits for the service up to queue\.untilIdleOutageSeconds, then stops/
              : /esta ejecución con --until-idle espera al servicio hasta queue\.untilIdleOutageSeconds/,
          );
          expect(result.stderr).not.toMatch(/the worker stays up|sigue en marcha/);
          expect(result.stderr).not.toMatch(/^\s+at |internal error/m);

          // The service back, the next run takes up the jobs the stopped one held: nothing failed for the outage.
          const next = await runCli(['worker', '--until-idle', '--json'], {
            cwd: workspace.cwd,
            env: workspace.env,
            timeoutMs: 90_000,
          });
          expect(next.code, next.stderr).toBe(0);
          const report = await sessionCounts(workspace, sessionId);
          expect(report.processed_files).toBe(report.total_files);
          // The sample's misnamed, empty and not-a-PDF files, refused at registration: none for the outage.
          expect(report.failed_files).toBe(3);
        } finally {
          await proxy.close();
          await workspace.cleanup();
        }
      },
      150_000,
    );
  },
);
