import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './api-error.js';

/**
 * An onRequest hook, before the CORS plugin: a browser's preflight from an origin the server does not allow
 * is refused 403 saying that this origin is not allowed and which setting allows one. The browser blocks the
 * call either way; what this changes is what IT sees when they reproduce it with curl: the CORS plugin answered
 * 204 without the allow header (looks fine, yet the browser refuses), and with no origin allowed at all the
 * preflight fell through to "OPTIONS is not a method of this path" — a wrong lead, when the fix is one setting.
 * The origins that are allowed go to the operator's log only: in the answer, they told any web page which
 * origin to pretend to be.
 */
export function refuseDisallowedPreflight(allowedOrigins: readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method']) return;
    if (allowedOrigins.includes(origin)) return;
    request.log.info(
      { event: 'cors_origin_refused', origin, allowed_origins: allowedOrigins },
      'a browser preflight came from an origin that is not allowed (serve --cors-origin allows one)',
    );
    // A page opened from a file, or in a sandboxed frame: "null" is no origin a setting can name.
    const message =
      origin === 'null'
        ? 'browsers may not call this API from a page with no origin (Origin: null: opened from a file, or in a ' +
          "sandboxed frame): serve the page from a web server whose origin the server's administrator allows " +
          'with serve --cors-origin'
        : `browsers may not call this API from ${origin}: the origin is not allowed; the server's administrator ` +
          `allows one with serve --cors-origin ${origin} (or serve.corsOrigins in the config file)`;
    return reply.code(403).send(errorBody(403, message));
  };
}
