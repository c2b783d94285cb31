import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importRegistry } from '../../src/app/import-registry.js';
import { ExitCode } from '../../src/errors.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import { runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR, type JsonReport } from '../support/ingest-fixture.js';
import { startTokenProxy, type TokenProxy } from '../support/token-proxy.js';
import { copyDelivered } from '../support/delivered-files.js';

/**
 * A Chroma that demands a token: the real Chroma server behind a proxy that refuses requests without it.
 * The token comes from CHROMA_AUTH_TOKEN, the config file or --chroma-token, travels in the header the
 * server wants, is never printed, and a refusal is service down (69) with a hint, not a failure per file.
 */

const KEY = 'sk-chroma-token';
const TOKEN = 'ct-7f3a9b2e41d0-hospital';

describe.runIf(chromaWanted())('Chroma behind a token', { tags: ['slow'] }, () => {
  let root: string;
  let drop: string;
  let embeddings: FakeOpenAiServer;
  let chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  let proxy: TokenProxy | null = null;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    root = createTempDir('tecsalud-chroma-token-');
    drop = path.join(root, 'drop');
    copyDelivered(SAMPLE_DIR, drop);
    embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
    chroma = await createScratchChromaDatabase();
    env = {
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: `${embeddings.url}/v1`,
      TECSALUD_DB: path.join(root, 'registry.db'),
      CHROMA_DATABASE: chroma.database,
    };
    writeConfig({});
    await importRegistry({ file: REGISTRY_CSV, db: env.TECSALUD_DB!, cwd: root });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = null;
    await embeddings.close();
    await chroma.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function writeConfig(chromaKeys: Record<string, unknown>) {
    fs.writeFileSync(
      path.join(root, 'tecsalud-batch.config.json'),
      JSON.stringify({
        vectorStore: 'chroma',
        embedder: 'openai',
        embedding: { model: 'text-embedding-3-small', dimensions: 16 },
        chroma: chromaKeys,
      }),
      { mode: 0o600 },
    );
  }

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
    runCli(args, { cwd: root, env: { ...env, ...extraEnv }, timeoutMs: 110_000 });

  const ingest = (extraEnv: NodeJS.ProcessEnv = {}, flags: string[] = []) =>
    cli(['ingest', drop, '--json', '--non-interactive', ...flags], extraEnv);

  const ingestedCount = (run: RunResult) =>
    (JSON.parse(run.stdout) as JsonReport).files.filter((f) => f.outcome === 'ingested').length;

  function expectRefused(run: RunResult, status: 401 | 403) {
    expect(run.code, run.stderr).toBe(ExitCode.ServiceUnavailable);
    expect(run.stderr).toMatch(new RegExp(`^error: .*Chroma.*HTTP ${status}`, 'm'));
    expect(run.stderr).toMatch(/^hint: .*CHROMA_AUTH_TOKEN/m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }

  it('CHROMA_AUTH_TOKEN as Authorization: Bearer (the default): ingest, search and doctor work; without it, 69 and a hint', async () => {
    proxy = await startTokenProxy({ target: chroma.url, token: TOKEN, header: 'Authorization' });
    const withoutToken = await ingest({ CHROMA_URL: proxy.url });
    expectRefused(withoutToken, 401);

    const run = await ingest({ CHROMA_URL: proxy.url, CHROMA_AUTH_TOKEN: TOKEN });
    expect(run.code, run.stderr).not.toBe(ExitCode.ServiceUnavailable);
    expect(ingestedCount(run)).toBe(18);
    const sent = proxy.seen.filter((request) => request.passed);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) expect(request.authorization).toBe(`Bearer ${TOKEN}`);

    const search = await cli(['search', 'glucosa', '--json'], {
      CHROMA_URL: proxy.url,
      CHROMA_AUTH_TOKEN: TOKEN,
    });
    expect(search.code, search.stderr).toBe(0);
    expect((JSON.parse(search.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);

    const doctor = await cli(['doctor', '--json'], { CHROMA_URL: proxy.url, CHROMA_AUTH_TOKEN: TOKEN });
    const health = JSON.parse(doctor.stdout) as {
      checks: { name: string; status: string; detail: string }[];
      config: { chroma: { authToken?: string } };
    };
    expect(health.checks.find((c) => c.name === 'vector store')).toMatchObject({ status: 'ok' });
    expect(health.config.chroma.authToken).toBe('***');
    expect(doctor.stdout + doctor.stderr).not.toContain(TOKEN);
  });

  it('X-Chroma-Token from the config file; a wrong token is 403 → 69 and is never printed', async () => {
    proxy = await startTokenProxy({ target: chroma.url, token: TOKEN, header: 'X-Chroma-Token' });
    writeConfig({ authToken: TOKEN, authHeader: 'X-Chroma-Token' });
    const run = await ingest({ CHROMA_URL: proxy.url });
    expect(run.code, run.stderr).not.toBe(ExitCode.ServiceUnavailable);
    expect(ingestedCount(run)).toBe(18);
    for (const request of proxy.seen) {
      expect(request.xChromaToken).toBe(TOKEN);
      expect(request.authorization).toBeUndefined();
    }

    // The environment names the header too (as Chroma's own CHROMA_AUTH_TOKEN_TRANSPORT_HEADER does).
    const wrong = await ingest({ CHROMA_URL: proxy.url, CHROMA_AUTH_TOKEN: 'ct-wrong-token' }, []);
    expectRefused(wrong, 403);
    expect(wrong.stderr).not.toContain('ct-wrong-token');
  });

  it('--chroma-token on the command line works for search, with the header from CHROMA_AUTH_TOKEN_TRANSPORT_HEADER', async () => {
    proxy = await startTokenProxy({ target: chroma.url, token: TOKEN, header: 'X-Chroma-Token' });
    const run = await ingest(
      { CHROMA_URL: proxy.url, CHROMA_AUTH_TOKEN_TRANSPORT_HEADER: 'X-Chroma-Token' },
      ['--chroma-token', TOKEN],
    );
    expect(ingestedCount(run)).toBe(18);
    const refused = await cli(['search', 'glucosa'], { CHROMA_URL: proxy.url });
    expectRefused(refused, 401);
  });
});
