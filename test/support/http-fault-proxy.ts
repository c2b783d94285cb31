import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of passing a request on. */
export type InjectedAnswer = { status: number; body: unknown };

/** A request as the proxy's `answer` sees it. */
export type ProxiedRequest = {
  method: string;
  path: string;
  body: string;
  headers: http.IncomingHttpHeaders;
};

/**
 * An HTTP reverse proxy in front of a real server that answers some requests itself: `answer` sees each
 * request (method, path, body and headers, in order) and returns what to say instead, or null to pass it on.
 */
export interface HttpFaultProxy {
  url: string;
  /** Every request, in order, and whether the proxy answered it itself. */
  seen: { method: string; path: string; body: string; injected: boolean }[];
  close(): Promise<void>;
}

export async function startHttpFaultProxy(options: {
  target: string;
  answer: (request: ProxiedRequest) => InjectedAnswer | null;
  /**
   * Called once the real server has answered a request passed on, before that answer goes back: what it
   * returns is waited for (a test holds a write that is done, while the client does not know it yet).
   */
  beforeAnswering?: (request: ProxiedRequest) => Promise<void> | void;
}): Promise<HttpFaultProxy> {
  const target = new URL(options.target);
  const seen: HttpFaultProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
      const injected = options.answer({ ...request, headers: req.headers });
      seen.push({ ...request, injected: injected !== null });
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(injected.body));
        return;
      }
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          if (!options.beforeAnswering) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', async () => {
            await options.beforeAnswering!({ ...request, headers: req.headers });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
