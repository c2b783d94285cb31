import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { errorBody } from './api-error.js';

/** Node's limit on a request's head (`--max-http-header-size`): the request line, its URL included, and the headers. */
const HEAD_LIMIT_KB = 16;

/**
 * Fastify's clientErrorHandler: a request Node's parser refuses before any route sees it. Fastify's own answer
 * has the API's shape but says only "Exceeded maximum allowed HTTP header size" or "Client Error"; a client
 * that built a very long query string (a list of ids in the URL) needs to know it is the URL, and the limit.
 */
export function answerClientError(
  error: Error & { code?: string },
  socket: Socket,
  log: FastifyBaseLogger | null = null,
): void {
  // A connection reset: nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          `the request's URL and headers together are over ${HEAD_LIMIT_KB} KB: shorten the URL (its query string) or the headers`,
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, "the request's headers did not arrive in time: send the whole request at once"]
        : [
            400,
            `the request is not valid HTTP (${error.code ?? error.message}): check the client's request line and headers`,
          ];
  // No request was made of it (no route, no hooks): the one line saying why the client was refused is written here.
  log?.info(
    { statusCode: status, code: error.code ?? null, client: socket.remoteAddress ?? null, message },
    'request refused',
  );
  if (socket.writable) {
    const body = JSON.stringify(errorBody(status, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
