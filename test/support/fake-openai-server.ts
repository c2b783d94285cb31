import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next request gets instead of a normal answer (one fault per request, in order). */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: string }
  | { kind: 'slow'; delayMs: number }
  /** Answered normally once `until` settles: holds a run at a known point for as long as a test needs. */
  | { kind: 'held'; until: Promise<unknown> }
  | { kind: 'malformed'; body: string; contentType?: string }
  /** The connection cut without an answer, as a proxy or a crashing server does (ECONNRESET / socket hang up). */
  | { kind: 'reset' };

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: { model?: string; input?: string[]; encoding_format?: string; dimensions?: number };
}

export interface FakeOpenAiServer {
  /** For OpenAI clients: `${url}/v1`; for Azure clients: `url` is the endpoint. */
  url: string;
  requests: RecordedRequest[];
  /** Called with each request as it arrives (after it is recorded), to act at an exact point of a run. */
  onRequest(listener: (request: RecordedRequest, count: number) => void): void;
  /** Queues faults for the next requests. */
  inject(...faults: Fault[]): void;
  /** Drops the faults not yet served: the server answers normally again. */
  clearFaults(): void;
  /** Requests being answered right now, and the most ever at once. */
  inFlight(): { now: number; peak: number };
  close(): Promise<void>;
}

/** The deterministic vector the fake gives a text: the same text always gets the same vector. */
export function fakeVector(text: string, dimension: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  return Array.from({ length: dimension }, (_, i) => (seed[i % seed.length]! - 127.5) / 127.5);
}

/**
 * A local stand-in for the OpenAI and Azure OpenAI embeddings API on 127.0.0.1, speaking both URL
 * shapes: POST /v1/embeddings (Bearer key) and
 * POST /openai/deployments/{deployment}/embeddings?api-version=… (api-key header).
 */
export async function startFakeOpenAiServer(
  options: { dimension?: number; apiKey?: string; responseDelayMs?: number } = {},
): Promise<FakeOpenAiServer> {
  const dimension = options.dimension ?? 8;
  const apiKey = options.apiKey ?? 'sk-test-fake';
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const listeners: ((request: RecordedRequest, count: number) => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let now = 0;
  let peak = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: RecordedRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      } catch {
        // recorded as empty
      }
      const request = { path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(request);
      for (const listener of listeners) listener(request, requests.length);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const azure = /^\/openai\/deployments\/[^/]+\/embeddings$/.test(url.pathname);
      if (url.pathname !== '/v1/embeddings' && !azure)
        return send(404, { error: { message: 'no such route' } });
      if (azure && !url.searchParams.get('api-version'))
        return send(400, { error: { message: 'api-version missing' } });
      const key = azure ? req.headers['api-key'] : req.headers.authorization?.replace(/^Bearer /, '');
      if (key !== apiKey)
        return send(401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } });

      const fault = faults.shift();
      if (fault?.kind === 'status') {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = fault.retryAfterMs;
        return send(fault.status, { error: { message: `injected ${fault.status}` } }, headers);
      }
      if (fault?.kind === 'reset') return void req.socket.destroy();
      if (fault?.kind === 'malformed') {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
        return res.end(fault.body);
      }
      const input = Array.isArray(body.input) ? body.input : [];
      const size = body.dimensions ?? dimension;
      const answer = () => {
        now--;
        send(200, {
          object: 'list',
          model: body.model ?? url.pathname.split('/')[3],
          data: input.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: fakeVector(text, size),
          })),
          usage: { prompt_tokens: input.length, total_tokens: input.length },
        });
      };
      now++;
      peak = Math.max(peak, now);
      const delay = fault?.kind === 'slow' ? fault.delayMs : (options.responseDelayMs ?? 0);
      if (fault?.kind === 'held') void fault.until.finally(answer);
      else if (delay > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delay);
        timers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    onRequest: (listener) => void listeners.push(listener),
    inject: (...more) => void faults.push(...more),
    clearFaults: () => void faults.splice(0),
    inFlight: () => ({ now, peak }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
