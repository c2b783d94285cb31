import { describe, expect, it } from 'vitest';
import { bearer, startTestServer } from '../support/api-server.js';

/**
 * The request rate limit (`--rate-limit`) against a client trying tokens: calls refused for want of a valid
 * token count per client address, so guessing tokens ends in 429 like any other flood, while a valid token's
 * calls still count per token from whatever address. The addresses are told apart by X-Forwarded-For
 * (`trustProxy`), as behind the hospital's reverse proxy.
 */
describe('the API’s rate limit and clients without a valid token', { tags: ['slow'] }, () => {
  const from = (address: string, headers: Record<string, string> = {}) => ({
    'x-forwarded-for': address,
    ...headers,
  });

  it('answers 429 with Retry-After to an address that keeps failing authentication — then even to its valid tokens', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 3, trustProxy: true } });
    try {
      const token = await server.token('viewer');
      const call = (headers: Record<string, string>) => fetch(`${server.base}/processing-types`, { headers });

      const statuses: number[] = [];
      for (const guess of ['tsb_guess-1', 'tsb_guess-2', 'tsb_guess-3', 'tsb_guess-4'])
        statuses.push((await call(from('10.0.0.1', bearer(guess)))).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await call(from('10.0.0.1', bearer('tsb_guess-5')));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(await limited.json()).toMatchObject({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringMatching(/valid token.*retry in \d+ s/),
      });
      // No token at all is the same failure; a valid token is not even looked up: answering it would tell a guesser it hit one.
      expect((await call(from('10.0.0.1'))).status).toBe(429);
      expect((await call(from('10.0.0.1', bearer(token)))).status).toBe(429);

      // Another address is not held back by that one; missing tokens count like bad ones.
      const missing: number[] = [];
      for (let i = 0; i < 4; i++) missing.push((await call(from('10.0.0.2'))).status);
      expect(missing).toEqual([401, 401, 401, 429]);
      expect((await call(from('10.0.0.3', bearer(token)))).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('counts an IPv6 client by its /64: rotating the last 64 bits of the address does not reset the count', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 3, trustProxy: true } });
    try {
      const call = (address: string) =>
        fetch(`${server.base}/processing-types`, { headers: from(address, bearer('tsb_guess')) });
      const statuses: number[] = [];
      for (const address of [
        '2001:db8:7:1::1',
        '2001:db8:7:1:a:b:c:d',
        '2001:db8:7:1::2',
        '2001:db8:7:1:ffff:1:2:3',
      ]) {
        statuses.push((await call(address)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // The next /64 (another site, another host) and an IPv4 client are counted apart.
      expect((await call('2001:db8:7:2::1')).status).toBe(401);
      expect((await call('10.0.3.1')).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('still counts a valid token’s calls per token, from whatever address they come', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 3, trustProxy: true } });
    try {
      const token = await server.token('viewer');
      const statuses: number[] = [];
      for (const address of ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4']) {
        statuses.push(
          (await fetch(`${server.base}/processing-types`, { headers: from(address, bearer(token)) })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      // In the API's error body, saying the limit, whose calls and when to call again (as Retry-After does).
      const limited = await fetch(`${server.base}/processing-types`, {
        headers: from('10.0.1.4', bearer(token)),
      });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(await limited.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many calls with this token (3 a minute): retry in ${retryAfter} s`,
      });
      // Failed attempts from an address do not use up a token's calls, nor the other way round.
      expect(
        (await fetch(`${server.base}/processing-types`, { headers: from('10.0.1.5', bearer('tsb_guess')) }))
          .status,
      ).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('counts a token’s calls refused for its role (403) against its own limit: past it, 429 like any other call', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 3, trustProxy: true } });
    try {
      const viewer = await server.token('viewer');
      // Cleanup needs admin: a viewer's token is refused, and each refusal counts.
      const cleanup = () =>
        fetch(`${server.base}/00000000-0000-4000-8000-000000000000/cleanup`, {
          method: 'DELETE',
          headers: from('10.0.4.1', bearer(viewer)),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await cleanup()).status);
      expect(statuses).toEqual([403, 403, 403, 429]);
      const limited = await cleanup();
      expect(limited.headers.get('retry-after')).not.toBeNull();
      expect(await limited.json()).toMatchObject({
        statusCode: 429,
        message: expect.stringMatching(/this token.*retry in \d+ s/),
      });
      // The same token's allowed calls share that count: it is used up.
      expect(
        (await fetch(`${server.base}/processing-types`, { headers: from('10.0.4.2', bearer(viewer)) }))
          .status,
      ).toBe(429);
    } finally {
      await server.stop();
    }
  });

  it('with --no-auth counts the calls per client address', async () => {
    const server = await startTestServer({
      settings: { auth: false, rateLimitPerMinute: 2, trustProxy: true },
    });
    try {
      const call = (address: string) => fetch(`${server.base}/processing-types`, { headers: from(address) });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await call('10.0.2.1')).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await call('10.0.2.1');
      expect(await limited.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many calls from this address (2 a minute): retry in ${limited.headers.get('retry-after')} s`,
      });
      expect((await call('10.0.2.2')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('documents the 429 on every route it can answer, in the OpenAPI document a client generator reads', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 30 } });
    try {
      const openapi = (await (await fetch(`${server.running.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
      };
      const operations = Object.values(openapi.paths).flatMap((methods) => Object.values(methods));
      expect(operations.length).toBeGreaterThan(5);
      for (const operation of operations) expect(Object.keys(operation.responses)).toContain('429');
      expect(operations[0]!.responses['429']!.description).toMatch(/Retry-After/);
    } finally {
      await server.stop();
    }
  });
});
