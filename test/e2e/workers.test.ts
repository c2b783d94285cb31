import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { writeCorpus, type CorpusManifest } from '../../fixtures/generator/index.js';
import { parseChromaUrl } from '../../src/adapters/vector-stores/chroma/chroma-url.js';
import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from '../../src/core/pipeline/file-outcome.js';
import { DEFAULT_QUEUE_SCHEMA } from '../../src/core/queue/defaults.js';
import { createScratchChromaDatabase, chromaWanted } from '../support/chroma.js';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';

/** A registry database and a vector database of their own, and the environment that points a process at them. */
interface Backend {
  env: NodeJS.ProcessEnv;
  query<T>(sql: string, values?: unknown[]): Promise<T[]>;
  vectorIds(): Promise<string[]>;
  cleanup(): Promise<void>;
}

async function createBackend(root: string, name: string): Promise<Backend> {
  const registry = await createScratchPostgresDatabase();
  const vectors = await createScratchChromaDatabase();
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: registry.url, max: 2 });
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  // Quick retries: a killed worker's job comes back within seconds.
  fs.writeFileSync(
    path.join(dir, 'tecsalud-batch.config.json'),
    JSON.stringify({ queue: { retryDelaySeconds: 1 } }),
  );
  return {
    env: {
      TECSALUD_DB: registry.url,
      TECSALUD_VECTOR_STORE: 'chroma',
      CHROMA_URL: vectors.url,
      CHROMA_DATABASE: vectors.database,
    },
    query: async <T>(sql: string, values: unknown[] = []) => (await pool.query(sql, values)).rows as T[],
    vectorIds: async () => {
      const { ChromaClient } = await import('chromadb');
      const client = new ChromaClient({ ...parseChromaUrl(vectors.url), database: vectors.database });
      const collection = await client.getCollection({ name: 'medical_documents' });
      const { ids } = await collection.get({ include: [] });
      return ids.sort();
    },
    cleanup: async () => {
      await pool.end();
      await registry.drop().catch(() => undefined);
      await vectors.drop().catch(() => undefined);
    },
  };
}

/** The end state compared between the two runs: never random patient ids. */
async function endState(backend: Backend) {
  const patients = await backend.query<{ expediente: string }>(
    'select expediente from patients order by expediente',
  );
  const documents = await backend.query<{
    content_sha256: string;
    expediente: string;
    chunks_count: number;
    collection: string | null;
  }>(
    'select content_sha256, expediente, chunks_count, collection from medical_documents order by content_sha256',
  );
  const files = await backend.query<{
    relative_path: string;
    outcome: string;
    content_sha256: string | null;
  }>('select relative_path, outcome, content_sha256 from batch_files order by relative_path');
  const sessions = await backend.query<Record<string, unknown>>(
    'select status, total_files, processed_files, failed_files, created_patients, matched_patients, ' +
      'review_required, duplicates from batch_uploads',
  );
  return {
    expedientes: patients.map((p) => p.expediente),
    documents,
    vectorIds: await backend.vectorIds(),
    outcomes: normalizeDuplicates(files),
    sessions,
  };
}

/**
 * Of files with the same bytes, which one is ingested and which are `duplicate_in_batch` depends on which
 * got there first (in one process as across workers): per content, the outcomes are compared as a set.
 */
function normalizeDuplicates(
  files: { relative_path: string; outcome: string; content_sha256: string | null }[],
) {
  const byContent = new Map<string, string[]>();
  for (const file of files) {
    if (file.content_sha256)
      byContent.set(file.content_sha256, [...(byContent.get(file.content_sha256) ?? []), file.outcome]);
  }
  return Object.fromEntries(
    files.map((file) => {
      const group = file.content_sha256 ? byContent.get(file.content_sha256)! : [];
      return [file.relative_path, group.length > 1 ? `one of ${[...group].sort().join('+')}` : file.outcome];
    }),
  );
}

/** Whether an outcome (or each of a group's, `one of a+b`) is one a file ends in, not one a later run takes. */
function isFinal(outcome: string): boolean {
  return outcome
    .replace(/^one of /, '')
    .split('+')
    .every((one) => one in FILE_OUTCOMES && outcomeKind(one as FileOutcome) !== 'pending');
}

