import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest as ingestCommand, type IngestCommandOptions } from '../../src/commands/ingest.js';
import { importPatients } from '../../src/commands/patients/import.js';
import type { CommandIo } from '../../src/commands/shared/io.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { commandContext } from '../support/command-context.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { startFaultyProxy } from '../support/tcp-faults.js';
import { inProcessExtractor, REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';

const KEY = 'sk-faults-fake';
let cwd: string;
let server: FakeOpenAiServer;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  cwd = createTempDir('tecsalud-faults-');
  server = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
  env = {
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: `${server.url}/v1`,
    TECSALUD_DB: path.join(cwd, 'registry.db'),
  };
  // Few, fast retries so that the test measures behaviour, not back-off.
  writeConfig({});
  expect(await importPatients(REGISTRY_CSV, {}, await commandContext({ cwd, env }))).toBe(0);
});
afterEach(async () => {
  await server.close();
  fs.rmSync(cwd, { recursive: true, force: true });
});

function writeConfig(extra: Record<string, unknown>) {
  fs.writeFileSync(
    path.join(cwd, 'tecsalud-batch.config.json'),
    JSON.stringify({
      embedder: 'openai',
      embedding: { model: 'text-embedding-3-small', dimensions: 16, maxRetries: 1, timeoutSeconds: 5 },
      ...extra,
    }),
  );
}

/** `ingest SAMPLE_DIR --json --non-interactive` in the test's folder, with its environment. */
async function runIngest(
  io: CommandIo,
  runEnv: NodeJS.ProcessEnv,
  flags: IngestCommandOptions = {},
): Promise<number> {
  const context = await commandContext({ cwd, env: runEnv, io, extractor: inProcessExtractor });
  return ingestCommand(SAMPLE_DIR, { json: true, nonInteractive: true, ...flags }, context);
}

async function ingest(extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: JsonReport }> {
  const { io, stdout } = captureIo();
  const code = await runIngest(io, { ...env, ...extraEnv });
  return { code, report: JSON.parse(stdout()) as JsonReport };
}

const outcomes = (report: JsonReport) => new Map(report.files.map((f) => [f.filename, f.outcome]));

describe('the embeddings server down, then back', { tags: ['slow'] }, () => {
  it('fails each file clearly after bounded retries, goes on, and a re-run completes exactly those files', async () => {
    server.inject(...Array.from({ length: 200 }, () => ({ kind: 'status' as const, status: 503 })));
    const down = await ingest();
    expect(down.code).toBe(ExitCode.SomeFailed);
    expect(down.report.processed_files).toBe(23);
    const failed = down.report.files.filter((f) => f.outcome === 'embedding_failed');
    expect(failed.length).toBe(18);
    expect(failed[0]!.error).toMatch(/still failed after 2 attempts/);
    expect(down.report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(0);

    server.clearFaults(); // the server is back
    const back = await ingest();
    const before = outcomes(down.report);
    for (const file of back.report.files) {
      if (before.get(file.filename) === 'embedding_failed')
        expect(file.outcome, file.filename).toBe('ingested');
      else expect(file.outcome, file.filename).not.toBe('ingested');
    }
    const third = await ingest();
    expect(third.report.files.filter((f) => f.outcome === 'ingested')).toHaveLength(0);
    expect(third.report.duplicates).toBe(18);
  });

  it('rides out intermittent failures: a retried request succeeds, an exhausted one fails only its files', async () => {
    // Two 500s in a row exhaust one request's retries (maxRetries 1); a single 429 is retried away.
    server.inject(
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    const first = await ingest();
    const failed = first.report.files.filter((f) => f.outcome === 'embedding_failed');
    const ingested = first.report.files.filter((f) => f.outcome === 'ingested');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length + ingested.length).toBe(18);
    const second = await ingest();
    const secondIngested = second.report.files
      .filter((f) => f.outcome === 'ingested')
      .map((f) => f.filename)
      .sort();
    expect(secondIngested).toEqual(failed.map((f) => f.filename).sort());
  });
});

describe.runIf(chromaWanted())('the Chroma server going away', { tags: ['slow'] }, () => {
  it('down from the start: the run stops before touching any file, with the service-unavailable exit code', async () => {
    const scratch = await createScratchChromaDatabase();
    try {
      writeConfig({ vectorStore: 'chroma' });
      const { io, stderr } = captureIo();
      const run = runIngest(io, {
        ...env,
        CHROMA_URL: 'http://127.0.0.1:9',
        CHROMA_DATABASE: scratch.database,
      });
      await expect(run).rejects.toMatchObject({ exitCode: ExitCode.ServiceUnavailable });
      void stderr;
    } finally {
      await scratch.drop();
    }
  });

  it('cut mid-batch: the run stops as service down after the files in flight, no file fails for it, a re-run completes them', async () => {
    const scratch = await createScratchChromaDatabase();
    const proxy = await startFaultyProxy({ host: '127.0.0.1', port: Number(new URL(scratch.url).port) });
    try {
      writeConfig({ vectorStore: 'chroma' });
      const before = server.requests.length;
      const { io, stdout } = captureIo();
      // Chroma goes away when the fourth embedding request of the run arrives: files are in mid-flight.
      server.onRequest((_request, count) => {
        if (count - before === 4) {
          proxy.refuse(true);
          proxy.cut();
        }
      });
      // Small requests, so that there is a fourth one early in the run (full ones would hold the whole sample).
      const run = runIngest(
        io,
        { ...env, CHROMA_URL: proxy.url, CHROMA_DATABASE: scratch.database },
        {
          concurrency: '1',
          embedBatchSize: '4',
        },
      );
      await expect(run).rejects.toMatchObject({ exitCode: ExitCode.ServiceUnavailable });
      const report = JSON.parse(stdout()) as JsonReport;
      expect(report.files.filter((f) => f.outcome === 'vector_store_failed')).toEqual([]);
      const done = report.files.filter((f) => f.outcome === 'ingested').map((f) => f.filename);
      const again = await ingest({ CHROMA_URL: scratch.url, CHROMA_DATABASE: scratch.database });
      const nowIngested = again.report.files.filter((f) => f.outcome === 'ingested').map((f) => f.filename);
      expect(nowIngested.filter((name) => done.includes(name))).toEqual([]);
      expect(done.length + nowIngested.length).toBe(18);
    } finally {
      await proxy.close();
      await scratch.drop();
    }
  });
});
