import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, filesForm, sampleFile, startTestServer, type TestServer } from '../support/api-server.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import fs from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a client or an IT person trying the API with curl meets at its edges: a HEAD on the event stream, ids
 * in upper case, broken path escapes, control characters in text, validation messages, odd multipart parts.
 * Each gets a plain answer in the error body every error has.
 */
const PDF = fs
  .readdirSync(SAMPLE_DIR)
  .sort()
  .find((name) => name.startsWith('3000312954_'))!;

describe('the API at a client’s edges', { tags: ['slow'] }, () => {
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer();
    uploader = await server.token('uploader');
  });
  afterAll(async () => server?.stop());

  const createSession = async (): Promise<string> => {
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
    });
    return ((await created.json()) as { session_id: string }).session_id;
  };

  it('answers HEAD on a session’s events with the stream’s headers and ends, instead of holding the connection', async () => {
    const sessionId = await createSession();
    const head = await fetch(`${server.base}/${sessionId}/events`, {
      method: 'HEAD',
      headers: bearer(uploader),
      signal: AbortSignal.timeout(5000),
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await head.text()).toBe('');
    const missing = await fetch(`${server.base}/3f2a9c1e-0000-4000-8000-000000000000/events`, {
      method: 'HEAD',
      headers: bearer(uploader),
      signal: AbortSignal.timeout(5000),
    });
    expect(missing.status).toBe(404);
  });

  it('takes ids in upper case as the same session and file (a UUID is one id in either case)', async () => {
    const sessionId = await createSession();
    const upload = await fetch(`${server.base}/${sessionId.toUpperCase()}/upload`, {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name: PDF, bytes: sampleFile(PDF) }]),
    });
    expect(upload.status, await upload.clone().text()).toBe(200);
    const {
      uploaded_files: [uploaded],
    } = (await upload.json()) as { uploaded_files: { file_id: string }[] };
    const status = await fetch(`${server.base}/${sessionId.toUpperCase()}/status`, {
      headers: bearer(uploader),
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      session_id: sessionId,
      files: [{ file_id: uploaded!.file_id }],
    });
    // The file is found (not waiting for review: 409), not "no such file" (404).
    const admin = await server.token('admin');
    const decision = await fetch(
      `${server.base}/${sessionId.toUpperCase()}/review/${uploaded!.file_id.toUpperCase()}/decision`,
      {
        method: 'POST',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'reject' }),
      },
    );
    expect(decision.status, await decision.clone().text()).toBe(409);
    // Saying what to do: the file has not been processed yet.
    expect(((await decision.json()) as { message: string }).message).toBe(
      'the file is not waiting for review: it has not been processed yet; process the session ' +
        `(POST /api/v1/documents/batch/${sessionId}/process), then decide the files its review lists ` +
        `(GET /api/v1/documents/batch/${sessionId}/review)`,
    );
    // A file id the session does not hold (another session's, mistyped): where the right ones are.
    const elsewhere = await fetch(
      `${server.base}/${sessionId}/review/00000000-0000-4000-8000-000000000000/decision`,
      {
        method: 'POST',
        headers: { ...bearer(admin), 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'reject' }),
      },
    );
    expect(elsewhere.status).toBe(404);
    expect(((await elsewhere.json()) as { message: string }).message).toMatch(
      /^the session has no file 00000000-0000-4000-8000-000000000000: use a file_id its review lists \(GET .*\/review\)/,
    );
    // One that is no file id at all (cut short when copied) says so, as a session id does.
    const cut = await fetch(`${server.base}/${sessionId}/review/${uploaded!.file_id.slice(0, 20)}/decision`, {
      method: 'POST',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reject' }),
    });
    expect(cut.status).toBe(400);
    expect(((await cut.json()) as { message: string }).message).toBe(
      'file_id in the path must be an id as the API gave it (a UUID, like 3f2a9c1e-5b7d-4e21-9c3a-0d4e5f6a7b8c), ' +
        `not '${uploaded!.file_id.slice(0, 20)}'`,
    );
  });

  it('answers a broken %-escape or an overlong path part with 400 in the API’s error body', async () => {
    for (const route of ['/%zz/status', '/abc%zz/status', '/%E0%A4%A/status']) {
      const answer = await fetch(`${server.base}${route}`, { headers: bearer(uploader) });
      expect([route, answer.status]).toEqual([route, 400]);
      expect(await answer.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `the path /api/v1/documents/batch${route} has a broken %-escape (% must be followed by two hexadecimal digits; write a % itself as %25)`,
      });
    }
    const long = 'a'.repeat(5000);
    const answer = await fetch(`${server.base}/${long}/status`, { headers: bearer(uploader) });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { message: string };
    expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
    expect(body.message).toMatch(
      /^a part of the path \/api\/v1\/documents\/batch\/a+… is over 100 characters, longer than any id the API gives: check the URL$/,
    );
    expect(body.message.length).toBeLessThan(300);
  });

  it('answers a URL over the 16 KB head limit 431 in the API’s error body, saying it is the URL', async () => {
    const sessionId = await createSession();
    const answer = await fetch(
      `${server.base}/${sessionId}/status?file_ids=${'3f2a9c1e-5b7d-4e21-9c3a-0d4e5f6a7b8c,'.repeat(500)}`,
      { headers: bearer(uploader) },
    );
    expect(answer.status).toBe(431);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message:
        "the request's URL and headers together are over 16 KB: shorten the URL (its query string) or the headers",
    });
    // The server goes on answering.
    expect((await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })).status).toBe(
      200,
    );
  });

  it('refuses a JSON text field holding a control character (400 naming the field) before anything is stored', async () => {
    const createWith = (uploadedBy: string) =>
      fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: uploadedBy }),
      });
    for (const [value, code, at] of [
      ['dra.\u0000lopez', 'U+0000', 5],
      ['dra. lopez\n', 'U+000A', 11],
      ['\u001b[31mdra. lopez', 'U+001B', 1],
    ] as const) {
      const answer = await createWith(value);
      expect([value, answer.status]).toEqual([value, 400]);
      expect(await answer.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `uploaded_by (the name of who uploads) contains a control character (${code}, at character ${at}): send it as plain text, without control characters`,
      });
    }
    expect((await createWith('Dra. López Ñúñez')).status).toBe(200);
  });

  it('says in a validation error which field is wrong, where, and what it must be', async () => {
    const admin = await server.token('admin');
    const SESSION = '3f2a9c1e-0000-4000-8000-000000000000';
    const post = (route: string, body?: unknown, token = uploader) =>
      fetch(`${server.base}${route}`, {
        method: 'POST',
        headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    for (const [call, message] of [
      [
        post('/create-session', { processing_type: 'xx', uploaded_by: 'a' }),
        "processing_type in the JSON body must be one of vectorized, complete, both, not 'xx'",
      ],
      [
        post('/create-session', { uploaded_by: 'a' }),
        'processing_type is missing from the JSON body: it is required',
      ],
      [
        post('/create-session', { processing_type: 'both', uploaded_by: 'a', x: 1 }),
        'x is not a field the JSON body takes: it takes processing_type, uploaded_by',
      ],
      [
        post('/create-session', { processing_type: 'both', uploaded_by: '' }),
        'uploaded_by in the JSON body is empty: give a value',
      ],
      [post('/create-session', [1]), 'the JSON body must be a JSON object, not a list'],
      [
        post('/create-session'),
        'the request has no JSON body: send its fields as a JSON object, with Content-Type: application/json',
      ],
      [post(`/${SESSION}/process?wait=maybe`), "wait in the query string must be true or false, not 'maybe'"],
      // Misspelt, it was ignored: the call then waited for the whole session instead of answering 202 at once.
      [
        post(`/${SESSION}/process?wiat=false`),
        'wiat is not a parameter the query string takes: it takes wait',
      ],
      // Every route, not only `process`'s: an unknown parameter is never ignored.
      [
        post('/create-session?wiat=1', { processing_type: 'both', uploaded_by: 'a' }),
        'wiat is not a parameter the query string takes: this call takes none',
      ],
      [
        fetch(`${server.base}/${SESSION}/status?files=all`, { headers: bearer(uploader) }),
        'files is not a parameter the query string takes: this call takes none',
      ],
      [
        fetch(`${server.base}/processing-types?name=both`, { headers: bearer(uploader) }),
        'name is not a parameter the query string takes: this call takes none',
      ],
      [
        fetch(`${server.base}/health?verbose=1`),
        'verbose is not a parameter the query string takes: this call takes none',
      ],
      [
        post(`/${SESSION}/review/${SESSION}/decision`, { action: 'attach', expediente: '12a' }, admin),
        "expediente in the JSON body must be its 8 to 12 digits, not '12a'",
      ],
      [
        fetch(`${server.base}/not-a-uuid/status`, { headers: bearer(uploader) }),
        "session_id in the path must be an id as the API gave it (a UUID, like 3f2a9c1e-5b7d-4e21-9c3a-0d4e5f6a7b8c), not 'not-a-uuid'",
      ],
    ] as const) {
      const answer = await call;
      expect(await answer.json()).toEqual({ statusCode: 400, error: 'Bad Request', message });
    }
  });

  it('lists a `files` part sent as text, not as a file, in failed_files with why, and takes the request’s files', async () => {
    const sessionId = await createSession();
    const upload = (form: FormData) =>
      fetch(`${server.base}/${sessionId}/upload`, { method: 'POST', headers: bearer(uploader), body: form });
    const refusal = (filename: string) => ({
      filename,
      status_code: 400,
      error: 'Bad Request',
      message:
        "this `files` part is text, not a file: send each PDF as a file part (curl -F 'files=@FILE.pdf', with the @)",
    });
    const mixed = filesForm([{ name: PDF, bytes: sampleFile(PDF) }]);
    mixed.append('files', 'scan.pdf'); // curl -F 'files=scan.pdf': the @ left out
    mixed.append('comment', 'not a field of the API'); // other text fields are not the API's business
    const taken = await upload(mixed);
    expect(taken.status, await taken.clone().text()).toBe(200);
    expect(await taken.json()).toMatchObject({
      message: '1 file uploaded, 1 refused',
      total_files: 2,
      uploaded_files: [{ filename: PDF }],
      failed_files: [refusal('scan.pdf')],
    });
    // Text alone: nothing taken, the status of its failure, and the list saying why.
    const textOnly = new FormData();
    textOnly.append('files', 'scan.pdf');
    const refused = await upload(textOnly);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      statusCode: 400,
      uploaded_files: [],
      failed_files: [refusal('scan.pdf')],
    });
  });

  it('says a PDF part sent without a filename lacks its filename (whose document it is), not that it is text', async () => {
    const sessionId = await createSession();
    const noName = {
      filename: '(no name)',
      status_code: 400,
      error: 'Bad Request',
      message:
        'this `files` part is a PDF without a filename: name it in its Content-Disposition ' +
        '(form-data; name="files"; filename="EXPEDIENTE_APELLIDOS, NOMBRES_NUMERO_TIPO.pdf"): the filename says whose document it is',
    };
    // As .NET's MultipartFormDataContent.Add(content, "files") sends it (no filename, no Content-Type), and a
    // hand-built form naming the type but not the file.
    for (const type of [null, 'application/pdf']) {
      const boundary = 'no-filename-boundary';
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="files"\r\n${type ? `content-type: ${type}\r\n` : ''}\r\n`,
        ),
        sampleFile(PDF),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const answer = await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(body),
      });
      expect([type, answer.status]).toEqual([type, 400]);
      expect(await answer.json()).toMatchObject({
        statusCode: 400,
        uploaded_files: [],
        failed_files: [noName],
      });
    }
  });

  it('refuses a filename whose bytes are not UTF-8 (400, saying how to send it) instead of storing it with its letters lost', async () => {
    const sessionId = await createSession();
    const boundary = 'latin1-name-boundary';
    const send = (disposition: Buffer) =>
      fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(
          Buffer.concat([
            Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="files"; `),
            disposition,
            Buffer.from('\r\ncontent-type: application/pdf\r\n\r\n'),
            sampleFile(PDF),
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
        ),
      });
    // What a Windows program writing Latin-1 sends for RÍOS CORONADO, CÉSAR.
    const latin1 = await send(
      Buffer.from('filename="3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf"', 'latin1'),
    );
    expect(latin1.status).toBe(400);
    expect(await latin1.json()).toMatchObject({
      uploaded_files: [],
      failed_files: [
        {
          status_code: 400,
          message:
            "the filename is not UTF-8 (its letters arrived as '\uFFFD'): the client wrote it in Latin-1 or Windows-1252 (Ñ, accents); " +
            "send it in UTF-8, as browsers and curl do, or as filename*=UTF-8''<the name percent-encoded>",
        },
      ],
    });
    expect(fs.readdirSync(path.join(server.uploadDir, sessionId))).toEqual([]);
    // The encoding the answer names is taken, and the name read as written.
    const encoded = await send(
      Buffer.from(
        `filename*=UTF-8''${encodeURIComponent('3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf')}`,
      ),
    );
    expect(encoded.status).toBe(200);
    expect(await encoded.json()).toMatchObject({
      uploaded_files: [
        {
          filename: '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
          parsed: true,
          patient_name: 'RÍOS CORONADO, CÉSAR',
        },
      ],
    });
  });

  it('says a part with an empty filename is no file chosen, or a file without its name, not "the name must end in .pdf"', async () => {
    const sessionId = await createSession();
    const boundary = 'empty-filename-boundary';
    const send = (type: string, bytes: Buffer) =>
      fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(
          Buffer.concat([
            Buffer.from(
              `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename=""\r\ncontent-type: ${type}\r\n\r\n`,
            ),
            bytes,
            Buffer.from(`\r\n--${boundary}--\r\n`),
          ]),
        ),
      });
    // What a browser sends for a file input left empty.
    const nothingChosen = await send('application/octet-stream', Buffer.alloc(0));
    expect(nothingChosen.status).toBe(400);
    expect(await nothingChosen.json()).toMatchObject({
      failed_files: [
        {
          filename: '(no name)',
          status_code: 400,
          message: 'this `files` part is empty and has no filename: no file was chosen',
        },
      ],
    });
    const unnamed = await send('application/pdf', sampleFile(PDF));
    expect(unnamed.status).toBe(400);
    expect(await unnamed.json()).toMatchObject({
      failed_files: [
        {
          filename: '(no name)',
          status_code: 400,
          message: expect.stringMatching(
            /^this `files` part has no filename: name it in its Content-Disposition/,
          ),
        },
      ],
    });
  });

  it('answers an upload still arriving when its session starts processing 409, keeping nothing, instead of a 500', async () => {
    const sessionId = await createSession();
    const first = await fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name: PDF, bytes: sampleFile(PDF) }]),
    });
    expect(first.status).toBe(200);
    // A second upload whose body is still arriving (a large scan on a slow line) when the client's process call comes.
    const late = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';
    const boundary = 'late-upload-boundary';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${late}"\r\ncontent-type: application/pdf\r\n\r\n`,
    );
    const bytes = sampleFile(late);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const dir = path.join(server.uploadDir, sessionId);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.base}/${sessionId}/upload`,
        {
          method: 'POST',
          headers: {
            ...bearer(uploader),
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + bytes.length + tail.length),
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.concat([head, bytes.subarray(0, 1000)]));
      void (async () => {
        while (!fs.readdirSync(dir).some((name) => name.startsWith('.incoming-'))) await sleep(10);
        const processed = await fetch(`${server.base}/${sessionId}/process`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        expect(processed.status).toBe(200);
        req.end(Buffer.concat([bytes.subarray(1000), tail]));
      })().catch(reject);
    });
    const { status, body } = await answer;
    expect(status, body).toBe(409);
    expect(JSON.parse(body)).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'the session started processing meanwhile: it takes no more files; create a new session',
    });
    const files = (
      (await (await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })).json()) as {
        files: { filename: string }[];
      }
    ).files;
    expect(files.map((file) => file.filename)).toEqual([PDF]);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.incoming-'))).toEqual([]);
  });
});
