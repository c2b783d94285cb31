import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from '../../src/core/pipeline/file-outcome.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REPO_ROOT } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';

const API = '/api/v1/documents/batch';
const SAMPLE = path.join(REPO_ROOT, 'fixtures', 'sample');

/** Issue 18: with `queue.enabled`, `serve`'s process call hands the session's files to the workers. */
describe.runIf(postgresWanted() && chromaWanted())(
  'serve with a queue: the process call goes to the workers',
  { tags: ['slow'] },
  () => {
    let root: string;
    let env: NodeJS.ProcessEnv;
    let pool: import('pg').Pool;
    let token: string;
    let base: string;
    let serve: ChildProcess;
    let worker: ChildProcess;
    const workerLog = () => path.join(root, 'worker.log');
    const drops: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      root = createTempDir('tecsalud-serve-queue-');
      const registry = await createScratchPostgresDatabase();
      const vectors = await createScratchChromaDatabase();
      drops.push(registry.drop, vectors.drop);
      env = {
        TECSALUD_DB: registry.url,
        TECSALUD_VECTOR_STORE: 'chroma',
        CHROMA_URL: vectors.url,
        CHROMA_DATABASE: vectors.database,
      };
      const { default: pg } = await import('pg');
      pool = new pg.Pool({ connectionString: registry.url, max: 2 });
      fs.writeFileSync(
        path.join(root, 'tecsalud-batch.config.json'),
        JSON.stringify({ queue: { enabled: true } }),
      );
      const created = await runCli(['tokens', 'create', '--name', 'e2e', '--role', 'admin', '--json'], {
        cwd: root,
        env,
      });
      expect(created.code, created.stderr).toBe(0);
      token = (JSON.parse(created.stdout) as { token: string }).token;

      serve = spawnCli(['serve', '--port', '0', '--upload-dir', 'uploads', '--quiet'], { cwd: root, env });
      let out = '';
      let err = '';
      serve.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      serve.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const deadline = Date.now() + 60_000;
      let match: RegExpExecArray | null = null;
      while (!(match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out))) {
        if (Date.now() > deadline || serve.exitCode !== null)
          throw new Error(`serve did not start:\n${out}\n${err}`);
        await sleep(25);
      }
      base = `${match[1]}${API}`;
      // One worker, waiting for jobs (no --until-idle: there are none until the process call).
      worker = spawnCli(['worker', '--concurrency', '2', '--log-file', workerLog()], { cwd: root, env });
    }, 120_000);

    afterAll(async () => {
      for (const child of [worker, serve]) {
        if (child && child.exitCode === null && child.signalCode === null) {
          const closed = new Promise((resolve) => child.on('close', resolve));
          child.kill('SIGTERM');
          await closed;
        }
      }
      await pool?.end();
      for (const drop of drops) await drop().catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    }, 60_000);

    const auth = () => ({ authorization: `Bearer ${token}` });

    async function sessionWithSamples(names: string[]): Promise<string> {
      const created = await fetch(`${base}/create-session`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: 'e2e' }),
      });
      expect(created.status).toBe(200);
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      const form = new FormData();
      for (const name of names)
        form.append('files', new Blob([new Uint8Array(fs.readFileSync(path.join(SAMPLE, name)))]), name);
      const uploaded = await fetch(`${base}/${sessionId}/upload`, {
        method: 'POST',
        headers: auth(),
        body: form,
      });
      expect(uploaded.status, await uploaded.clone().text()).toBe(200);
      return sessionId;
    }

    const files = (sessionId: string) =>
      pool
        .query<{ id: string; outcome: string | null }>(
          'select id, outcome from batch_files where batch_id = $1',
          [sessionId],
        )
        .then((r) => r.rows);
    const isFinal = (outcome: string | null) =>
      outcome !== null && outcome in FILE_OUTCOMES && outcomeKind(outcome as FileOutcome) !== 'pending';
    /** The files the worker's log says it finished. */
    const finishedByWorker = () =>
      (fs.existsSync(workerLog()) ? fs.readFileSync(workerLog(), 'utf8').split('\n').filter(Boolean) : [])
        .map((line) => JSON.parse(line) as { event: string; file_id?: string })
        .filter((entry) => entry.event === 'file_finished')
        .map((entry) => entry.file_id!);

    /**
     * Until every file of the session is final and the worker's log says it finished it: the worker writes a
     * file's row before its log line, so a check made just as the rows turn final can miss the last line.
     */
    const untilFinishedByWorker = async (sessionId: string) => {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const rows = await files(sessionId);
        const logged = new Set(finishedByWorker());
        if (rows.every((row) => isFinal(row.outcome) && logged.has(row.id))) return;
        if (Date.now() > deadline)
          throw new Error(`the files were not final and logged after 120 s: ${JSON.stringify(rows)}`);
        await sleep(100);
      }
    };

    // Non-empty PDFs: the sample folder's empty one is refused at upload.
    const samples = fs
      .readdirSync(SAMPLE)
      .filter((name) => name.endsWith('.pdf') && fs.statSync(path.join(SAMPLE, name)).size > 0)
      .sort();

    it('waits by default: 200 once every file is final, with the counts from the files; the worker did them', async () => {
      const sessionId = await sessionWithSamples(samples.slice(0, 3));
      const processed = await fetch(`${base}/${sessionId}/process`, { method: 'POST', headers: auth() });
      const body = (await processed.json()) as Record<string, unknown>;
      expect(processed.status, JSON.stringify(body)).toBe(200);
      const rows = await files(sessionId);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(isFinal(row.outcome), JSON.stringify(row)).toBe(true);
      // None failed: the worker found the uploads where the server keeps them.
      for (const row of rows)
        expect(outcomeKind(row.outcome as FileOutcome), JSON.stringify(row)).not.toBe('failed');
      expect(body).toMatchObject({
        session_id: sessionId,
        total_files: 3,
        processed_files: 3,
        failed_files: 0,
        status: 'completed',
      });
      // The answer's counts are the status call's (both from the files' rows).
      const status = (await (
        await fetch(`${base}/${sessionId}/status`, { headers: auth() })
      ).json()) as Record<string, unknown>;
      for (const key of ['total_files', 'processed_files', 'failed_files', 'review_required', 'duplicates']) {
        expect(body[key], key).toBe(status[key]);
      }
      // The worker, not the server, processed them (its log line follows the row it writes).
      await untilFinishedByWorker(sessionId);
      for (const row of rows) expect(finishedByWorker()).toContain(row.id);
      const audit = await pool.query<{ action: string; actor: string; actor_kind: string }>(
        'select action, actor, actor_kind from audit_log where batch_id = $1',
        [sessionId],
      );
      expect(audit.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['api_session_processed', 'session_enqueued', 'document_ingested']),
      );
      // The worker's entries too name the token that created the session, as a token: not the client's
      // free-text uploaded_by as an OS account.
      expect(audit.rows.filter((r) => r.actor_kind !== 'token')).toEqual([]);
    }, 180_000);

    it('answers 202 at once with ?wait=false; the worker finishes the files', async () => {
      const sessionId = await sessionWithSamples(samples.slice(3, 5));
      const processed = await fetch(`${base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: auth(),
      });
      const body = (await processed.json()) as Record<string, unknown>;
      expect(processed.status, JSON.stringify(body)).toBe(202);
      expect(body).toMatchObject({ session_id: sessionId, total_files: 2 });
      await untilFinishedByWorker(sessionId);
      for (const row of await files(sessionId)) {
        expect(finishedByWorker()).toContain(row.id);
        expect(outcomeKind(row.outcome as FileOutcome), JSON.stringify(row)).not.toBe('failed');
      }
    }, 180_000);

    // Last: it stops the server.
    it('a server stopping answers a waiting caller 503; the workers go on with the files', async () => {
      const sessionId = await sessionWithSamples(samples.slice(5, 7));
      // The worker frozen, nothing gets done: the call waits until the server stops.
      worker.kill('SIGSTOP');
      try {
        const answer = fetch(`${base}/${sessionId}/process`, { method: 'POST', headers: auth() });
        const deadline = Date.now() + 60_000;
        while (
          (await pool.query('select 1 from queue_sessions where batch_id = $1', [sessionId])).rowCount === 0
        ) {
          if (Date.now() > deadline) throw new Error('the session was not queued after 60 s');
          await sleep(50);
        }
        const closed = new Promise<number | null>((resolve) => serve.on('close', (code) => resolve(code)));
        serve.kill('SIGTERM');
        const processed = await answer;
        expect(processed.status, await processed.clone().text()).toBe(503);
        expect(await closed).toBe(0);
      } finally {
        worker.kill('SIGCONT');
      }
      await untilFinishedByWorker(sessionId);
      for (const row of await files(sessionId)) expect(finishedByWorker()).toContain(row.id);
    }, 180_000);
  },
);
