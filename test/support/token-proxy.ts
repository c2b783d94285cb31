import { startHttpFaultProxy } from './http-fault-proxy.js';

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
  const seen: TokenProxy['seen'] = [];
  const proxy = await startHttpFaultProxy({
    target: options.target,
    answer: ({ path, headers }) => {
      const authorization = headers.authorization;
      const xChromaToken = headers['x-chroma-token'] as string | undefined;
      const given =
        options.header === 'Authorization' ? authorization?.replace(/^Bearer /, '') : xChromaToken;
      const passed = given === options.token;
      seen.push({ path, authorization, xChromaToken, passed });
      if (passed) return null;
      const status = given === undefined ? 401 : 403;
      return {
        status,
        body: { error: status === 401 ? 'Unauthorized' : 'Forbidden', message: 'token required' },
      };
    },
  });
  return { url: proxy.url, seen, close: () => proxy.close() };
}
