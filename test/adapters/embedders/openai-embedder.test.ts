import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createOpenAiEmbedder,
  EmbeddingError,
  type OpenAiEmbedderOptions,
} from '../../../src/adapters/embedders/openai/openai-embedder.js';
import { planRequests } from '../../../src/adapters/embedders/openai/plan-requests.js';
import { retryAfterMs, retryDelayMs } from '../../../src/adapters/embedders/openai/retry-delay.js';
import { ServiceUnavailableError, UserError } from '../../../src/errors.js';
import { translateUsageHint, translateUsageMessage } from '../../../src/ui/i18n/usage-errors-es.js';
import {
  fakeVector,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../../support/fake-openai-server.js';

const KEY = 'sk-test-fake';

describe('request planning and retry delays', () => {
  it('splits texts by count and by estimated tokens, keeping order', () => {
    const texts = Array.from({ length: 7 }, (_, i) => 'x'.repeat(30 + i));
    expect(planRequests(texts, { maxInputs: 3, maxTokens: 1000, maxInputTokens: 100 })).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(planRequests(texts, { maxInputs: 100, maxTokens: 30, maxInputTokens: 100 })).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 7],
    ]);
    expect(planRequests([], { maxInputs: 1, maxTokens: 1, maxInputTokens: 1 })).toEqual([]);
    expect(() =>
      planRequests(['y'.repeat(400)], { maxInputs: 5, maxTokens: 1000, maxInputTokens: 100 }),
    ).toThrow(/--chunk-size/);
  });

  it('reads Retry-After in seconds, as a date and in milliseconds', () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(headers({}))).toBeNull();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeNull();
  });

  it('backs off exponentially with jitter, honours the server, and caps every wait', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(retryDelayMs(1, null, options, () => 0)).toBe(50);
    expect(retryDelayMs(1, null, options, () => 1)).toBe(100);
    expect(retryDelayMs(3, null, options, () => 1)).toBe(400);
    expect(retryDelayMs(10, null, options, () => 1)).toBe(1000);
    expect(retryDelayMs(1, 700, options)).toBe(700);
    expect(retryDelayMs(1, 60_000, options)).toBe(1000);
  });
});

