import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP reverse proxy that demands a token before passing a request on to a real server, as a hospital's
 * gateway (or Chroma's own token authentication, which the Rust server of Chroma 1.x no longer has) does:
 * `Authorization: Bearer TOKEN` or `X-Chroma-Token: TOKEN`, whichever `header` says; anything else gets
 * 401 without a token and 403 with a wrong one, with a JSON body like Chroma's.
 */
export interface TokenProxy {
  url: string;
  /** Every request's path and the credentials it carried, in order. */
  seen: { path: string; authorization?: string; xChromaToken?: string; passed: boolean }[];
  close(): Promise<void>;
}

export async function startTokenProxy(options: {
  target: string;
  token: string;
  header: 'Authorization' | 'X-Chroma-Token';
}): Promise<TokenProxy> {
  const target = new URL(options.target);
  const seen: TokenProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const authorization = req.headers.authorization;
    const xChromaToken = req.headers['x-chroma-token'] as string | undefined;
    const given =
      options.header === 'Authorization' ? authorization?.replace(/^Bearer /, '') : xChromaToken;
    const passed = given === options.token;
    seen.push({ path: req.url ?? '/', authorization, xChromaToken, passed });
    if (!passed) {
      req.resume();
      const status = given === undefined ? 401 : 403;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: status === 401 ? 'Unauthorized' : 'Forbidden', message: 'token required' }));
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
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