/** Waits for `condition`, checking as the state changes (every 50 ms), up to `ms`. */
async function until(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

/** The files a worker's log says it started and has not finished. */
function heldFiles(logFile: string): string[] {
  const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
  const started = new Set<string>();
  for (const line of lines) {
    const entry = JSON.parse(line) as { event: string; file_id?: string };
    if (entry.event === 'job_started') started.add(entry.file_id!);
    if (entry.event === 'file_finished') started.delete(entry.file_id!);
  }
  return [...started];
}

describe.runIf(postgresWanted() && chromaWanted())(
  'three workers, one killed, against one ingest',
  { tags: ['slow'] },
  () => {
    let root: string;
    let drop: string;
    let registryCsv: string;
    let manifest: CorpusManifest;
    const backends: Backend[] = [];

    beforeAll(async () => {
      root = createTempDir('tecsalud-workers-');
      drop = path.join(root, 'drop');
      registryCsv = path.join(root, 'registry.csv');
      manifest = await writeCorpus({
        out: drop,
        files: 40,
        seed: 18,
        minPages: 1,
        maxPages: 3,
        bad: true,
        registryFile: registryCsv,
        manifestFile: path.join(root, 'manifest.json'),
      });
      // An export that finished an hour ago: a PDF cut short a moment ago is left by `ingest` as still being
      // written, which the queued run (files taken as whole) would not match.
      const anHourAgo = new Date(Date.now() - 3_600_000);
      for (const file of fs.readdirSync(drop, { recursive: true, withFileTypes: true })) {
        if (file.isFile()) fs.utimesSync(path.join(file.parentPath, file.name), anHourAgo, anHourAgo);
      }
    }, 120_000);

    afterAll(async () => {
      await Promise.all(backends.map((backend) => backend.cleanup()));
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('ends with the same patients, documents, vectors and file outcomes', async () => {
      const single = await createBackend(root, 'single');
      const queued = await createBackend(root, 'queued');
      backends.push(single, queued);
      const cli = (backend: Backend, args: string[], name: string) =>
        runCli(args, { cwd: path.join(root, name), env: backend.env, timeoutMs: 180_000 });

      // The reference: one process ingests the folder.
      expect((await cli(single, ['patients', 'import', registryCsv], 'single')).code).toBe(0);
      const reference = await cli(single, ['ingest', drop, '--non-interactive', '--quiet'], 'single');
      expect([0, 2, 3]).toContain(reference.code);

      // The same folder, queued, and three workers.
      expect((await cli(queued, ['patients', 'import', registryCsv], 'queued')).code).toBe(0);
      const enqueued = await cli(queued, ['ingest', drop, '--enqueue', '--json'], 'queued');
      const {
        session_id: sessionId,
        jobs_queued: jobs,
        failed_files: failedAtRegistration,
      } = JSON.parse(enqueued.stdout) as { session_id: string; jobs_queued: number; failed_files: number };
      // The corpus's files that fail before matching (a bad name, empty, not a PDF) fail at registration, as
      // `ingest` fails them, with no job: exit 3 then, as `ingest`.
      expect(enqueued.code, enqueued.stderr).toBe(failedAtRegistration > 0 ? 3 : 0);
      const totalFiles = manifest.files.length + manifest.problems.length;
      expect(jobs).toBe(totalFiles - failedAtRegistration);

      const logs = [0, 1, 2].map((i) => path.join(root, `worker-${i}.log`));
      const workers = logs.map((log) =>
        spawnCli(['worker', '--until-idle', '--concurrency', '2', '--job-timeout', '6', '--log-file', log], {
          cwd: path.join(root, 'queued'),
          env: queued.env,
        }),
      );
      const stderr = workers.map(() => '');
      workers.forEach((child, i) => child.stderr!.on('data', (d: Buffer) => (stderr[i] += d.toString())));
      const endings = workers.map(exited);
      // If this test ever runs out of time, say where it was and what the workers and the queue were doing.
      let phase = 'workers started';
      const watchdog = setTimeout(() => {
        void (async () => {
          const jobs = await queued
            .query<{ state: string; retry_count: number; n: string }>(
              `select state::text as state, retry_count, count(*) as n from ${DEFAULT_QUEUE_SCHEMA}.job group by 1, 2`,
            )
            .catch((error: unknown) => String(error));
          const tail = (file: string) =>
            fs.existsSync(file)
              ? fs.readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n')
              : '(no log)';
          console.error(
            `workers test still at: ${phase}\njobs: ${JSON.stringify(jobs)}\n` +
              workers
                .map(
                  (child, i) =>
                    `worker ${i} (exit ${child.exitCode ?? child.signalCode ?? 'running'}):\n${stderr[i]!.slice(-2000)}\n${tail(logs[i]!)}`,
                )
                .join('\n'),
          );
        })();
      }, 240_000);
      onTestFinished(() => clearTimeout(watchdog));

      const finalFiles = async () =>
        Number(
          (
            await queued.query<{ n: string }>(
              "select count(*) as n from batch_files where batch_id = $1 and outcome is not null and outcome not in ('deferred', 'interrupted')",
              [sessionId],
            )
          )[0]!.n,
        );
      // Freeze the first worker once the work is under way, with files of its own in flight, then kill it:
      // those files' jobs must come back to the other two after their timeout. Its log says which files it
      // started, but the log may lag the queue (a job completed just before the freeze can still read as
      // started), so a file counts as held only while its job is also still active, never yet retried.
      const activeFirstTries = async () =>
        (
          await queued.query<{ file_id: string }>(
            `select data->>'fileId' as file_id from ${DEFAULT_QUEUE_SCHEMA}.job
           where state = 'active' and retry_count = 0 and data->>'fileId' = any($1)`,
            [heldFiles(logs[0]!)],
          )
        ).map((row) => row.file_id);
      let held: string[] = [];
      phase = 'waiting for files in flight on the first worker';
      for (let attempt = 0; attempt < 10 && held.length === 0; attempt++) {
        // Never wait for more files than there are: a later attempt must still find work under way.
        const target = Math.min(6 + attempt * 2, jobs - 8);
        await until(async () => (await finalFiles()) >= target, 120_000, 'the workers to get going');
        workers[0]!.kill('SIGSTOP');
        // A completion the worker sent just before it froze still lands: let it, then look.
        await new Promise((resolve) => setTimeout(resolve, 300));
        held = await activeFirstTries();
        if (held.length === 0) workers[0]!.kill('SIGCONT');
      }
      expect(held.length, 'the first worker had files in flight when it was killed').toBeGreaterThan(0);
      phase = `killing the first worker, which held ${held.join(', ')}`;
      workers[0]!.kill('SIGKILL');
      expect((await endings[0]!).signal).toBe('SIGKILL');
      phase = 'waiting for the two other workers to finish the queue and stop';
      for (const i of [1, 2]) expect((await endings[i]!).code, stderr[i]).toBe(0);
      phase = 'comparing the end states';

      // Every file the killed worker held was taken again once its job expired, and finished.
      const retried = await queued.query<{ file_id: string; retry_count: number; state: string }>(
        `select data->>'fileId' as file_id, retry_count, state::text as state from ${DEFAULT_QUEUE_SCHEMA}.job
       where data->>'fileId' = any($1)`,
        [held],
      );
      for (const fileId of held) {
        const jobs = retried.filter((job) => job.file_id === fileId);
        expect(
          jobs.some((job) => job.state === 'completed' && job.retry_count >= 1),
          fileId,
        ).toBe(true);
      }

      const [a, b] = [await endState(single), await endState(queued)];
      expect(b.expedientes).toEqual(a.expedientes);
      expect(b.documents).toEqual(a.documents);
      // Each names the collection its chunks are in, as the ingest's do.
      expect(new Set(b.documents.map((d) => d.collection))).toEqual(new Set(['medical_documents']));
      expect(b.vectorIds.length).toBeGreaterThan(0);
      expect(b.vectorIds).toEqual(a.vectorIds);
      expect(b.outcomes).toEqual(a.outcomes);
      expect(Object.keys(b.outcomes)).toHaveLength(totalFiles);
      expect(b.sessions).toEqual(a.sessions);

      // Exactly once: every file in a final state, each content stored once, each vector once.
      expect(Object.values(b.outcomes).filter((outcome) => !isFinal(outcome))).toEqual([]);
      expect(new Set(b.documents.map((d) => d.content_sha256)).size).toBe(b.documents.length);
      expect(new Set(b.vectorIds).size).toBe(b.vectorIds.length);
      expect(b.vectorIds.length).toBe(b.documents.reduce((sum, d) => sum + d.chunks_count, 0));

      // One view of the session: `status` shows the workers and the jobs. The killed worker never said it
      // stopped: its process is gone from this host, so it is shown gone (the two others have stopped).
      const status = await cli(queued, ['status', sessionId.slice(0, 8)], 'queued');
      expect(status.stdout).toMatch(/workers\s+[23] seen, 0 running/);
      expect(status.stdout.match(/\(stopped\)/g)).toHaveLength(2);
      expect(status.stdout).toMatch(new RegExp(`jobs\\s+0 queued, 0 active, \\d+ done, 0 failed`));
    }, 300_000);
  },
);
