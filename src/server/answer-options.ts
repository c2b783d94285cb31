import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteMethods } from './route-methods.js';

/**
 * An onRequest hook, before the CORS plugin: an OPTIONS that is no browser's preflight (no Origin, or no
 * Access-Control-Request-Method: curl, a monitoring probe, a client asking what a path takes) is answered as
 * HTTP answers OPTIONS: 204 with the path's methods in Allow, or the API's 404 for a path it does not have.
 * No CORS headers: nothing was asked of CORS. It was a 400 "a CORS preflight needs…", which read as a fault.
 */
export function answerPlainOptions(routeMethods: RouteMethods) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'OPTIONS') return;
    if (request.headers.origin && request.headers['access-control-request-method']) return;
    const allowed = routeMethods.allowed(request.url.split('?')[0]!);
    if (allowed.length === 0) return reply.callNotFound();
    return reply.code(204).header('allow', allowed.join(', ')).send();
  };
}
