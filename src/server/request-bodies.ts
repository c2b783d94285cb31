import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeJsonError } from '../config/describe-json-error.js';
import { ApiError } from './api-error.js';

/**
 * How the API reads request bodies other than the upload's multipart form (its route refuses any other type
 * itself, before reading).
 *
 * A call that takes no body (`process`, `cleanup`) is answered whatever Content-Type its empty body claims:
 * HTTP clients set `Content-Type: application/json` on every call, and `curl -d ''` or a form library sends
 * `application/x-www-form-urlencoded`; Fastify refused both (400 "Body cannot be empty", 415). A body sent to
 * one of them is not read for meaning either.
 *
 * A call that takes a JSON body and gets another type (a form: `curl -d` without `-H 'Content-Type:
 * application/json'`; text/plain: a browser's `fetch` of a string without headers; no Content-Type at all)
 * is 415 saying what came and how to send it, where Fastify said only "Unsupported Media Type" — or, for
 * text/plain, parsed the JSON as one string and called it "not a JSON object".
 *
 * A JSON body that does not parse is 400 saying where and what (Fastify's said only "Body is not valid JSON").
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0 || !takesBody(request)) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, (error, parsed) => done(error ? unparsable(body as string) : null, parsed));
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (body.length === 0 || !takesBody(request)) {
      done(null, undefined);
      return;
    }
    done(notJson(request), undefined);
  });
}

function takesBody(request: FastifyRequest): boolean {
  return Boolean(request.routeOptions.schema?.body);
}

function notJson(request: FastifyRequest): ApiError {
  const mediaType = request.headers['content-type']?.split(';')[0]!.trim().toLowerCase();
  const got = mediaType ? `it came as ${mediaType}` : 'it came without a Content-Type';
  return new ApiError(
    415,
    `send the body as a JSON object with Content-Type: application/json (${got}), as ` +
      `curl -H 'Content-Type: application/json' -d '{…}' or fetch with headers: {'Content-Type': 'application/json'} do`,
  );
}

/** Fastify's parser keeps JSON.parse's reason to itself; the client needs it to find its mistake. */
function unparsable(body: string): ApiError {
  try {
    JSON.parse(body);
  } catch (error) {
    return new ApiError(400, `the body does not parse as JSON${describeJsonError(body, (error as Error).message)}`);
  }
  // It parses: Fastify refused a `__proto__` or `constructor.prototype` key (prototype poisoning).
  return new ApiError(400, 'the JSON body has a __proto__ or constructor.prototype key, which no field of the API is: leave it out');
}
