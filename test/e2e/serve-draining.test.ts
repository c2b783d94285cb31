// `serve` stopping (SIGTERM) while a file is in flight keeps its port until the file is done: a client that connects
// meanwhile is answered 503, with why and when to try again, instead of finding the port closed (ECONNREFUSED); then
// the process exits 0. The built CLI, with a local embeddings server that holds the file's request until the test
// has made its calls.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { runCli } from '../support/cli-binary.js';
import { apiClient, createToken, startServe } from './support/serve-cli.js';

const KEY = 'sk-test-draining';
const FILE = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';

let root: string;
let db: string;
let embeddings: FakeOpenAiServer;

beforeAll(async () => {
  root = createTempDir('tecsalud-serve-draining-');
  db = path.join(root, 'registry.db');
  embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey: KEY });
  fs.writeFileSync(
    path.join(root, 'tecsalud-batch.config.json'),
    JSON.stringify({
      embedder: 'openai',
      embedding: { model: 'text-embedding-3-small', dimensions: 16 },
    }),
  );
}, 60_000);

afterAll(async () => {
  await embeddings.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('serve stopping with a file in flight', { tags: ['slow'] }, () => {
  it('answers new connections 503 with a JSON error and Retry-After until the file is done, then exits 0', async () => {
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
    expect(imported.code, imported.stderr).toBe(0);
    const token = await createToken(db, root);
    const server = await startServe(['--db', db, '--upload-dir', 'uploads'], {
      cwd: root,
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${embeddings.url}/v1` },
    });
    let sessionId = '';
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      const client = apiClient(server.base, token);
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'vectorized', uploaded_by: 'e2e' }),
      });
      sessionId = ((await created.json()) as { session_id: string }).session_id;
      const uploaded = await client.upload(sessionId, [
        { name: FILE, bytes: fs.readFileSync(path.join(SAMPLE_DIR, FILE)) },
      ]);
      expect(uploaded.status, await uploaded.clone().text()).toBe(200);

      // The file's embedding request is held: the file is in flight when the server is told to stop.
      embeddings.inject({ kind: 'held', until: held });
      const asked = new Promise<void>((resolve) => embeddings.onRequest(() => resolve()));
      const processing = await fetch(`${server.base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(processing.status).toBe(202);
      await asked;

      server.child.kill('SIGTERM');
      // Once it says it is stopping, a new connection is answered, not refused.
      const deadline = Date.now() + 10_000;
      while (!/^Stopping: /m.test(server.stdout()) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(server.stdout()).toMatch(/^Stopping: /m);
      for (const route of [`/${sessionId}/status`, '/health']) {
        const answer = await fetch(`${server.base}${route}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.status, route).toBe(503);
        expect(answer.headers.get('retry-after'), route).toBe('10');
        expect(answer.headers.get('content-type'), route).toMatch(/^application\/json/);
        expect(await answer.json(), route).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'the server is stopping: try again in 10 seconds',
        });
      }
      expect(server.child.exitCode).toBeNull();
    } finally {
      release();
    }
    // The file in flight finishes; then the server closes its port and exits 0.
    expect(await server.exited, server.stderr()).toBe(0);
    await expect(fetch(`${server.base}/health`)).rejects.toThrow();
    // The file that was in flight was finished, not left behind.
    const handle = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const files = handle.prepare('select outcome from batch_files where batch_id = ?').all(sessionId) as {
        outcome: string | null;
      }[];
      expect(files).toEqual([{ outcome: expect.stringMatching(/^(ingested|review_required)$/) }]);
    } finally {
      handle.close();
    }
  }, 120_000);
});
