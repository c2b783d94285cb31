import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_SCHEMA } from '../../src/core/queue/defaults.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';
import { copyDelivered } from '../support/delivered-files.js';

interface QueueStatusJson {
  queue: {
    workers: { pid: number; files: number; running: boolean; gone: boolean }[];
    jobs: { queued: number; active: number; active_until: string | null };
    attention: string | null;
  };
}

describe.runIf(postgresWanted())(
  'a worker killed right after it took its first jobs',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    let env: NodeJS.ProcessEnv;
    let workspace: PostgresWorkspace;

    beforeEach(async () => {
      workspace = await createPostgresWorkspace('tecsalud-killed-worker-', (drop) =>
        copyDelivered(SAMPLE_DIR, drop),
      );
      ({ cwd, env } = workspace);
    });
    afterEach(() => workspace.cleanup());

    it('is shown gone in `status`, with the jobs it held and when they come back', async () => {
      const enqueued = await runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--json'], {
        cwd,
        env,
      });
      // 3, as `ingest`: the sample's misnamed, empty and not-a-PDF files fail at registration, with no job.
      expect(enqueued.code, enqueued.stderr).toBe(3);
      const sessionId = (JSON.parse(enqueued.stdout) as { session_id: string }).session_id;

      // Before any worker: the jobs wait, and status says what starts them.
      const waiting = await runCli(['status', sessionId.slice(0, 8)], { cwd, env });
      expect(waiting.stdout).toMatch(
        /attention\s+no worker is running: 20 jobs wait; start one with `tecsalud-batch worker`/,
      );

      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: env.TECSALUD_DB });
      await client.connect();
      const worker = spawnCli(['worker', '--concurrency', '2'], { cwd, env });
      try {
        // The moment it holds jobs and has named itself on the session (before its first file can be done),
        // kill -9: no stop recorded, no job released. (Killed between the two, it is not listed, but the
        // attention line still says whose jobs they are.)
        const deadline = Date.now() + 60_000;
        let heldSince: number | null = null;
        for (;;) {
          const { rows } = await client.query<{ active: string; joined: string }>(
            `select (select count(*) from ${DEFAULT_QUEUE_SCHEMA}.job where state = 'active') as active, ` +
              '(select count(*) from queue_worker_sessions) as joined',
          );
          if (Number(rows[0]!.active) > 0) heldSince ??= Date.now();
          if (heldSince !== null && (Number(rows[0]!.joined) > 0 || Date.now() - heldSince > 3_000)) break;
          if (Date.now() > deadline) throw new Error('the worker took no job within 60 s');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        worker.kill('SIGKILL');
        await new Promise((resolve) => worker.once('close', resolve));
      } finally {
        worker.kill('SIGKILL');
        await client.end();
      }

      const status = await runCli(['status', sessionId.slice(0, 8), '--json'], { cwd, env });
      expect(status.code, status.stderr).toBe(0);
      const { queue } = JSON.parse(status.stdout) as QueueStatusJson;
      expect(queue.workers).toHaveLength(1);
      expect(queue.workers[0]).toMatchObject({ pid: worker.pid, running: false, gone: true });
      expect(queue.jobs.active).toBeGreaterThan(0);
      expect(Date.parse(queue.jobs.active_until!)).toBeGreaterThan(Date.now());
      expect(queue.attention).toMatch(
        /^no worker is running: the \d+ active jobs? (was|were) taken by a worker that is gone \(killed, crashed, or its machine went down\); the next worker to start takes them back at once, or they go back to the queue when their time runs out \(--job-timeout\) by \d\d:\d\d:\d\d UTC/,
      );
      expect(queue.attention).toContain('start one with `tecsalud-batch worker`');
      const spanish = await runCli(['status', sessionId.slice(0, 8), '--lang', 'es'], { cwd, env });
      expect(spanish.stdout).toMatch(
        /atención\s+no hay ningún proceso de trabajo activo: (la tarea activa la tomó|las \d+ tareas activas las tomó) un proceso que ya no está .* hacia las \d\d:\d\d:\d\d UTC: inicie uno con `tecsalud-batch worker`/,
      );

      const text = await runCli(['status', sessionId.slice(0, 8)], { cwd, env });
      expect(text.stdout).toMatch(
        new RegExp(
          `workers\\s+1 seen, 0 running — \\S+:${worker.pid} \\d+ files? \\(gone without stopping\\)`,
        ),
      );
      expect(text.stdout).toMatch(/attention\s+no worker is running: the \d+ active job/);

      // The next worker hands the gone worker's jobs on at once (spending an attempt each), not after the
      // default --job-timeout of 15 minutes that `worker --until-idle` waited through before.
      const next = await runCli(['worker', '--until-idle', '--concurrency', '2'], {
        cwd,
        env,
        timeoutMs: 120_000,
      });
      expect(next.code, next.stderr).toBe(0);
      expect(next.stdout + next.stderr).toMatch(
        new RegExp(
          `\\d+ jobs? of a worker that is gone \\(\\S+:${worker.pid}: killed, crashed, or its machine went down\\) back on the queue now`,
        ),
      );
      const after = JSON.parse(
        (await runCli(['status', sessionId.slice(0, 8), '--json'], { cwd, env })).stdout,
      ) as QueueStatusJson & {
        status: string;
      };
      expect(after.queue.jobs).toMatchObject({ queued: 0, active: 0 });
      expect(after.status).not.toBe('processing');
    }, 180_000);
  },
);
