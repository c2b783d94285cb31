import fs from 'node:fs';
import path from 'node:path';
import { CompiledQuery, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import { importRegistry } from '../../src/app/import-registry.js';
import { ingest } from '../../src/commands/ingest.js';
import { showStatus } from '../../src/commands/status.js';
import { worker, type WorkerCommandOptions } from '../../src/commands/worker.js';
import { outcomeKind, type FileOutcome } from '../../src/core/pipeline/file-outcome.js';
import { DEFAULT_QUEUE_SETTINGS } from '../../src/core/queue/defaults.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { ExitCode, ServiceUnavailableError } from '../../src/errors.js';
import { JobQueue } from '../../src/queue/job-queue.js';
import { commandContext } from '../support/command-context.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { inProcessExtractor, REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { copyDelivered } from '../support/delivered-files.js';
import { startFaultyProxy, startProxyFor } from '../support/tcp-faults.js';

interface StatusJson {
  status: string;
  total_files: number;
  processed_files: number;
  failed_files: number;
  created_patients: number;
  matched_patients: number;
  review_required: number;
  duplicates: number;
  queue?: { workers: { files: number; running: boolean }[]; jobs: Record<string, number> };
  files: { path: string; outcome: string; error: string | null; match_confidence: number | null }[];
}

/** The sample's files that fail before matching: `ingest --enqueue` records them failed, as `ingest` does, unqueued. */
const FAILED_AT_REGISTRATION = 3;

/**
 * Workers in this process (several at once where it matters), on a scratch PostgreSQL database, with
 * `--type complete` (no vector store needed) and the in-process stand-in for the extraction pool. The
 * processes, SIGKILL and Chroma are test/e2e/workers.test.ts's.
 */
describe.runIf(postgresWanted())('workers sharing a queued session', { tags: ['slow'] }, () => {
  let root: string;
  let drop: string;
  let scratch: { url: string; drop(): Promise<void> };
  let opened: OpenDatabase[];

  beforeEach(async () => {
    root = createTempDir('tecsalud-worker-');
    drop = path.join(root, 'drop');
    copyDelivered(SAMPLE_DIR, drop);
    // Quick retries, so that the tests of retries take seconds.
    fs.writeFileSync(
      path.join(root, 'tecsalud-batch.config.json'),
      JSON.stringify({ queue: { retryLimit: 1, retryDelaySeconds: 1 } }),
    );
    scratch = await createScratchPostgresDatabase();
    opened = [];
    await importRegistry({ file: REGISTRY_CSV, db: scratch.url, cwd: root });
  });
  afterEach(async () => {
    await Promise.all(opened.map((database) => database.close().catch(() => undefined)));
    await scratch.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const open = async () => {
    const database = await openDatabase(resolveDatabaseTarget(scratch.url, { cwd: root }));
    opened.push(database);
    return database;
  };

  async function enqueue(db = scratch.url): Promise<string> {
    const { io, stdout } = captureIo();
    const context = await commandContext({ cwd: root, db, io, extractor: inProcessExtractor });
    const code = await ingest(
      drop,
      { enqueue: true, type: 'complete', json: true, user: 'test-admin' },
      context,
    );
    // 3, as `ingest DIR`: the sample's misnamed, empty and not-a-PDF files fail at registration, with no job.
    expect(code).toBe(ExitCode.SomeFailed);
    const report = JSON.parse(stdout()) as { session_id: string; jobs_queued: number; status: string };
    expect(report.status).toBe('processing');
    expect(report.jobs_queued).toBe(fs.readdirSync(drop).length - FAILED_AT_REGISTRATION);
    return report.session_id;
  }

  async function runWorker(
    options: WorkerCommandOptions = {},
    extractor: TextExtractor = inProcessExtractor,
    db = scratch.url,
  ): Promise<{ code: number; summary: { files: number; outcomes: Record<string, number> }; stderr: string }> {
    const { io, stdout, stderr } = captureIo();
    const context = await commandContext({
      cwd: root,
      db,
      io,
      extractor,
      signal: new AbortController().signal,
    });
    const code = await worker({ untilIdle: true, json: true, concurrency: '3', ...options }, context);
    return { code, summary: JSON.parse(stdout()), stderr: stderr() };
  }

  async function status(sessionId: string): Promise<StatusJson> {
    const { io, stdout } = captureIo();
    await showStatus(sessionId, { json: true }, await commandContext({ cwd: root, db: scratch.url, io }));
    return JSON.parse(stdout()) as StatusJson;
  }

  it('two workers end the session exactly as one ingest of the folder does', async () => {
    // The reference: one process, on a database of its own.
    const single = await createScratchPostgresDatabase();
    let reference: StatusJson;
    try {
      await importRegistry({ file: REGISTRY_CSV, db: single.url, cwd: root });
      const { io } = captureIo();
      const context = await commandContext({ cwd: root, db: single.url, io, extractor: inProcessExtractor });
      await ingest(drop, { type: 'complete', json: true, nonInteractive: true, user: 'test-admin' }, context);
      const statusIo = captureIo();
      await showStatus(
        undefined,
        { json: true },
        await commandContext({ cwd: root, db: single.url, io: statusIo.io }),
      );
      reference = JSON.parse(statusIo.stdout()) as StatusJson;
    } finally {
      await single.drop();
    }

    const sessionId = await enqueue();
    const [a, b] = await Promise.all([runWorker(), runWorker()]);
    expect(a.code).toBe(ExitCode.Success);
    expect(b.code).toBe(ExitCode.Success);
    expect(a.summary.files + b.summary.files).toBe(reference.total_files - FAILED_AT_REGISTRATION);

    const after = await status(sessionId);
    const outcomes = (s: StatusJson) => Object.fromEntries(s.files.map((f) => [f.path, f.outcome]));
    expect(outcomes(after)).toEqual(outcomes(reference));
    expectSameCounts(after, reference);
    // One view of the session: the workers seen, every job done.
    expect(after.queue!.jobs).toEqual({
      queued: 0,
      active: 0,
      done: reference.total_files - FAILED_AT_REGISTRATION,
      failed: 0,
      active_until: null,
    });
    expect(after.queue!.workers.reduce((sum, w) => sum + w.files, 0)).toBe(
      reference.total_files - FAILED_AT_REGISTRATION,
    );
    expect(after.queue!.workers.every((w) => !w.running)).toBe(true);
  });

  it('copies of content that failed end failed with it, whichever worker took them', async () => {
    const name = (n: string) => `3000003799_GARZA TIJERINA, MARIA ESTHER_${n}_LAB.pdf`;
    const copies = ['1111111111', '2222222222', '3333333333', '4444444444'].map(name);
    for (const copy of copies) fs.writeFileSync(path.join(drop, copy), '%PDF-1.4 garbage');
    const sessionId = await enqueue();
    await Promise.all([runWorker(), runWorker()]);
    const after = await status(sessionId);
    const corrupt = after.files.filter((f) => copies.includes(f.path));
    expect(corrupt.map((f) => f.outcome)).toEqual(Array(4).fill('corrupt'));
    const first = corrupt.find((f) => !f.error!.startsWith('identical content'))!;
    for (const copy of corrupt.filter((f) => f !== first)) {
      expect(copy.error).toContain(
        `identical content to '${first.path}' in this batch, which failed (corrupt)`,
      );
    }
    // The counts say so too: no copy of the failed content hides among the duplicates.
    const failed = after.files.filter((f) => outcomeKind(f.outcome as FileOutcome) === 'failed');
    expect(after.failed_files).toBe(failed.length);
    expect(failed.length).toBeGreaterThanOrEqual(4);
    const duplicates = after.files.filter(
      (f) => f.outcome === 'duplicate' || f.outcome === 'duplicate_in_batch',
    );
    expect(duplicates.every((f) => !copies.includes(f.path))).toBe(true);
    expect(after.duplicates).toBe(duplicates.length);
  });

  it('logs each file with its session, file id and attempt, patient names kept out, owner-only', async () => {
    const sessionId = await enqueue();
    await runWorker({ logFile: 'worker.log' });
    const lines = fs
      .readFileSync(path.join(root, 'worker.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const files = fs.readdirSync(drop);
    const finished = lines.filter((line) => line.outcome !== undefined);
    expect(finished).toHaveLength(files.length - FAILED_AT_REGISTRATION);
    for (const line of finished) expect(line).toMatchObject({ session_id: sessionId, attempt: 1 });
    const started = lines.filter((line) => line.event === 'job_started').map((line) => line.file_id);
    expect(new Set(started)).toEqual(new Set(finished.map((line) => line.file_id)));
    // A filename is EXPEDIENTE_NAMES_NUMERO_TYPE.pdf: none of the names may reach the log.
    const text = fs.readFileSync(path.join(root, 'worker.log'), 'utf8');
    for (const name of files.map((file) => file.split('_')[1]!).filter((name) => /[A-Z]{3}/.test(name))) {
      expect(text).not.toContain(name);
    }
    expect(fs.statSync(path.join(root, 'worker.log')).mode & 0o077).toBe(0);
  });

  it('a job for a file already final changes nothing', async () => {
    const sessionId = await enqueue();
    await runWorker();
    const database = await open();
    const count = async (table: string) =>
      Number(
        (
          await (database.db.withoutPlugins() as unknown as Kysely<unknown>).executeQuery<{ n: string }>(
            CompiledQuery.raw(`select count(*) as n from ${table}`, []),
          )
        ).rows[0]!.n,
      );
    const before = {
      documents: await count('medical_documents'),
      audit: await count('audit_log'),
      s: await status(sessionId),
    };
    // The same jobs, queued again (as a second enqueue of the same session would).
    const queue = await JobQueue.open(database, { ...DEFAULT_QUEUE_SETTINGS, supervise: false });
    try {
      await queue.enqueue(
        before.s.files.map((f, i) => ({ sessionId, fileId: `${i}`, relativePath: f.path })),
        { timeoutSeconds: 60 },
      );
    } finally {
      await queue.close();
    }
    const again = await runWorker();
    expect(again.summary.files).toBe(0);
    expect(await count('medical_documents')).toBe(before.documents);
    expect(await count('audit_log')).toBe(before.audit);
    expect((await status(sessionId)).files).toEqual(before.s.files);
  });

  // Its next attempt comes as a retry (its first one's worker died, or the job expired: an attempt spent), or
  // put back without spending one (its worker found a backend down after the patient's creation was written).
  it.each(['retried', 'put back'] as const)(
    'a file whose first attempt wrote its document and patient is ingested when %s, not a duplicate of itself',
    async (how) => {
      const sessionId = await enqueue();
      await runWorker();
      const database = await open();
      const sql = async <T>(text: string, values: unknown[] = []) =>
        (
          await (database.db.withoutPlugins() as unknown as Kysely<unknown>).executeQuery<T>(
            CompiledQuery.raw(text, values),
          )
        ).rows;
      const before = await status(sessionId);
      const documents = await sql<{ id: string }>('select id from medical_documents order by id');
      const patients = await sql<{ n: string }>('select count(*) as n from patients');
      const [victim] = await sql<{ id: string; relative_path: string }>(
        "select id, relative_path from batch_files where batch_id = $1 and outcome = 'ingested' and matching_status = 'new_patient' order by relative_path limit 1",
        [sessionId],
      );
      // What a retry finds when its first attempt (a worker that outlived --job-timeout, or died) wrote the
      // file's patient and document: both there, the file's row not final (as at the retry's start), the
      // session still processing, the job back on the queue. The file had created its patient.
      await sql(
        "update batch_files set outcome = null, processing_status = 'processing', document_id = null where id = $1",
        [victim!.id],
      );
      await sql("update batch_uploads set status = 'processing', completed_at = null where id = $1", [
        sessionId,
      ]);
      const queue = await JobQueue.open(database, { ...DEFAULT_QUEUE_SETTINGS, supervise: false });
      try {
        await queue.enqueue([{ sessionId, fileId: victim!.id, relativePath: victim!.relative_path }], {
          timeoutSeconds: 60,
        });
        if (how === 'put back') {
          const [job] = await queue.fetch(1, 60, 'a-worker-that-found-a-backend-down');
          await queue.release(job!, 0);
        }
      } finally {
        await queue.close();
      }
      // Its second attempt, as pg-boss hands out a job whose first one expired.
      if (how === 'retried')
        await sql(
          `update ${DEFAULT_QUEUE_SETTINGS.schema}.job set retry_count = 1 where data->>'fileId' = $1 and state = 'created'`,
          [victim!.id],
        );

      const again = await runWorker();
      expect(again.summary.outcomes).toEqual({ ingested: 1 });
      const after = await status(sessionId);
      expect(after.files.find((f) => f.path === victim!.relative_path)!.outcome).toBe('ingested');
      expectSameCounts(after, before);
      // The same rows, but for the retried file's match confidence: the registry now holds the patient its
      // first attempt created, which the retry matches exactly (it still counts as the file's creation).
      const withoutConfidence = (files: StatusJson['files']) =>
        files.map((f) => ({
          ...f,
          match_confidence: f.path === victim!.relative_path ? null : f.match_confidence,
        }));
      expect(withoutConfidence(after.files)).toEqual(withoutConfidence(before.files));
      expect(await sql<{ id: string }>('select id from medical_documents order by id')).toEqual(documents);
      expect(await sql<{ n: string }>('select count(*) as n from patients')).toEqual(patients);
    },
  );

  it('a backend down puts the job back and pauses; the file is not failed for it', async () => {
    const sessionId = await enqueue();
    let refusals = 0;
    const flaky: TextExtractor = {
      name: 'pdf-parse',
      async extract(file, options) {
        if (path.basename(file).startsWith('3000768077_') && refusals < 1) {
          refusals++;
          throw new ServiceUnavailableError('the OCR service is not answering');
        }
        return inProcessExtractor.extract(file, options);
      },
      close: async () => undefined,
    };
    const run = await runWorker({}, flaky);
    expect(refusals).toBe(1);
    expect(run.stderr).toMatch(
      /a backend is down \(the OCR service is not answering\): jobs go back to the queue/,
    );
    // Once a file finishes again the operator is told the outage is over (and how long it lasted).
    expect(run.stderr).toMatch(
      /a backend is down[^\n]*\n(.*\n)*the backends answer again, \d+\.\d s after the outage began: taking jobs$/m,
    );
    const after = await status(sessionId);
    for (const file of after.files.filter((f) => f.path.startsWith('3000768077_'))) {
      expect(file.outcome, file.path).not.toBe('processing_failed');
    }
    // Put back, not retried: no attempt was spent on it.
    expect(after.queue!.jobs.failed).toBe(0);
    const database = await open();
    const { rows } = await (database.db.withoutPlugins() as unknown as Kysely<unknown>).executeQuery<{
      n: string;
    }>(
      CompiledQuery.raw(
        `select count(*) as n from ${DEFAULT_QUEUE_SETTINGS.schema}.job where retry_count > 0`,
        [],
      ),
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('the database down while a file is in flight: its job goes back once the database answers, not at --job-timeout', async () => {
    const sessionId = await enqueue();
    const proxy = await startFaultyProxy({ host: '127.0.0.1', port: Number(new URL(scratch.url).port) });
    const throughProxy = new URL(scratch.url);
    throughProxy.host = `${proxy.host}:${proxy.port}`;
    let outages = 0;
    const cutting: TextExtractor = {
      name: 'pdf-parse',
      async extract(file, options) {
        if (path.basename(file).startsWith('3000768077_') && outages < 1) {
          outages++;
          // The database goes away with this file in flight: putting its job back fails too.
          proxy.refuse(true);
          proxy.cut();
          setTimeout(() => proxy.refuse(false), 3000);
          throw new ServiceUnavailableError('the database is not answering');
        }
        return inProcessExtractor.extract(file, options);
      },
      close: async () => undefined,
    };
    try {
      const started = Date.now();
      // Held by a live worker, a job left active waits for its --job-timeout (here 10 min) before anyone retries it.
      const run = await runWorker({ jobTimeout: '600' }, cutting, throughProxy.href);
      expect(outages).toBe(1);
      expect(run.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
      const after = await status(sessionId);
      expect(after.processed_files).toBe(after.total_files);
      for (const file of after.files) expect(file.outcome, file.path).not.toBe('processing_failed');
      expect(after.queue!.jobs.failed).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 90_000);

  // pg's own words for a connection cut under a file's statements ("read ECONNRESET", "Connection terminated
  // unexpectedly") name no backend: the operator's line says it was the database, in either language.
  const namesTheDatabase = {
    en: {
      down: /^a backend is down \(/,
      database:
        /^a backend is down \((lost the connection to|cannot reach) the PostgreSQL database postgres:\/\/tecsalud:\*\*\*@/,
    },
    es: {
      down: /^un servicio no responde \(/,
      database:
        /^un servicio no responde \((se perdió la conexión con|no se puede conectar con) la base de datos PostgreSQL postgres:\/\/tecsalud:\*\*\*@/,
    },
  } as const;
  for (const lang of ['en', 'es'] as const) {
    it(`the database dropping under a file in flight: the line names the database, not a bare driver error (${lang})`, async () => {
      await enqueue();
      const proxy = await startFaultyProxy({ host: '127.0.0.1', port: Number(new URL(scratch.url).port) });
      const throughProxy = new URL(scratch.url);
      throughProxy.host = `${proxy.host}:${proxy.port}`;
      let outages = 0;
      const cutting: TextExtractor = {
        name: 'pdf-parse',
        async extract(file, options) {
          const text = await inProcessExtractor.extract(file, options);
          if (path.basename(file).startsWith('3000768077_') && outages < 1) {
            outages++;
            // Read, then the database goes away: the file's own next statements meet the cut connections.
            proxy.refuse(true);
            proxy.cut();
            setTimeout(() => proxy.refuse(false), 3000);
          }
          return text;
        },
        close: async () => undefined,
      };
      try {
        const run = await runWorker({ jobTimeout: '600', lang }, cutting, throughProxy.href);
        expect(outages).toBe(1);
        expect(run.code, run.stderr).toBe(0);
        const { down, database } = namesTheDatabase[lang];
        const lines = run.stderr.split('\n').filter((line) => down.test(line));
        expect(lines.length, run.stderr).toBeGreaterThan(0);
        for (const line of lines) expect(line).toMatch(database);
      } finally {
        await proxy.close();
      }
    }, 90_000);
  }

  it('a take whose answer the database connection lost: the worker puts those jobs back, not at --job-timeout', async () => {
    const sessionId = await enqueue();
    const { proxy, viaProxy } = await startProxyFor(scratch.url);
    // The take's COMMIT reaches the server, its answer never comes back: jobs active under this worker's name
    // that it never saw. Left so, `--until-idle` waited for their --job-timeout (600 s here).
    proxy.loseAnswerTo('commit', "jsonb_build_object('taken_by'");
    try {
      const run = await runWorker({ jobTimeout: '600' }, inProcessExtractor, viaProxy.href);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(
        /\d+ jobs? this worker took as the database connection dropped \(the answer was lost\) back on the queue/,
      );
      const after = await status(sessionId);
      expect(after.processed_files).toBe(after.total_files);
      expect(after.status).not.toBe('processing');
      // Put back, not failed: no attempt spent on a file that was never read.
      expect(after.queue!.jobs.failed).toBe(0);
      expect(run.stderr).not.toMatch(/will be retried|gave up/);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('a file that throws on every attempt ends failed with its reason, after the retries', async () => {
    const sessionId = await enqueue();
    const broken: TextExtractor = {
      name: 'pdf-parse',
      async extract(file, options) {
        if (path.basename(file).startsWith('3000635026_')) throw new Error('the parser exploded');
        return inProcessExtractor.extract(file, options);
      },
      close: async () => undefined,
    };
    const run = await runWorker({}, broken);
    expect(run.stderr).toMatch(/attempt 1 of a file failed \(the parser exploded\); it will be retried/);
    const after = await status(sessionId);
    const failed = after.files.filter((f) => f.path.startsWith('3000635026_'));
    expect(failed.length).toBeGreaterThan(0);
    for (const file of failed) {
      expect(file).toMatchObject({
        outcome: 'processing_failed',
        error: 'gave up after 2 attempts: the parser exploded',
      });
    }
    expect(after.status).toBe('partially_failed');
    expect(after.queue!.jobs.failed).toBe(failed.length);
  });

  it('queues again the files of an open session whose jobs were lost', async () => {
    const sessionId = await enqueue();
    const database = await open();
    await (database.db.withoutPlugins() as unknown as Kysely<unknown>).executeQuery(
      CompiledQuery.raw(`delete from ${DEFAULT_QUEUE_SETTINGS.schema}.job`, []),
    );
    const run = await runWorker();
    expect(run.stderr).toMatch(/\d+ unfinished files? had no job; queued again/);
    const after = await status(sessionId);
    expect(after.processed_files).toBe(after.total_files);
    expect(after.status).not.toBe('processing');
  });

  it('refuses a database migrated by a newer version of the tool', async () => {
    await enqueue();
    const database = await open();
    await (database.db.withoutPlugins() as unknown as Kysely<unknown>).executeQuery(
      CompiledQuery.raw(
        `insert into kysely_migration (name, timestamp) values ('9999-from-the-future', now()::text)`,
        [],
      ),
    );
    await expect(runWorker()).rejects.toThrow(
      /migrated by a newer version of tecsalud-batch \(9999-from-the-future/,
    );
  });
});

describe('the queue without PostgreSQL', () => {
  it('`ingest --enqueue` and `worker` say they need PostgreSQL, and create no database file', async () => {
    const root = createTempDir('tecsalud-worker-sqlite-');
    try {
      const db = path.join(root, 'registry.db');
      const context = await commandContext({ cwd: root, db });
      await expect(ingest(SAMPLE_DIR, { enqueue: true }, context)).rejects.toThrow(
        /`ingest --enqueue` needs the job queue, which lives in PostgreSQL/,
      );
      await expect(worker({ untilIdle: true }, context)).rejects.toThrow(/`worker` needs the job queue/);
      expect(fs.existsSync(db)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

/** The session's status and counters as the service reports them, field by field (a failure names the field). */
function expectSameCounts(actual: StatusJson, expected: StatusJson): void {
  for (const field of [
    'status',
    'total_files',
    'processed_files',
    'failed_files',
    'created_patients',
    'matched_patients',
    'review_required',
    'duplicates',
  ] as const) {
    expect(actual[field], field).toEqual(expected[field]);
  }
}
