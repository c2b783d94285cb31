import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { withoutLocations } from '../core/text/without-locations.js';
import swaggerUi from '@fastify/swagger-ui';
import { setMaxListeners } from 'node:events';
import { createRequire } from 'node:module';
import type { TokenVerifier } from '../app/api-tokens.js';
import type { ProcessSessionResult } from '../app/process-session.js';
import type { PipelineListener } from '../core/pipeline/events.js';
import { sessionsLeftProcessing } from '../app/upload-sessions.js';
import { expireIdleSessions as expireIdleSessionsOf, type ExpiredSession } from '../app/expire-sessions.js';
import { databaseUnavailable } from '../app/serve-database-errors.js';
import { ServiceUnavailableError, UserError } from '../errors.js';
import { ApiError, errorBody } from './api-error.js';
import { registerAuth, type FailedAuthLimit } from './auth.js';
import { refuseNonTextFields } from './json-text-fields.js';
import { bodyTooLarge, registerBodyParsers } from './request-bodies.js';
import { refuseDisallowedPreflight } from './refuse-preflight.js';
import { answerPlainOptions } from './answer-options.js';
import { lowerCaseIds } from './lower-case-ids.js';
import { logRefusals } from './log-refusals.js';
import { operatorHint } from '../core/text/operator-hint.js';
import { validationMessage, type ValidationIssue } from './validation-message.js';
import { RouteMethods } from './route-methods.js';
import { eventsRoute } from './routes/events-route.js';
import { metaRoutes } from './routes/meta-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { uploadRoute } from './routes/upload-route.js';
import { clientAddressKey } from './client-address-key.js';
import { answerClientError } from './client-errors.js';
import { errors, rateLimitedSchema, uploadBodyForDocs } from './schemas.js';
import { API_PREFIX, type ServerDeps } from './server-deps.js';
import { requestsBeforeStop } from './requests-before-stop.js';
import { SessionRuns } from './session-runs.js';
import { goneBody, missingSession } from './missing-session.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** The query string of an API route that takes no parameter. */
const NO_QUERY_PARAMETERS = { type: 'object', additionalProperties: false, properties: {} } as const;
export const DOCS_PREFIX = '/api/v1/docs';
/**
 * The docs page may load from this server only. Not the package's default (`staticCSP: true`): its
 * `upgrade-insecure-requests` made a browser fetch the page's scripts over https from a server that speaks plain
 * HTTP (IT trying `--host 0.0.0.0` on the LAN before the TLS proxy), a blank page; and it let fonts, styles
 * and images come from any https host and validator.swagger.io, which a hospital network without Internet
 * access cannot reach.
 */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; " +
  "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; form-action 'self'";

export interface BuildServerOptions extends Omit<ServerDeps, 'runs' | 'stopping'> {
  /** Checks bearer tokens; null is --no-auth (the command allows it on loopback addresses only). */
  verifier: TokenVerifier | null;
  /** Origins a browser may call the API from (CORS); empty: none. */
  corsOrigins: string[];
  /** Requests a minute per token (per address without one); 0: no limit. */
  rateLimitPerMinute: number;
  /** Behind a reverse proxy: whose X-Forwarded-For to believe (Fastify's trustProxy). */
  trustProxy: boolean | string[];
  /** A pino logger for requests and runs; false: none. */
  logger: FastifyBaseLogger | false;
  /** Logs one session's processing (its files' outcomes); absent: only its failure is logged. */
  sessionLog?: (sessionId: string) => PipelineListener;
}

export interface ApiServer {
  app: FastifyInstance;
  runs: SessionRuns;
  /** Resumes the sessions a stopped server left processing; returns their ids (their runs go on in the background). */
  resumeLeftSessions(): Promise<string[]>;
  /** Discards the sessions nobody processed nor uploaded into for the session expiry (see expireIdleSessions). */
  expireIdleSessions(): Promise<ExpiredSession[]>;
  /** Expires idle sessions every `intervalMs` until the server closes. */
  keepExpiringSessions(intervalMs: number): void;
  /**
   * Stops gracefully: no new requests (503), runs stop taking files and finish the ones in flight (their
   * sessions stay `processing`, for the next start), waiting callers are answered, event streams end.
   */
  close(): Promise<void>;
}