describe('OpenAI and Azure OpenAI embedders against a local server', () => {
  let server: FakeOpenAiServer;
  let waits: number[];

  beforeEach(async () => {
    server = await startFakeOpenAiServer({ dimension: 8, apiKey: KEY });
    waits = [];
  });
  afterEach(async () => {
    await server.close();
  });

  const openai = (extra: Partial<OpenAiEmbedderOptions> = {}) =>
    createOpenAiEmbedder({
      connection: { provider: 'openai', apiKey: KEY, baseUrl: `${server.url}/v1` },
      model: 'test-embedding-model',
      maxRetries: 3,
      backoff: { baseMs: 100, maxMs: 5000 },
      timeoutMs: 2000,
      sleep: async (ms) => void waits.push(ms),
      ...extra,
    });

  it('embeds through /v1/embeddings: vectors in order, one request for a small batch, dimension probed', async () => {
    const embedder = await openai();
    expect(embedder.id).toBe('openai:test-embedding-model');
    expect(embedder.dimension).toBe(8);
    const texts = ['hipertensión arterial', 'litiasis vesicular', ''];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => Array.from(v))).toEqual(
      ['hipertensión arterial', 'litiasis vesicular', ' '].map((t) =>
        Array.from(Float32Array.from(fakeVector(t, 8))),
      ),
    );
    const last = server.requests.at(-1)!;
    expect(last.path).toBe('/v1/embeddings');
    expect(last.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(last.body).toMatchObject({
      model: 'test-embedding-model',
      encoding_format: 'float',
      input: ['hipertensión arterial', 'litiasis vesicular', ' '],
    });
    expect(server.requests).toHaveLength(2); // the probe, then one request
  });

  it('knows the size of OpenAI models and asks for shortened vectors when told to', async () => {
    const small = await openai({ model: 'text-embedding-3-small' });
    expect([small.id, small.dimension]).toEqual(['openai:text-embedding-3-small', 1536]);
    expect(server.requests).toHaveLength(0);
    const large = await openai({ model: 'text-embedding-3-large', dimensions: 8 });
    expect([large.id, large.dimension]).toEqual(['openai:text-embedding-3-large@8', 8]);
    await large.embed(['a']);
    expect(server.requests.at(-1)?.body.dimensions).toBe(8);
  });

  it('speaks the Azure URL shape: deployment in the path, api-version in the query, api-key header', async () => {
    const embedder = await createOpenAiEmbedder({
      connection: {
        provider: 'azure',
        endpoint: server.url,
        apiKey: KEY,
        deployment: 'emb-large',
        apiVersion: '2024-10-21',
      },
      model: 'text-embedding-3-large',
      dimensions: 8,
    });
    expect(embedder.id).toBe('openai:text-embedding-3-large@8');
    const [vector] = await embedder.embed(['biometría hemática']);
    expect(Array.from(vector!)).toEqual(Array.from(Float32Array.from(fakeVector('biometría hemática', 8))));
    const last = server.requests.at(-1)!;
    expect(last.path).toBe('/openai/deployments/emb-large/embeddings');
    expect(last.query.get('api-version')).toBe('2024-10-21');
    expect(last.headers['api-key']).toBe(KEY);
    expect(last.headers.authorization).toBeUndefined();
  });

  it('sends many chunks per request within the limits, and bounds the requests in flight', async () => {
    await server.close();
    server = await startFakeOpenAiServer({ dimension: 8, apiKey: KEY, responseDelayMs: 20 });
    const embedder = await openai({ dimensions: 8, limits: { maxInputs: 10 }, maxInFlight: 2 });
    const texts = Array.from({ length: 95 }, (_, i) => `fragmento ${i}`);
    const [a, b] = await Promise.all([embedder.embed(texts), embedder.embed(texts.slice(0, 30))]);
    expect(a).toHaveLength(95);
    expect(b).toHaveLength(30);
    expect(Array.from(a[94]!)).toEqual(Array.from(Float32Array.from(fakeVector('fragmento 94', 8))));
    expect(server.requests).toHaveLength(13);
    expect(server.requests.every((r) => (r.body.input?.length ?? 0) <= 10)).toBe(true);
    expect(server.inFlight().peak).toBe(2);
  });

  it('retries 429s honouring Retry-After, then succeeds', async () => {
    const embedder = await openai({ dimensions: 8 });
    server.inject(
      { kind: 'status', status: 429, retryAfter: '2' },
      { kind: 'status', status: 429, retryAfterMs: '250' },
    );
    const [vector] = await embedder.embed(['texto']);
    expect(vector).toHaveLength(8);
    expect(waits).toEqual([2000, 250]);
    expect(server.requests).toHaveLength(3);
  });

  it('retries 500s and 503s with growing, jittered backoff', async () => {
    const embedder = await openai({ dimensions: 8 });
    server.inject(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
    );
    await embedder.embed(['texto']);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(waits[2]).toBeGreaterThanOrEqual(200);
    expect(waits[2]).toBeLessThanOrEqual(400);
  });

  it('gives up with a clear error once the retries are spent', async () => {
    const embedder = await openai({ dimensions: 8 });
    server.inject(
      ...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '1' })),
    );
    const error = await embedder.embed(['texto']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingError);
    expect((error as Error).message).toMatch(/still failed after 4 attempts: 429/);
    expect((error as UserError).hint).toMatch(/throttling/);
    expect(server.requests).toHaveLength(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it('retries a connection cut before the answer, and calls the service down once every attempt was cut', async () => {
    const embedder = await openai({ dimensions: 8 });
    server.inject({ kind: 'reset' });
    const [vector] = await embedder.embed(['texto']);
    expect(vector).toHaveLength(8);
    server.inject(...Array.from({ length: 4 }, () => ({ kind: 'reset' as const })));
    const error = await embedder.embed(['otro texto']).catch((e: unknown) => e);
    // Service down (exit 69, a worker pauses), not one file's failure repeated over the whole batch.
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/cut the connection before answering \(4 attempts\)/);
    expect(translateUsageMessage((error as Error).message)).toMatch(
      /cortó la conexión antes de responder \(4 intentos\)/,
    );
    expect(translateUsageHint((error as UserError).hint ?? '')).toMatch(/cortafuegos/);
  });

  it('retries a response slower than the timeout', async () => {
    const embedder = await openai({ dimensions: 8, timeoutMs: 200 });
    server.inject({ kind: 'slow', delayMs: 3000 });
    const [vector] = await embedder.embed(['texto']);
    expect(vector).toHaveLength(8);
    expect(server.requests).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it('refuses malformed bodies with a clear error', async () => {
    const embedder = await openai({ dimensions: 8, maxRetries: 0 });
    server.inject({ kind: 'malformed', body: JSON.stringify({ data: [] }) });
    await expect(embedder.embed(['a', 'b'])).rejects.toThrow(
      /malformed response \(0 embeddings for 2 texts\)/,
    );
    server.inject({ kind: 'malformed', body: JSON.stringify({ data: [{ index: 0, embedding: ['x'] }] }) });
    await expect(embedder.embed(['a'])).rejects.toThrow(/malformed embedding/);
    server.inject({ kind: 'malformed', body: '<html>bad gateway</html>', contentType: 'text/html' });
    await expect(embedder.embed(['a'])).rejects.toThrow(EmbeddingError);
    server.inject({ kind: 'malformed', body: '{"data": [' });
    await expect(embedder.embed(['a'])).rejects.toThrow(/after 1 attempts/);
  });

  it('does not retry a refused key, and never prints it', async () => {
    const embedder = await createOpenAiEmbedder({
      connection: { provider: 'openai', apiKey: 'sk-wrong-secret-123', baseUrl: `${server.url}/v1` },
      model: 'text-embedding-3-small',
      sleep: async (ms) => void waits.push(ms),
    });
    const error = (await embedder.embed(['a']).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/refused the API key \(HTTP 401\)/);
    expect(`${error.message} ${error.hint}`).not.toContain('sk-wrong-secret-123');
    expect(waits).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a vector of an unexpected size', async () => {
    const embedder = await openai({ model: 'text-embedding-3-small' });
    await expect(embedder.embed(['a'])).rejects.toThrow(/returned 8-dimensional vectors; expected 1536/);
  });
});
