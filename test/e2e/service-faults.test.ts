import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRegistry } from '../../src/app/import-registry.js';
import { parseChromaUrl } from '../../src/adapters/vector-stores/chroma/chroma-url.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase, requireChromaUrl } from '../support/chroma.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startHttpFaultProxy } from '../support/http-fault-proxy.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { closedPort, startFaultyProxy, startProxyFor, startSilentServer } from '../support/tcp-faults.js';
import { copyDelivered } from '../support/delivered-files.js';

/**
 * Servers that fail, as the built CLI meets them: each backend (Chroma, the embeddings API, PostgreSQL) sits
 * behind a TCP proxy of the test's own (or is a port that refuses, or a server that accepts and never
 * answers), never the shared servers themselves. Whatever fails, the run ends with exit 69, `error:` and
 * `hint:` and no stack trace, the files done stay done, the lock is free and a re-run finishes the rest.
 */

const KEY = 'sk-service-faults';
/** The sample's files that become documents when every backend answers. */
const INGESTABLE = 18;

let root: string;
let drop: string;
let embeddings: FakeOpenAiServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  root = createTempDir('tecsalud-service-faults-');
  drop = path.join(root, 'drop');
  copyDelivered(SAMPLE_DIR, drop);
  embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
  env = {
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: `${embeddings.url}/v1`,
    TECSALUD_DB: path.join(root, 'registry.db'),
  };
  writeConfig({});
});
afterEach(async () => {
  await embeddings.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function writeConfig(extra: Record<string, unknown>) {
  fs.writeFileSync(
    path.join(root, 'tecsalud-batch.config.json'),
    JSON.stringify({
      embedder: 'openai',
      embedding: { model: 'text-embedding-3-small', dimensions: 16, maxRetries: 1 },
      ...extra,
    }),
  );
}

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return runCli(args, { cwd: root, env: { ...env, ...extraEnv }, timeoutMs: 110_000 });
}

async function ingest(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult & { report: JsonReport }> {
  // Small embedding requests, so that the fourth (where the faults are injected) comes early in the run.
  const result = await cli(
    ['ingest', drop, '--json', '--non-interactive', '--concurrency', '1', '--embed-batch-size', '4'],
    extraEnv,
  );
  let report: JsonReport;
  try {
    report = JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(
      `ingest printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { ...result, report };
}

/** A user error as the CLI prints one: its message and a hint, never a stack trace. */
function expectCleanFailure(result: RunResult, message: RegExp) {
  expect(result.code, result.stderr).toBe(ExitCode.ServiceUnavailable);
  expect(result.stderr).toMatch(/^error: /m);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^hint: /m);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error|Unhandled/);
}

const ingested = (report: JsonReport) =>
  report.files.filter((f) => f.outcome === 'ingested').map((f) => f.filename);

async function importSample(db: string) {
  await importRegistry({ file: REGISTRY_CSV, db, cwd: root });
}

describe('the embeddings server fails', { tags: ['slow'] }, () => {
  beforeEach(async () => importSample(env.TECSALUD_DB!));

  it('refusing connections: the run stops at once with 69 and a hint, not seven retries and "Connection error."', async () => {
    const port = await closedPort();
    const run = await ingest({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
    expectCleanFailure(run, /connection refused/);
    expect(run.stderr).not.toMatch(/Connection error\.$/m);
    expect(ingested(run.report)).toEqual([]);
    expect(run.report.files.filter((f) => f.outcome === 'embedding_failed')).toEqual([]);
    // Yet every file of the session is listed: those the stop left unfinished as such, with what takes them.
    expect(run.report.files).toHaveLength(run.report.total_files);
    const unfinished = run.report.files.filter((f) => f.outcome === 'interrupted');
    expect(unfinished).toHaveLength(run.report.total_files - run.report.processed_files);
    for (const f of unfinished)
      expect(f.error).toBe(
        'not finished: the run stopped before this file was done; it stays pending for the next run',
      );

    // The lock is free and nothing was settled: with the server back, a re-run does all the work.
    const again = await ingest();
    expect(again.code).not.toBe(ExitCode.ServiceUnavailable);
    expect(ingested(again.report)).toHaveLength(INGESTABLE);
  });

  it('accepting and never answering: each request gives up after the configured timeout, and the run stops with 69', async () => {
    const silent = await startSilentServer();
    try {
      const run = await ingest({ OPENAI_BASE_URL: `${silent.url}/v1`, TECSALUD_EMBEDDING_TIMEOUT: '1' });
      expectCleanFailure(run, /embedd/i);
      expect(run.stderr).toMatch(/time|answer/i);
      expect(ingested(run.report)).toEqual([]);
    } finally {
      await silent.close();
    }
    const again = await ingest();
    expect(ingested(again.report)).toHaveLength(INGESTABLE);
  });
});

describe.runIf(chromaWanted())('the Chroma server fails', { tags: ['slow'] }, () => {
  let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  beforeEach(async () => {
    await importSample(env.TECSALUD_DB!);
    chroma = await createScratchChromaDatabase();
    writeConfig({ vectorStore: 'chroma' });
    env = { ...env, CHROMA_DATABASE: chroma.database };
  });
  afterEach(async () => chroma.drop());

  it('dying mid-run: the files in flight finish, the run stops with 69 (not a vector_store_failed per file), a re-run completes it', async () => {
    const proxy = await startFaultyProxy({ host: '127.0.0.1', port: Number(new URL(chroma.url).port) });
    try {
      // Chroma goes away when the run's fourth embedding request arrives, and stays away.
      embeddings.onRequest((_request, count) => {
        if (count === 4) {
          proxy.refuse(true);
          proxy.cut();
        }
      });
      const down = await ingest({ CHROMA_URL: proxy.url });
      expectCleanFailure(down, /Chroma/);
      expect(down.report.files.filter((f) => f.outcome === 'vector_store_failed')).toEqual([]);
      expect(down.report.status).toBe('failed');
      const first = ingested(down.report);
      expect(first.length).toBeLessThan(INGESTABLE);

      // The stopped session's files never started wait in it, not forgotten: `status` says how many.
      expect(down.report.processed_files).toBeLessThan(down.report.total_files);

      const again = await ingest({ CHROMA_URL: chroma.url });
      expect(again.code).not.toBe(ExitCode.ServiceUnavailable);
      // The re-run finishes the same session (DECISIONS 2), which ends with every file in a final state.
      expect(again.report.session_id).toBe(down.report.session_id);
      expect(again.report.status).not.toBe('failed');
      expect(again.report.processed_files).toBe(again.report.total_files);
      const all = ingested(again.report);
      // Nothing is ingested twice (the first run's files are done, not duplicates), nothing is left behind.
      expect(again.report.duplicates).toBe(0);
      expect(first.filter((name) => !all.includes(name))).toEqual([]);
      expect(all).toHaveLength(INGESTABLE);
      const sessions = await cli(['sessions', '--json']);
      expect((JSON.parse(sessions.stdout) as unknown[]).length).toBe(1);
      // Patients created by a file that then stopped still count, in the session that created them.
      const { default: Database } = await import('better-sqlite3');
      const registry = new Database(env.TECSALUD_DB!, { readonly: true });
      try {
        const created = registry
          .prepare("select count(*) as n from patients where source = 'batch_ingest'")
          .get() as { n: number };
        expect(created.n).toBeGreaterThan(0);
        expect(again.report.created_patients).toBe(created.n);
      } finally {
        registry.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('accepting and never answering (a stopped process): bounded by the configured timeout, 69, the lock free', async () => {
    const silent = await startSilentServer();
    try {
      const run = await cli(['ingest', drop, '--non-interactive'], {
        CHROMA_URL: silent.url,
        TECSALUD_CHROMA_TIMEOUT: '1',
      });
      expectCleanFailure(run, /no answer within 1 s/);
    } finally {
      await silent.close();
    }
    const again = await ingest({ CHROMA_URL: chroma.url });
    expect(ingested(again.report)).toHaveLength(INGESTABLE);
  });

  it('refusing connections: fails fast with a hint', async () => {
    const port = await closedPort();
    const run = await cli(['ingest', drop, '--non-interactive'], { CHROMA_URL: `http://127.0.0.1:${port}` });
    expectCleanFailure(run, /connection refused/);
  });
});

describe.runIf(postgresWanted() && chromaWanted())('the PostgreSQL server fails', { tags: ['slow'] }, () => {
  let database: Awaited<ReturnType<typeof createScratchPostgresDatabase>>;
  let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  beforeEach(async () => {
    database = await createScratchPostgresDatabase();
    chroma = await createScratchChromaDatabase();
    writeConfig({ vectorStore: 'chroma' });
    env = { ...env, TECSALUD_DB: database.url, CHROMA_URL: chroma.url, CHROMA_DATABASE: chroma.database };
    await importSample(database.url);
  });
  afterEach(async () => {
    await database.drop();
    await chroma.drop();
  });

  async function query<T>(text: string, url = database.url): Promise<T[]> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it("an administrator ends the run lock's session mid-run: the lock is taken again and the run completes", async () => {
    let terminated: Promise<unknown> | null = null;
    embeddings.onRequest((_request, count) => {
      if (count === 4) {
        terminated = query(
          `select pg_terminate_backend(pid) as done from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
        );
      }
    });
    const run = await ingest();
    const ended = (await terminated) as { done: boolean }[] | null;
    expect(ended?.some((row) => row.done)).toBe(true);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).not.toBe(ExitCode.ServiceUnavailable);
    expect(ingested(run.report)).toHaveLength(INGESTABLE);
    expect(await query<{ status: string }>('select status from batch_uploads')).not.toContainEqual({
      status: 'processing',
    });
  });

  it('idle_session_timeout ends idle connections while the embedder is slow: no crash, the run completes', async () => {
    await query(
      `alter database ${new URL(database.url).pathname.slice(1)} set idle_session_timeout = '300ms'`,
    );
    embeddings.inject(...Array.from({ length: 6 }, () => ({ kind: 'slow' as const, delayMs: 700 })));
    const run = await ingest();
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(/Unhandled/);
    expect(run.code).not.toBe(ExitCode.ServiceUnavailable);
    expect(ingested(run.report)).toHaveLength(INGESTABLE);
  });

  /** The test's database behind a fault-injecting proxy of its own, and the URL that goes through it. */
  function databaseBehindProxy() {
    return startProxyFor(database.url);
  }

  it('every connection dropped and the server staying away: exit 69 after the files in flight, and a re-run finishes', async () => {
    const { proxy, viaProxy } = await databaseBehindProxy();
    try {
      embeddings.onRequest((_request, count) => {
        if (count === 4) {
          proxy.refuse(true);
          proxy.cut();
        }
      });
      const down = await ingest({ TECSALUD_DB: viaProxy.toString() });
      expectCleanFailure(down, /PostgreSQL/);
      expect(down.stderr).not.toContain('tecsalud@'); // the password is never printed
      // The report of what was done is printed although the database could not record the session.
      expect(down.report.status).toBe('failed');
      expect(ingested(down.report).length).toBeLessThan(INGESTABLE);
    } finally {
      await proxy.close();
    }
    // The advisory lock went with its connection; the session left `processing` is taken up by the next run.
    const again = await ingest();
    expect(again.code).not.toBe(ExitCode.ServiceUnavailable);
    expect(again.code).not.toBe(ExitCode.Locked);
    const documents = await query<{ n: string }>('select count(*) as n from medical_documents');
    expect(Number(documents[0]!.n)).toBe(INGESTABLE);
  });

  it('a server that stops answering mid-run (frozen, a dead link): bounded by TECSALUD_DB_TIMEOUT, 69, and a re-run finishes', async () => {
    const { proxy, viaProxy } = await databaseBehindProxy();
    try {
      embeddings.onRequest((_request, count) => {
        if (count === 4) proxy.hold(true);
      });
      // Before, the run waited for ever on the first statement after the freeze, holding the folder's lock.
      const down = await ingest({ TECSALUD_DB: viaProxy.toString(), TECSALUD_DB_TIMEOUT: '2' });
      expectCleanFailure(down, /PostgreSQL database .*: the server did not answer within 2 s/);
      expect(down.stderr).toMatch(/^hint: .*TECSALUD_DB_TIMEOUT/m);
      expect(ingested(down.report).length).toBeLessThan(INGESTABLE);
    } finally {
      // The held connections go through and close: the server ends their sessions, and the lock with them.
      proxy.hold(false);
      await proxy.close();
    }
    let again = await ingest();
    for (let tries = 0; again.code === ExitCode.Locked && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      again = await ingest();
    }
    expect(again.code, again.stderr).not.toBe(ExitCode.ServiceUnavailable);
    const documents = await query<{ n: string }>('select count(*) as n from medical_documents');
    expect(Number(documents[0]!.n)).toBe(INGESTABLE);
  });

  it('refusing connections from the start: "cannot reach the PostgreSQL database", 69, not a migration failure', async () => {
    const port = await closedPort();
    const url = new URL(database.url);
    url.port = String(port);
    const run = await cli(['ingest', drop, '--non-interactive'], { TECSALUD_DB: url.toString() });
    expectCleanFailure(run, /cannot reach the PostgreSQL database/);
    expect(run.stderr).not.toMatch(/migration failed/);
    // A worker (issue 18) opens the same registry: the same clean refusal, not an internal error.
    const worker = await cli(['worker', '--until-idle'], { TECSALUD_DB: url.toString() });
    expectCleanFailure(worker, /cannot reach the PostgreSQL database/);
  });
});

describe('doctor with every backend hung', { tags: ['slow'] }, () => {
  it.runIf(postgresWanted() && chromaWanted())(
    'answers within its bound, naming each backend that did not answer, with 69',
    async () => {
      const silent = await startSilentServer();
      try {
        const started = Date.now();
        const run = await cli(['doctor', '--timeout', '3', '--vector-store', 'chroma'], {
          TECSALUD_DB: `postgres://tecsalud:pw-never-shown@127.0.0.1:${silent.port}/nowhere`,
          CHROMA_URL: silent.url,
          OPENAI_BASE_URL: `${silent.url}/v1`,
        });
        // Not a timing assertion of speed: the bound is the feature (it used to never return).
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(run.code, run.stdout + run.stderr).toBe(ExitCode.ServiceUnavailable);
        for (const name of ['database', 'embedder', 'vector store']) {
          expect(run.stdout).toMatch(new RegExp(`^FAIL\\s+${name}\\s+.*(answer|time)`, 'm'));
        }
        expect(run.stdout + run.stderr).not.toContain('pw-never-shown');
        expect(run.stderr).not.toMatch(/^\s+at /m);
      } finally {
        await silent.close();
      }
    },
  );
});

describe('search against a collection that does not exist', { tags: ['slow'] }, () => {
  it('says so, lists the collections that exist, and creates none (embedded store)', async () => {
    await importSample(env.TECSALUD_DB!);
    const first = await ingest();
    expect(ingested(first.report)).toHaveLength(INGESTABLE);
    const run = await cli(['search', 'glucosa', '--collection', 'medical_documnets']);
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stderr).toMatch(/^error: the collection "medical_documnets" does not exist/m);
    expect(run.stderr).toMatch(/^hint: .*"medical_documents"/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const again = await cli(['search', 'glucosa', '--collection', 'medical_documnets']);
    expect(again.stderr).not.toMatch(/"medical_documnets";|"medical_documnets",/); // not created by the first
    expect(again.code).toBe(ExitCode.Usage);
  });

  it.runIf(chromaWanted())('says so and lists the existing ones on Chroma too, creating none', async () => {
    await importSample(env.TECSALUD_DB!);
    const chroma = await createScratchChromaDatabase();
    try {
      const chromaEnv = { CHROMA_URL: chroma.url, CHROMA_DATABASE: chroma.database };
      const { ChromaClient } = await import('chromadb');
      const client = new ChromaClient({ ...parseChromaUrl(chroma.url), database: chroma.database });
      await client.createCollection({ name: 'historias_2024', embeddingFunction: null });
      const run = await cli(
        ['search', 'glucosa', '--vector-store', 'chroma', '--collection', 'historias_2042'],
        chromaEnv,
      );
      expect(run.code).toBe(ExitCode.Usage);
      expect(run.stderr).toMatch(
        /^error: the collection "historias_2042" does not exist in the Chroma vector store/m,
      );
      expect(run.stderr).toMatch(/^hint: .*"historias_2024"/m);
      const names = (await client.listCollections()).map((c) => c.name);
      expect(names).toEqual(['historias_2024']);
    } finally {
      await chroma.drop();
    }
  });
});

describe('a Chroma address that leads to no usable Chroma', { tags: ['slow'] }, () => {
  beforeEach(async () => {
    await importSample(env.TECSALUD_DB!);
    writeConfig({ vectorStore: 'chroma' });
  });

  /** The sessions the registry holds, as `sessions --json` lists them. */
  async function sessionCount(): Promise<number> {
    const listed = await cli(['sessions', '--json']);
    return (JSON.parse(listed.stdout) as unknown[]).length;
  }

  it('a server that is not Chroma 1.0 or later (404 on every path, as Chroma 0.5 or a web server answers): 69 with a hint, no stack trace, no session', async () => {
    const oldChroma = await startHttpFaultProxy({
      target: 'http://127.0.0.1:9',
      answer: () => ({ status: 404, body: { detail: 'Not Found' } }),
    });
    try {
      const chromaEnv = { CHROMA_URL: oldChroma.url };
      const run = await cli(['ingest', drop, '--non-interactive'], chromaEnv);
      expectCleanFailure(run, /^error: the server at \S+ does not answer as a Chroma server/m);
      expect(run.stderr).toMatch(/^hint: check --chroma-url \/ CHROMA_URL/m);
      expect(await sessionCount()).toBe(0);

      const search = await cli(['search', 'glucosa'], chromaEnv);
      expectCleanFailure(search, /does not answer as a Chroma server/);

      const doctor = await cli(['doctor'], chromaEnv);
      expect(doctor.code, doctor.stdout).toBe(ExitCode.ServiceUnavailable);
      expect(doctor.stdout).toMatch(/^FAIL\s+vector store\s+.*does not answer as a Chroma server/m);

      const spanish = await cli(['ingest', drop, '--non-interactive', '--lang', 'es'], chromaEnv);
      expect(spanish.stderr).toMatch(/^error: el servidor en \S+ no responde como un servidor Chroma/m);
      expect(spanish.stderr).toMatch(/^sugerencia: revise --chroma-url \/ CHROMA_URL/m);
    } finally {
      await oldChroma.close();
    }
  });

  it.runIf(chromaWanted())(
    'CHROMA_DATABASE naming a database the server does not have: 64 naming it, with a hint, no stack trace',
    async () => {
      const chromaEnv = { CHROMA_URL: requireChromaUrl(), CHROMA_DATABASE: 'tecsalud_no_such_database' };
      const run = await cli(['ingest', drop, '--non-interactive'], chromaEnv);
      expect(run.code, run.stderr).toBe(ExitCode.Usage);
      expect(run.stderr).toMatch(
        /^error: the Chroma server at \S+ has no database 'tecsalud_no_such_database' \(to prepare collection "medical_documents"\)/m,
      );
      expect(run.stderr).toMatch(/^hint: .*CHROMA_DATABASE/m);
      expect(run.stderr).not.toMatch(/^\s+at |internal error/m);
      expect(await sessionCount()).toBe(0);

      // Read-only commands too: Chroma answers a missing database as an empty one (no collection, none listed),
      // which doctor took for "does not exist yet (the first ingest creates it)" and search for no collection.
      const doctor = await cli(['doctor'], chromaEnv);
      expect(doctor.stdout).toMatch(/^FAIL\s+vector store\s+.*has no database 'tecsalud_no_such_database'/m);
      expect(doctor.stdout).not.toMatch(/does not exist yet/);
      const search = await cli(['search', 'glucosa'], chromaEnv);
      expect(search.code, search.stderr).toBe(ExitCode.Usage);
      expect(search.stderr).toMatch(
        /^error: the Chroma server at \S+ has no database 'tecsalud_no_such_database'/m,
      );
    },
  );
});