/** The HTTP API over the app layer: its plugins, its access control and its routes (see routes/). */
/** What a 503 for a backend that is down tells a client to wait before calling again. */
const BACKEND_RETRY_AFTER_SECONDS = 30;
/** What a 503 while the server stops tells a client to wait: a restart (or a proxy's other server) is quicker. */
const STOPPING_RETRY_AFTER_SECONDS = 10;

export async function buildServer(options: BuildServerOptions): Promise<ApiServer> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: options.trustProxy,
    // Uploads and waited-for processing can take minutes: no overall request time-out (a proxy sets its own).
    requestTimeout: 0,
    // Fastify's own 503 while closing says only "Service Unavailable": the hook below says why and when to retry.
    return503OnClosing: false,
    // A broken %-escape or an overlong path part is refused by the router before any route: in the API's error body.
    frameworkErrors: answerUnroutablePath,
    // A request Node's parser refuses (a URL and headers over 16 KB, say): in the API's error body, saying which limit.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, options.logger || null),
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
        verbose: true,
      },
    },
  });
  const shutdown = new AbortController();
  // Every upload being received listens for the stop: as many listeners as concurrent uploads is no leak.
  setMaxListeners(0, shutdown.signal);
  const runs = new SessionRuns(options.processing, shutdown.signal, app.log, options.sessionLog);
  const deps: ServerDeps = { ...options, runs, stopping: shutdown.signal };
  const streams = new Set<() => void>();
  const inFlight = requestsBeforeStop(app.server, shutdown.signal);

  // First of all hooks, before the token is checked: a request that arrives while the server stops (on a
  // connection kept alive, or one accepted just before) is told so, and when to try again, not served halfway.
  app.addHook('onRequest', async (_request, reply) => {
    if (!shutdown.signal.aborted) return;
    reply.header('retry-after', STOPPING_RETRY_AFTER_SECONDS).header('connection', 'close');
    return reply
      .code(503)
      .send(errorBody(503, `the server is stopping: try again in ${STOPPING_RETRY_AFTER_SECONDS} seconds`));
  });

  app.setErrorHandler((caught: FastifyError | ApiError | UserError, request, reply) => {
    const error = databaseUnavailable(caught, options.database) ?? caught;
    if (error instanceof ApiError) {
      // An upload cut off or a waited-for run interrupted by the stop: when to try again, as for a call arriving then.
      if (error.statusCode === 503 && shutdown.signal.aborted)
        reply.header('retry-after', STOPPING_RETRY_AFTER_SECONDS);
      return reply.code(error.statusCode).send(errorBody(error.statusCode, error.message, error.details));
    }
    if ('validation' in error && error.validation) {
      return reply
        .code(400)
        .send(
          errorBody(400, validationMessage(error.validation as ValidationIssue[], error.validationContext)),
        );
    }
    if (error instanceof UserError) {
      // A backend is down (69, or a database another program keeps locked: 75, yet as passing as a restart);
      // otherwise 75: another process holds the session's lock.
      const status = error instanceof ServiceUnavailableError ? 503 : error.exitCode === 75 ? 409 : 400;
      if (status === 503) {
        // The operator needs to know a backend is down even when no client reports it; the log has the hint,
        // which speaks to whoever runs the server (what to check), not to a client.
        request.log.warn({ err: error, hint: operatorHint(error.hint) }, 'a backend is unavailable');
        reply.header('retry-after', BACKEND_RETRY_AFTER_SECONDS);
        // Where the backend lives (the database's file, a server's address) is for the operator's log only.
        return reply
          .code(503)
          .send(
            errorBody(
              503,
              `${withoutLocations(error.message)}; the request can be retried in ${BACKEND_RETRY_AFTER_SECONDS} s (Retry-After)`,
            ),
          );
      }
      return reply
        .code(status)
        .send(errorBody(status, error.hint ? `${error.message} (${error.hint})` : error.message));
    }
    if ((error as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const tooLarge = bodyTooLarge(app.initialConfig.bodyLimit ?? 1024 * 1024);
      return reply.code(413).send(errorBody(413, tooLarge.message));
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send(errorBody(status, error.message));
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody(500, 'internal error: the server’s log has the details'));
  });
  const routeMethods = new RouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.url, route.method));
  // Before authentication, as Fastify's "not found" is: a path's methods are no secret (the OpenAPI document is public).
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = routeMethods.allowed(path);
    // A route that takes this method yet found nothing (a docs asset the package does not have) is a 404 too,
    // not "GET is not a method of this path: it takes GET".
    if (allowed.length === 0 || allowed.includes(request.method))
      return reply
        .code(404)
        .send(
          errorBody(404, `no route ${request.method} ${path}: the API's routes are listed at ${DOCS_PREFIX}`),
        );
    reply.header('allow', allowed.join(', '));
    return reply
      .code(405)
      .send(errorBody(405, `${request.method} is not a method of ${path}: it takes ${allowed.join(', ')}`));
  });

  app.addHook('onRequest', answerPlainOptions(routeMethods));
  app.addHook('onRequest', refuseDisallowedPreflight(options.corsOrigins));
  await app.register(cors, {
    origin: options.corsOrigins.length > 0 ? options.corsOrigins : false,
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
    maxAge: 600,
  });
  // Before any route is added.
  logRefusals(app);
  let failedAuth: FailedAuthLimit | null = null;
  if (options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimitPerMinute,
      timeWindow: '1 minute',
      // After authentication: a token's calls count together, from whatever address; others (--no-auth, the docs) by address.
      hook: 'preHandler',
      keyGenerator: (request) =>
        options.verifier && request.actor
          ? `token:${request.actor.name}`
          : `ip:${clientAddressKey(request.ip)}`,
      // The plugin's own "Rate limit exceeded, retry in 59 seconds" names no limit nor whose calls were counted;
      // the 429s of the calls refused before it (auth.ts) say both, and so does this one. Its headers stay.
      errorResponseBuilder: (request, context) => {
        const whose = options.verifier && request.actor ? 'with this token' : 'from this address';
        return new ApiError(
          429,
          `too many calls ${whose} (${context.max} a minute): retry in ${Math.ceil(context.ttl / 1000)} s`,
        );
      },
    });
    // Calls refused before that hook (401) count too, per address and as many a minute: else tokens could be tried without end.
    const limiter = app.createRateLimit({
      keyGenerator: (request) => `auth-failed:${clientAddressKey(request.ip)}`,
    });
    // The global limit itself (same store, same key: the token's), for calls refused with 403.
    const tokenLimiter = app.createRateLimit();
    failedAuth = {
      async countForbidden(request) {
        const state = await tokenLimiter(request);
        return !state.isAllowed && state.isExceeded
          ? { limit: state.max, retryAfterSeconds: state.ttlInSeconds }
          : null;
      },
      async exceeded(request) {
        const state = await limiter(request, { increment: false });
        return state.isAllowed || state.remaining > 0
          ? null
          : { limit: state.max, retryAfterSeconds: state.ttlInSeconds };
      },
      async count(request) {
        await limiter(request);
      },
    };
  }
  registerAuth(app, { verifier: options.verifier, publicPrefixes: [DOCS_PREFIX, OPENAPI_PATH], failedAuth });
  // A file over the size limit fails alone (413 in the upload's failed_files); the rest of the request goes on.
  await app.register(multipart, { throwFileSizeLimit: false });
  registerBodyParsers(app, { idleMs: options.limits.uploadIdleTimeoutMs, stopping: shutdown.signal });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tecsalud-batch HTTP API',
        version,
        description:
          'The hospital batch service’s API over the tecsalud-batch pipeline. Send a token as ' +
          '`Authorization: Bearer <token>` (`tecsalud-batch tokens create`). Roles: viewer reads; uploader also ' +
          'creates sessions, uploads and processes; admin also decides reviews and cleans up.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url }) => {
      const documented = url.endsWith('/upload') ? { ...schema, body: uploadBodyForDocs } : schema;
      // Every route answers 429 past the rate limit (or an address's limit of calls without a valid token),
      // and 503 while the server stops or its database is down (README, *Stops and restarts*).
      const response = (documented as { response?: Record<string, unknown> }).response;
      if (!response) return { schema: documented, url };
      const always = {
        ...(options.rateLimitPerMinute > 0 && !('429' in response) ? { 429: rateLimitedSchema } : {}),
        ...('503' in response ? {} : errors(503)),
      };
      return { schema: { ...documented, response: { ...response, ...always } }, url };
    },
  });
  // The docs page's assets come from the package, served by this server: no CDN.
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { url: OPENAPI_PATH },
    staticCSP: DOCS_CSP,
  });
  app.get(OPENAPI_PATH, { config: { role: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.addHook('preValidation', lowerCaseIds);
  app.addHook('preValidation', refuseNonTextFields);
  await app.register(
    async (api) => {
      // A query parameter a route does not take is a 400 on every route, as `process`'s own are: a client's
      // misspelt or misplaced one (`?wiat=1`, `?session=…` on the status) must not be silently ignored.
      api.addHook('onRoute', (route) => {
        route.schema = { querystring: NO_QUERY_PARAMETERS, ...route.schema };
      });
      sessionRoutes(api, deps);
      uploadRoute(api, deps);
      eventsRoute(api, deps, streams);
      metaRoutes(api, deps);
    },
    { prefix: API_PREFIX },
  );
  // Answers given while stopping close their connection: a kept-alive one would hold the stop until it times out.
  app.addHook('onSend', async (_request, reply) => {
    if (shutdown.signal.aborted) reply.header('connection', 'close');
  });
  app.addHook('preClose', async () => {
    shutdown.abort();
    for (const end of [...streams]) end();
  });

  let expiryTimer: NodeJS.Timeout | null = null;
  const expireIdleSessions = async (): Promise<ExpiredSession[]> => {
    if (shutdown.signal.aborted) return [];
    const expired = await expireIdleSessionsOf(options.database, options.store, {
      expiryMs: options.limits.sessionExpiryMs,
      now: options.now(),
      isIdle: (sessionId) => !runs.isRunning(sessionId),
    });
    for (const session of expired) {
      runs.announceGone(
        session.sessionId,
        goneBody(await missingSession(options.database, session.sessionId)),
      );
      app.log.info(
        {
          session_id: session.sessionId,
          last_active_at: session.lastActiveAt,
          discarded_files: session.discardedFiles,
        },
        'discarded a session nobody processed within the session expiry, with its uploads',
      );
    }
    return expired;
  };

  return {
    app,
    runs,
    async resumeLeftSessions() {
      const left = await sessionsLeftProcessing(options.database, options.store);
      for (const session of left) {
        app.log.info({ session_id: session.id }, 'resuming a session a stopped server left processing');
        runs.start(session.id).catch(() => undefined);
      }
      return left.map((session) => session.id);
    },
    expireIdleSessions,
    keepExpiringSessions(intervalMs) {
      if (options.limits.sessionExpiryMs <= 0) return;
      let sweeping: Promise<unknown> = Promise.resolve();
      expiryTimer = setInterval(() => {
        // One sweep at a time: a slow database does not pile them up.
        sweeping = sweeping.then(() =>
          expireIdleSessions().catch((error: unknown) =>
            app.log.error({ err: error }, 'expiring idle sessions failed; tried again later'),
          ),
        );
      }, intervalMs);
      // The sweep alone never keeps the process alive (the server's socket does while it listens).
      expiryTimer.unref();
    },
    async close() {
      if (expiryTimer) clearInterval(expiryTimer);
      shutdown.abort();
      // Still listening while what the stop lets finish does — the requests already received (a waited-for process
      // call, which may also start a run), then the runs' files in flight: a client connecting meanwhile is answered
      // 503 with Retry-After (the first hook) instead of finding the port closed (ECONNREFUSED).
      await inFlight.answered();
      await runs.drain();
      await app.close();
      await runs.drain();
    },
  };
}

/** Fastify's own answer has another shape (a `code`, a 414 status saying 400) and repeats the whole path. */
function answerUnroutablePath(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const path = shortened(request.url.split('?')[0]!);
  if (error.code === 'FST_ERR_BAD_URL') {
    return reply
      .code(400)
      .send(
        errorBody(
          400,
          `the path ${path} has a broken %-escape (% must be followed by two hexadecimal digits; write a % itself as %25)`,
        ),
      );
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply
      .code(400)
      .send(
        errorBody(
          400,
          `a part of the path ${path} is over ${MAX_PATH_PART} characters, longer than any id the API gives: check the URL`,
        ),
      );
  }
  return reply.code(400).send(errorBody(400, `the request for ${path} cannot be routed: ${error.message}`));
}

/** Fastify's default maxParamLength. */
const MAX_PATH_PART = 100;

function shortened(path: string): string {
  return path.length > 120 ? `${path.slice(0, 100)}…` : path;
}

export type { ProcessSessionResult };
