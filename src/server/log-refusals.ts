import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * One log line for every answer in the 400s, with what the client was told: Fastify's own "request completed"
 * line has only the status, and IT asked why a client was refused (a token expired, a role too low, a file
 * refused, a rate limit) has to reproduce the call to know. The line is written like every other, redacted as
 * a whole unless --no-redact (a message or a URL may carry a filename, and so a patient's name). Successes are
 * not repeated: Fastify's lines already say enough of them.
 */
export function logRefusals(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if (status >= 400 && status < 500) {
      request.log.info({ ...refusalFields(request, status), ...toldTheClient(payload) }, 'request refused');
    }
    return payload;
  });
}

/** Who asked for what: the route as declared (null when the path is none of the API's), the URL, the token's name. */
function refusalFields(request: FastifyRequest, statusCode: number) {
  return {
    statusCode,
    method: request.method,
    route: request.routeOptions.url ?? null,
    url: request.url,
    client: request.ip,
    ...(request.actor ? { token: request.actor.name } : {}),
  };
}

/** The error body's `error` and `message` (every error of the API is JSON: see api-error.ts). */
function toldTheClient(payload: unknown): { error?: string; message?: string } {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return {};
  try {
    const body = JSON.parse(payload.toString()) as { error?: unknown; message?: unknown };
    return {
      ...(typeof body.error === 'string' ? { error: body.error } : {}),
      ...(typeof body.message === 'string' ? { message: body.message } : {}),
    };
  } catch {
    return {};
  }
}
