import { watchBodies, type WatchedBodyOptions } from './watched-body.js';
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
 * One that is not UTF-8 (a Windows client writing Latin-1, a body in UTF-16) is 400 too: decoded anyway, a
 * `uploaded_by` of "Dra. Núñez" was kept as "Dra. N��ez" in the session and the audit log.
 */
export function registerBodyParsers(app: FastifyInstance, watch: WatchedBodyOptions): void {
  const watchBody = watchBodies(watch);
  app.addHook('preParsing', async (request, reply, payload) => {
    refuseContentEncoding(request);
    return watchBody(request, reply, payload);
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    if (raw.length === 0 || !takesBody(request)) {
      done(null, undefined);
      return;
    }
    const body = decodeUtf8(raw as Buffer);
    if (body === null) {
      done(notUtf8(raw as Buffer, request), undefined);
      return;
    }
    parseJson(request, body, (error, parsed) => done(error ? unparsable(body) : null, parsed));
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (body.length === 0 || !takesBody(request)) {
      done(null, undefined);
      return;
    }
    done(notJson(request), undefined);
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body's text, its byte-order mark dropped (RFC 8259 lets a parser ignore one); null when it is not UTF-8. */
function decodeUtf8(raw: Buffer): string | null {
  try {
    return UTF8.decode(raw);
  } catch {
    return null;
  }
}

/** JSON between systems is UTF-8 (RFC 8259 §8.1): what came instead, and where, so the client finds its encoder. */
function notUtf8(raw: Buffer, request: FastifyRequest): ApiError {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  const declared = charset && !/^utf-?8$/i.test(charset) ? ` (it declares charset=${charset})` : '';
  const utf16 =
    (raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff) || raw.includes(0);
  const what = utf16
    ? 'it looks like UTF-16'
    : `its byte ${firstInvalidByte(raw)} breaks UTF-8; it looks like Latin-1 or Windows-1252 (ñ and accents as a Windows program writes them)`;
  return new ApiError(
    400,
    `the JSON body is not UTF-8${declared}: ${what}. Send the JSON encoded in UTF-8, as JSON always is`,
  );
}

/** The 1-based offset of the first byte that breaks UTF-8 (by its lead byte and continuation bytes). */
function firstInvalidByte(raw: Buffer): number {
  let i = 0;
  while (i < raw.length) {
    const lead = raw[i]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0) return i + 1;
    for (let k = 1; k < length; k++) {
      const next = raw[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i + 1;
    }
    i += length;
  }
  return raw.length;
}

/**
 * The API reads bodies as sent: a compressed one (`Content-Encoding: gzip`, as some HTTP libraries send on
 * request) was read as its compressed bytes — "not UTF-8", "not a whole multipart form" — or, with a coding
 * named on a plain body, taken. 415 (RFC 9110 §15.5.16) says so before the body is read.
 */
function refuseContentEncoding(request: FastifyRequest): void {
  const coding = request.headers['content-encoding']?.trim().toLowerCase();
  if (!coding || coding === 'identity') return;
  const schema = request.routeOptions.schema as { body?: unknown; consumes?: unknown } | undefined;
  if (!schema?.body && !schema?.consumes) return;
  throw new ApiError(
    415,
    `the API takes request bodies uncompressed, not with Content-Encoding: ${coding}: send it without compression ` +
      '(and without that header)',
  );
}

/** Fastify's own 413 for a JSON body over its limit said only "Request body is too large". */
export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    `the body is over ${Math.round(limitBytes / 1024 / 1024)} MB, the most a JSON call takes (its fields are short): ` +
      'PDFs are sent to POST …/{session_id}/upload as multipart/form-data',
  );
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
    return new ApiError(
      400,
      `the body does not parse as JSON${describeJsonError(body, (error as Error).message)}`,
    );
  }
  // It parses: Fastify refused a `__proto__` or `constructor.prototype` key (prototype poisoning).
  return new ApiError(
    400,
    'the JSON body has a __proto__ or constructor.prototype key, which no field of the API is: leave it out',
  );
}
