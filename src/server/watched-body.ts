import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

export interface WatchedBodyOptions {
  /** No byte for this long: the client stalled (408). */
  idleMs: number;
  /** The server stopping: a body still arriving is given up (503) instead of holding the stop. */
  stopping: AbortSignal;
}

/**
 * A preParsing hook for the bodies Fastify reads whole (JSON, and whatever else a client sends to a JSON call):
 * one that stops arriving without the client closing is answered 408, and one still arriving when the server
 * stops 503, each on a connection then closed. Without it such a request held its connection for ever, and a
 * SIGTERM waited on it without end (the server has no overall request time-out: `process` may rightly take
 * long). Uploads watch their own body (the multipart route), so multipart bodies pass untouched.
 */
export function watchBodies(options: WatchedBodyOptions) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: Readable): Promise<Readable> => {
    const type = request.headers['content-type'] ?? '';
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 ||
      request.headers['transfer-encoding'] !== undefined;
    if (!hasBody || /^multipart\//i.test(type)) return payload;
    const watched = new PassThrough();
    const giveUp = (error: ApiError) => {
      // The rest of the body will never be read: the connection must not carry another request.
      reply.header('connection', 'close');
      done();
      payload.unpipe(watched);
      watched.destroy(error);
    };
    const timer = setTimeout(function check() {
      // Paused: the server is the one not reading, not the client stalling.
      if (watched.readableFlowing === false) timer.refresh();
      else
        giveUp(
          new ApiError(
            408,
            `no data arrived for ${options.idleMs / 1000} s: the request was given up before its body was whole; send it again`,
          ),
        );
    }, options.idleMs);
    const onStop = () =>
      giveUp(
        new ApiError(
          503,
          'the server is stopping: the request was given up before its body was whole; send it again',
        ),
      );
    const heard = () => timer.refresh();
    function done() {
      clearTimeout(timer);
      reply.raw.off('close', done);
      options.stopping.removeEventListener('abort', onStop);
      payload.off('data', heard);
    }
    payload.pipe(watched);
    options.stopping.addEventListener('abort', onStop, { once: true });
    payload.on('data', heard);
    payload.once('end', done);
    payload.once('error', (error) => {
      done();
      watched.destroy(error);
    });
    // Answered before the body was read whole (a body over the limit, say): nothing left to watch.
    reply.raw.once('close', done);
    return watched;
  };
}
