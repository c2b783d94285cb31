import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest as ingestCommand, type IngestCommandOptions } from '../../src/commands/ingest.js';
import { importPatients } from '../../src/commands/patients/import.js';
import { commandContext } from '../support/command-context.js';
import { captureIo, createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { inProcessExtractor, REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';

const KEY = 'sk-batches-fake';
/** A window no test waits for: only a full batch sends these requests. */
const HOUR_MS = 3_600_000;
let cwd: string;
let server: FakeOpenAiServer;

beforeEach(async () => {
  cwd = createTempDir('tecsalud-batches-');
  server = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
});
afterEach(async () => {
  await server.close();
  fs.rmSync(cwd, { recursive: true, force: true });
});

/** `ingest SAMPLE --json --non-interactive` on a fresh registry, with `embedding` settings in the config file. */
async function ingest(
  embedding: Record<string, unknown>,
  flags: IngestCommandOptions = {},
): Promise<JsonReport> {
  const dir = fs.mkdtempSync(path.join(cwd, 'run-'));
  const env = {
    OPENAI_API_KEY: KEY,
    OPENAI_BASE_URL: `${server.url}/v1`,
    TECSALUD_DB: path.join(dir, 'registry.db'),
  };
  fs.writeFileSync(
    path.join(dir, 'tecsalud-batch.config.json'),
    JSON.stringify({
      embedder: 'openai',
      embedding: { model: 'text-embedding-3-small', dimensions: 16, ...embedding },
    }),
  );
  expect(await importPatients(REGISTRY_CSV, {}, await commandContext({ cwd: dir, env }))).toBe(0);
  const { io, stdout } = captureIo();
  const context = await commandContext({ cwd: dir, env, io, extractor: inProcessExtractor });
  await ingestCommand(SAMPLE_DIR, { json: true, nonInteractive: true, ...flags }, context);
  return JSON.parse(stdout()) as JsonReport;
}

const chunksOf = (report: JsonReport) => report.files.reduce((sum, f) => sum + (f.chunks ?? 0), 0);
const requestSizes = () => server.requests.map((r) => r.body.input?.length ?? 0);

describe('embedding requests gathered across files', () => {
  it('carry the configured embedding.batchSize, and --embed-batch-size over it', async () => {
    const configured = await ingest({ batchSize: 5, batchWindowMs: 20 });
    const total = chunksOf(configured);
    expect(total).toBeGreaterThan(20);
    expect(requestSizes().reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...requestSizes())).toBe(5);

    server.requests.splice(0);
    const flagged = await ingest({ batchSize: 5, batchWindowMs: 20 }, { embedBatchSize: '7' });
    expect(chunksOf(flagged)).toBe(total);
    expect(Math.max(...requestSizes())).toBe(7);
  });

  it('fill a request with the chunks of many files even one file at a time: a file waits for it without its slot', async () => {
    const first = await ingest({ batchWindowMs: 20 });
    const total = chunksOf(first);
    const ingested = first.files.filter((f) => f.outcome === 'ingested').length;
    expect(ingested).toBeGreaterThan(10);

    // One request of exactly every chunk of the run, sent only once full: had a file held its slot while it
    // waited, the next file could never have started and the run would never end.
    server.requests.splice(0);
    const gathered = await ingest({ batchSize: total, batchWindowMs: HOUR_MS }, { concurrency: '1' });
    expect(gathered.files.filter((f) => f.outcome === 'ingested')).toHaveLength(ingested);
    expect(requestSizes()).toEqual([total]);
  });
});
