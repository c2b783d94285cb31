import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, filesForm, sampleFile, startTestServer, type TestServer } from '../support/api-server.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Requests a client gets wrong in their shape — a method the path does not take, an upload that is not a
 * multipart form, a number where a JSON body wants text — answered with the status that says what is wrong,
 * in the JSON error body every error has.
 */
describe('the API’s answers to a request of the wrong shape', { tags: ['slow'] }, () => {
  let server: TestServer;
  let uploader: string;
  const SESSION = '3f2a9c1e-0000-4000-8000-000000000000';
  beforeAll(async () => {
    server = await startTestServer();
    uploader = await server.token('uploader');
  });
  afterAll(async () => server?.stop());

  const call = (method: string, route: string, headers: Record<string, string> = bearer(uploader)) =>
    fetch(`${server.base}${route}`, { method, headers });

  it('answers 405 with Allow to a method a known path does not take, and 404 to a path it does not have', async () => {
    for (const [method, route, allow] of [
      ['DELETE', '/create-session', 'OPTIONS, POST'],
      ['GET', '/create-session', 'OPTIONS, POST'],
      ['POST', '/processing-types', 'GET, HEAD, OPTIONS'],
      ['DELETE', `/${SESSION}/status`, 'GET, HEAD, OPTIONS'],
      ['GET', `/${SESSION}/cleanup`, 'DELETE, OPTIONS'],
      ['GET', `/${SESSION}/upload`, 'OPTIONS, POST'],
      ['GET', `/${SESSION}/review/some-file/decision`, 'OPTIONS, POST'],
    ] as const) {
      const answer = await call(method, route);
      expect([method, route, answer.status], await answer.clone().text()).toEqual([method, route, 405]);
      expect(answer.headers.get('allow')).toBe(allow);
      expect(await answer.json()).toEqual({
        statusCode: 405,
        error: 'Method Not Allowed',
        message: `${method} is not a method of /api/v1/documents/batch${route}: it takes ${allow}`,
      });
    }
    // Outside the batch API too: the OpenAPI document.
    const openapi = await fetch(`${server.running.url}/api/v1/openapi.json`, { method: 'DELETE' });
    expect(openapi.status).toBe(405);
    expect(openapi.headers.get('allow')).toBe('GET, HEAD, OPTIONS');

    for (const [method, route] of [
      ['GET', '/no-such-route'],
      ['DELETE', `/${SESSION}/no-such-route`],
      ['GET', `/${SESSION}/status/extra`],
    ] as const) {
      const answer = await call(method, route);
      expect([method, route, answer.status]).toEqual([method, route, 404]);
      expect(answer.headers.get('allow')).toBeNull();
      expect(await answer.json()).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: `no route ${method} /api/v1/documents/batch${route}: the API's routes are listed at /api/v1/docs`,
      });
    }
  });

  it('answers a wrong method 405 before asking for a token, as an unknown path is 404 before it', async () => {
    const none = await call('DELETE', '/create-session', {});
    expect(none.status).toBe(405);
    expect(none.headers.get('allow')).toBe('OPTIONS, POST');
    expect(none.headers.get('www-authenticate')).toBeNull();
    expect((await call('GET', `/${SESSION}/cleanup`, bearer('tsb_not-a-real-token'))).status).toBe(405);
    // The right method still needs the token.
    expect((await call('POST', '/create-session', {})).status).toBe(401);
  });

  it('answers 415 to an upload that is not multipart/form-data — JSON, a bare PDF, no Content-Type — before reading it', async () => {
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'both', uploaded_by: 'dra. lopez' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };
    const upload = (headers: Record<string, string>, body?: string | Uint8Array) =>
      fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: { ...bearer(uploader), ...headers },
        body,
      });
    for (const [what, headers, body, got] of [
      ['JSON', { 'content-type': 'application/json' }, '{"files":["a.pdf"]}', 'application/json'],
      [
        'JSON that does not parse',
        { 'content-type': 'application/json; charset=utf-8' },
        '{not json',
        'application/json',
      ],
      [
        'a bare PDF',
        { 'content-type': 'application/pdf' },
        new Uint8Array(Buffer.from('%PDF-1.4 …')),
        'application/pdf',
      ],
      ['text', { 'content-type': 'text/plain' }, 'a.pdf', 'text/plain'],
      ['a body without Content-Type', {}, new Uint8Array(Buffer.from('%PDF-1.4 …')), null],
      ['no body at all', {}, undefined, null],
    ] as const) {
      const answer = await upload(headers, body);
      expect([what, answer.status]).toEqual([what, 415]);
      const error = (await answer.json()) as { statusCode: number; error: string; message: string };
      expect(error).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(error.message).toMatch(/^send the PDFs as multipart\/form-data, one `files` part each/);
      expect(error.message).toContain(got === null ? 'no Content-Type' : `not ${got}`);
      expect(error.message).toContain(
        `curl -H 'Authorization: Bearer TOKEN' -F 'files=@FILE.pdf' …/api/v1/documents/batch/${sessionId}/upload`,
      );
    }
    // Without a token, the token is what is asked for first.
    const anonymous = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    const status = (await (
      await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })
    ).json()) as { files: unknown[] };
    expect(status.files).toEqual([]);
  });

  it('answers a call that takes no body (process, cleanup) whatever Content-Type its empty body claims', async () => {
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };
    const name = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
    const uploaded = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name, bytes: sampleFile(name) }]),
    });
    expect(uploaded.status).toBe(200);
    // A client that sets JSON on every call, `curl -d ''` (a form), a form library.
    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'text/plain',
    ]) {
      const processed = await fetch(`${server.base}/${sessionId}/process`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': contentType },
      });
      expect([contentType, processed.status], await processed.clone().text()).toEqual([contentType, 200]);
      expect(await processed.json()).toMatchObject({
        session_id: sessionId,
        status: 'completed',
        processed_files: 1,
      });
    }
    const admin = await server.token('admin');
    const cleaned = await fetch(`${server.base}/${sessionId}/cleanup`, {
      method: 'DELETE',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
    });
    expect(cleaned.status, await cleaned.clone().text()).toBe(200);
  });

  it('answers 415 saying how to send JSON to a JSON call sent a form, text or no Content-Type', async () => {
    const body = JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' });
    for (const [what, headers, got] of [
      [
        "curl -d without -H 'Content-Type: application/json'",
        { 'content-type': 'application/x-www-form-urlencoded' },
        'it came as application/x-www-form-urlencoded',
      ],
      [
        'fetch of a string without headers',
        { 'content-type': 'text/plain;charset=UTF-8' },
        'it came as text/plain',
      ],
      ['no Content-Type', {}, 'it came without a Content-Type'],
    ] as const) {
      const answer = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), ...headers },
        body: what === 'no Content-Type' ? new Uint8Array(Buffer.from(body)) : body,
      });
      expect([what, answer.status]).toEqual([what, 415]);
      const error = (await answer.json()) as { statusCode: number; error: string; message: string };
      expect(error).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      expect(error.message).toMatch(/^send the body as a JSON object with Content-Type: application\/json/);
      expect(error.message).toContain(got);
      expect(error.message).toContain(`curl -H 'Content-Type: application/json' -d '{…}'`);
    }
    // The OpenAPI document lists it for the calls that take JSON.
    const openapi = (await (await fetch(`${server.running.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { post?: { responses?: Record<string, unknown> } }>;
    };
    for (const route of ['/create-session', '/{session_id}/review/{file_id}/decision']) {
      expect(Object.keys(openapi.paths[`/api/v1/documents/batch${route}`]?.post?.responses ?? {})).toContain(
        '415',
      );
    }
  });

  it('says where a JSON body stops parsing and why (400), as a client developer needs to find the mistake', async () => {
    const admin = await server.token('admin');
    const send = (route: string, body: string, token = uploader) =>
      fetch(`${server.base}${route}`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body,
      });
    for (const [body, message] of [
      [
        '{\n  "processing_type": "both"\n  "uploaded_by": "dra. lopez"\n}',
        "at line 3, column 3: expected ',' or '}' after property value",
      ],
      ["{'processing_type': 'both'}", "at line 1, column 2: expected property name or '}'"],
    ] as const) {
      const answer = await send('/create-session', body);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `the body does not parse as JSON ${message}`,
      });
    }
    const decision = await send(`/${SESSION}/review/some-file/decision`, '{"action": "reject",}', admin);
    expect(((await decision.json()) as { message: string }).message).toBe(
      'the body does not parse as JSON at line 1, column 21: expected double-quoted property name',
    );
    // A key that would poison prototypes parses, and is still refused, saying which.
    const poisoned = await send(
      '/create-session',
      '{"processing_type": "both", "uploaded_by": "x", "__proto__": {"admin": true}}',
    );
    expect(poisoned.status).toBe(400);
    expect(((await poisoned.json()) as { message: string }).message).toMatch(
      /^the JSON body has a __proto__ or constructor.prototype key/,
    );
  });

  it('refuses a JSON body that is not UTF-8 (400, saying where) instead of keeping a name with its letters replaced', async () => {
    const send = (body: Buffer, contentType = 'application/json') =>
      fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': contentType },
        body: new Uint8Array(body),
      });
    const text = '{"processing_type":"complete","uploaded_by":"Dra. Núñez"}';
    for (const contentType of ['application/json', 'application/json; charset=iso-8859-1']) {
      const latin1 = await send(Buffer.from(text, 'latin1'), contentType);
      expect(latin1.status).toBe(400);
      expect(((await latin1.json()) as { message: string }).message).toBe(
        `the JSON body is not UTF-8${contentType.includes('charset') ? ' (it declares charset=iso-8859-1)' : ''}: its byte 52 breaks UTF-8; ` +
          'it looks like Latin-1 or Windows-1252 (ñ and accents as a Windows program writes them). Send the JSON encoded in UTF-8, as JSON always is',
      );
    }
    const utf16 = await send(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      'application/json; charset=utf-16',
    );
    expect(((await utf16.json()) as { message: string }).message).toMatch(
      /^the JSON body is not UTF-8 \(it declares charset=utf-16\): it looks like UTF-16\./,
    );
    // UTF-8, with or without a byte-order mark, keeps the name as written.
    for (const body of [
      Buffer.from(text, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
    ]) {
      const created = await send(body);
      expect(created.status).toBe(200);
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      const status = (await (
        await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })
      ).json()) as { uploaded_by: string };
      expect(status.uploaded_by).toBe('Dra. Núñez');
    }
  });

  it('answers a compressed body 415 and a JSON body over the limit 413, each saying what to send instead', async () => {
    const { gzipSync } = await import('node:zlib');
    const json = JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' });
    const form = filesForm([{ name: 'x.pdf', bytes: sampleFile(fs.readdirSync(SAMPLE_DIR).sort()[0]!) }]);
    const multipart = new Request('http://x', { method: 'POST', body: form });
    const compressed = [
      ['/create-session', 'application/json', gzipSync(json)],
      [
        `/${SESSION}/upload`,
        multipart.headers.get('content-type')!,
        gzipSync(Buffer.from(await multipart.arrayBuffer())),
      ],
    ] as const;
    for (const [route, contentType, body] of compressed) {
      const answer = await fetch(`${server.base}${route}`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': contentType, 'content-encoding': 'gzip' },
        body: new Uint8Array(body),
      });
      expect([route, answer.status]).toEqual([route, 415]);
      expect(await answer.json()).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message:
          'the API takes request bodies uncompressed, not with Content-Encoding: gzip: send it without compression (and without that header)',
      });
    }
    const huge = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { message: string }).message).toBe(
      'the body is over 1 MB, the most a JSON call takes (its fields are short): PDFs are sent to POST …/{session_id}/upload as multipart/form-data',
    );
  });

  it('refuses a JSON body whose text field is sent as a number, true/false, null or a list (400) instead of turning it into text', async () => {
    const createSession = (uploadedBy: unknown) =>
      fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: uploadedBy }),
      });
    for (const [value, what] of [
      [123, 'a number'],
      [true, 'true or false'],
      [null, 'null'],
      [['dra. lopez'], 'a list'],
      [{ name: 'dra. lopez' }, 'an object'],
    ] as const) {
      const answer = await createSession(value);
      expect([value, answer.status]).toEqual([value, 400]);
      expect(await answer.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `uploaded_by must be text (the name of who uploads), not ${what}: send it as a JSON string, in quotes`,
      });
    }
    expect((await createSession('123')).status).toBe(200);
    const blank = await createSession('   ');
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as { message: string }).message).toBe(
      'uploaded_by is blank: give the name of who uploads',
    );

    // Every text field of a JSON body, not only that one: an expediente sent as a number is refused before anything is looked up.
    const admin = await server.token('admin');
    const decision = await fetch(`${server.base}/${SESSION}/review/${SESSION}/decision`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'attach', expediente: 3000147773 }),
    });
    expect(decision.status).toBe(400);
    expect(((await decision.json()) as { message: string }).message).toMatch(
      /^expediente must be text \(.+\), not a number/,
    );
  });
});
