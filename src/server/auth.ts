import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '../app/api-tokens.js';
import type { ApiRole } from '../db/schema.js';
import { errorBody } from './api-error.js';

/** Who made a call: a token's name and role (`anonymous`, admin, under --no-auth). */
export interface Actor {
  name: string;
  role: ApiRole;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role the route needs; `public` needs no token. Routes that say nothing need admin. */
    role?: ApiRole | 'public';
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const RANK: Record<ApiRole, number> = { viewer: 0, uploader: 1, admin: 2 };

/** Counts the calls refused for want of a valid token (401), per client address. */
export interface FailedAuthLimit {
  /** Past the limit: the limit and the seconds until the address may try again; otherwise null. Counts nothing. */
  exceeded(request: FastifyRequest): Promise<{ limit: number; retryAfterSeconds: number } | null>;
  /** Counts one refused call of the request's address. */
  count(request: FastifyRequest): Promise<void>;
  /**
   * Counts a call refused with 403 against its token's own limit, as if it had been answered (the request's
   * actor is set): a valid token is not a licence for calls without end. Past the limit: as `exceeded`.
   */
  countForbidden(request: FastifyRequest): Promise<{ limit: number; retryAfterSeconds: number } | null>;
}

/**
 * Bearer-token access control, before anything of the request is read: 401 without a valid token (unknown,
 * revoked or expired), 403 with one whose role is below the route's. Routes name their role in
 * `config.role`; one that does not needs admin, so that a route added without thought is closed, not open.
 * `verifier` null is --no-auth (loopback only): every call acts as `anonymous`. With `failedAuth`, an address
 * past its limit of 401s gets 429 before its token is looked up — a valid one too: answering that one would
 * tell a client guessing tokens that it hit one.
 */
export function registerAuth(
  app: FastifyInstance,
  options: { verifier: TokenVerifier | null; publicPrefixes: string[]; failedAuth: FailedAuthLimit | null },
) {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    // CORS preflights carry no credentials; unknown routes answer 404.
    if (request.method === 'OPTIONS' || url === undefined) return;
    const needed = request.routeOptions.config.role ?? 'admin';
    if (needed === 'public' || options.publicPrefixes.some((prefix) => url.startsWith(prefix))) return;
    if (!options.verifier) {
      request.actor = { name: 'anonymous', role: 'admin' };
      return;
    }
    const exceeded = await options.failedAuth?.exceeded(request);
    if (exceeded) return tooManyFailures(reply, exceeded);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      await options.failedAuth?.count(request);
      return refuse(
        reply,
        401,
        'this call needs a token: send it as `Authorization: Bearer <token>`',
        'invalid_request',
      );
    }
    const check = await options.verifier.verify(match[1]!);
    if (!check.ok) {
      await options.failedAuth?.count(request);
      const why = {
        unknown: 'the token is not known',
        revoked: 'the token was revoked',
        expired: 'the token has expired',
      };
      return refuse(
        reply,
        401,
        `${why[check.reason]}: ask an administrator for a valid one`,
        'invalid_token',
      );
    }
    request.actor = { name: check.name, role: check.role };
    if (RANK[check.role] < RANK[needed]) {
      const over = await options.failedAuth?.countForbidden(request);
      if (over) return tooManyCalls(reply, over);
      return refuse(
        reply,
        403,
        `the token '${check.name}' has the role ${check.role}; this call needs ${needed}: call it with a token of ` +
          `that role, which an administrator creates with \`tecsalud-batch tokens create --name NAME --role ${needed}\``,
      );
    }
  });
}

function refuse(reply: FastifyReply, status: 401 | 403, message: string, bearerError?: string) {
  if (status === 401) {
    reply.header(
      'www-authenticate',
      `Bearer realm="tecsalud-batch"${bearerError ? `, error="${bearerError}"` : ''}`,
    );
  }
  return reply.code(status).send(errorBody(status, message));
}

/** The same headers as the rate limit's own 429. */
function tooManyFailures(reply: FastifyReply, limit: { limit: number; retryAfterSeconds: number }) {
  return tooMany(
    reply,
    limit,
    `too many calls without a valid token from this address (${limit.limit} a minute)`,
  );
}

function tooManyCalls(reply: FastifyReply, limit: { limit: number; retryAfterSeconds: number }) {
  return tooMany(reply, limit, `too many calls with this token (${limit.limit} a minute)`);
}

function tooMany(
  reply: FastifyReply,
  { limit, retryAfterSeconds }: { limit: number; retryAfterSeconds: number },
  what: string,
) {
  reply.header('retry-after', retryAfterSeconds);
  reply.header('x-ratelimit-limit', limit);
  reply.header('x-ratelimit-remaining', 0);
  reply.header('x-ratelimit-reset', retryAfterSeconds);
  return reply.code(429).send(errorBody(429, `${what}: retry in ${retryAfterSeconds} s`));
}

/** The actor of an authenticated route (set by the hook above). */
export function actorOf(request: FastifyRequest): Actor {
  return request.actor ?? { name: 'anonymous', role: 'viewer' };
}
