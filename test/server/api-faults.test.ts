import fs from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createWorkspace, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import {
  bearer,
  filesForm,
  heldExtractor,
  sampleFile,
  startTestServer,
  type TestServer,
} from '../support/api-server.js';
import { closedPort, startProxyFor } from '../support/tcp-faults.js';

/**
 * The API when something outside it goes wrong: a client whose body is not a whole multipart form, a client
 * that stops sending mid-upload without closing, a database that goes away. Each is a clear JSON answer
 * (400, 408, 503), never "internal error", and nothing of a failed upload is kept.
 */

const PDF = fs
  .readdirSync(SAMPLE_DIR)
  .sort()
  .find((name) => name.startsWith('3000312954_'))!;
const BOUNDARY = 'faults-boundary';
const PART_HEAD = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="files"; filename="${PDF}"\r\ncontent-type: application/pdf\r\n\r\n`;

interface Answer {
  status?: number;
  body?: string;
  /** The connection failed before an answer (ECONNRESET, say). */
  error?: string;
  /** Milliseconds from the request to the connection's close. */
  closedAfterMs?: number;
}

/**
 * A hand-made upload over one connection: `chunks` are written `everyMs` apart, then the request is ended
 * (`end`) or left open, as a client that stalls leaves it. Resolves once the connection has closed.
 */
function rawUpload(
  url: string,
  headers: Record<string, string>,
  chunks: (string | Buffer)[],
  options: { end: boolean; everyMs?: number },
): Promise<Answer> {
  const started = Date.now();
  const req = request(new URL(url), { method: 'POST', headers });
  const answer: Answer = {};
  const closed = new Promise<Answer>((resolve) => {
    req.on('error', (error) => (answer.error ??= (error as NodeJS.ErrnoException).code ?? error.message));
    req.on('response', (response) => {
      answer.status = response.statusCode;
      let body = '';
      response.on('data', (d: Buffer) => (body += d.toString()));
      response.on('end', () => (answer.body = body));
    });
    req.on('close', () => resolve({ ...answer, closedAfterMs: Date.now() - started }));
  });
  void (async () => {
    req.flushHeaders();
    for (const chunk of chunks) {
      if (options.everyMs) await new Promise((resolve) => setTimeout(resolve, options.everyMs));
      if (!req.destroyed) req.write(chunk);
    }
    if (options.end && !req.destroyed) req.end();
  })();
  return closed;
}

describe('uploads that are not whole multipart forms, or that stall', { tags: ['slow'] }, () => {
  const IDLE_MS = 600;
  let server: TestServer;
  let uploader: string;
  beforeAll(async () => {
    server = await startTestServer({ settings: { uploadIdleTimeoutMs: IDLE_MS } });
    uploader = await server.token('uploader');
  });
  afterAll(async () => server?.stop());

  const newSession = async () => {
    const response = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { session_id: string }).session_id;
  };
  const uploadUrl = (sessionId: string) => `${server.base}/${sessionId}/upload`;
  const multipartHeaders = (length: number) => ({
    ...bearer(uploader),
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    'content-length': String(length),
  });
  const expectNothingKept = async (sessionId: string) => {
    expect(fs.readdirSync(path.join(server.uploadDir, sessionId))).toEqual([]);
    const status = await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) });
    expect(((await status.json()) as { files: unknown[] }).files).toEqual([]);
  };

  it('answers 400 with what is wrong for a multipart Content-Type without a boundary', async () => {
    const sessionId = await newSession();
    const body = `${PART_HEAD}%PDF-1.4\n`;
    const answer = await rawUpload(
      uploadUrl(sessionId),
      {
        ...bearer(uploader),
        'content-type': 'multipart/form-data',
        'content-length': String(Buffer.byteLength(body)),
      },
      [body],
      { end: true },
    );
    expect(answer.status, JSON.stringify(answer)).toBe(400);
    expect(JSON.parse(answer.body!)).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/names no boundary/),
    });
  });

  it('answers 400 for a body that is not multipart, and for one cut before its closing boundary, keeping nothing', async () => {
    const sessionId = await newSession();
    const notMultipart = '{"files": "this is JSON, not a form"}';
    const garbage = await rawUpload(
      uploadUrl(sessionId),
      multipartHeaders(notMultipart.length),
      [notMultipart],
      { end: true },
    );
    expect(garbage.status, JSON.stringify(garbage)).toBe(400);
    expect(JSON.parse(garbage.body!)).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/not a whole multipart form/),
    });

    // The whole file arrives, and the body ends (its Content-Length honoured) without the closing boundary.
    const truncated = Buffer.concat([Buffer.from(PART_HEAD), sampleFile(PDF)]);
    const cut = await rawUpload(uploadUrl(sessionId), multipartHeaders(truncated.length), [truncated], {
      end: true,
    });
    expect(cut.status, JSON.stringify(cut)).toBe(400);
    expect(JSON.parse(cut.body!)).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/ended before its closing boundary/),
    });
    await expectNothingKept(sessionId);
  });

  it('gives up an upload whose client stops sending without closing: 408, the connection closed, nothing kept', async () => {
    const sessionId = await newSession();
    const midFile = rawUpload(
      uploadUrl(sessionId),
      multipartHeaders(1_000_000),
      [PART_HEAD, sampleFile(PDF).subarray(0, 1000)],
      {
        end: false,
      },
    );
    const noBody = rawUpload(uploadUrl(sessionId), multipartHeaders(1_000_000), [], { end: false });
    const [stalled, silent] = await Promise.race([
      Promise.all([midFile, noBody]),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the stalled uploads were held for 15 s')), 15_000),
      ),
    ]);
    expect(stalled.status, JSON.stringify(stalled)).toBe(408);
    expect(JSON.parse(stalled.body!)).toMatchObject({
      statusCode: 408,
      message: expect.stringMatching(/no data arrived for 0.6 s/),
    });
    expect(stalled.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS);
    // Before any part there is no file to fail: the connection is cut (or answered 408).
    expect(silent.status === 408 || silent.error !== undefined, JSON.stringify(silent)).toBe(true);
    await expectNothingKept(sessionId);
  });

  it('gives up a JSON call whose body stops arriving: 408 saying so, the connection closed', async () => {
    const stalled = await rawUpload(
      `${server.base}/create-session`,
      { ...bearer(uploader), 'content-type': 'application/json', 'content-length': '200' },
      ['{"processing_type":"complete",'],
      { end: false },
    );
    expect(stalled.status, JSON.stringify(stalled)).toBe(408);
    expect(JSON.parse(stalled.body!)).toEqual({
      statusCode: 408,
      error: 'Request Timeout',
      message: 'no data arrived for 0.6 s: the request was given up before its body was whole; send it again',
    });
    expect(stalled.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS);
    // A JSON body that keeps coming, slowly, is taken.
    const body = JSON.stringify({ processing_type: 'complete', uploaded_by: 'slow client' });
    const halves = [body.slice(0, 20), body.slice(20)];
    const slow = await rawUpload(
      `${server.base}/create-session`,
      { ...bearer(uploader), 'content-type': 'application/json', 'content-length': String(body.length) },
      halves,
      { end: true, everyMs: IDLE_MS / 2 },
    );
    expect(slow.status, JSON.stringify(slow)).toBe(200);
  });

  it('takes a slow upload that keeps sending, however long it takes in all', async () => {
    const sessionId = await newSession();
    const bytes = sampleFile(PDF);
    const closing = `\r\n--${BOUNDARY}--\r\n`;
    const slices = Array.from({ length: 6 }, (_, i) =>
      bytes.subarray((i * bytes.length) / 6, ((i + 1) * bytes.length) / 6),
    );
    const chunks = [PART_HEAD, ...slices, closing];
    const length = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
    // Eight chunks IDLE_MS / 2 apart: twice the idle time-out in all, never idle for the whole of it.
    const answer = await rawUpload(uploadUrl(sessionId), multipartHeaders(length), chunks, {
      end: true,
      everyMs: IDLE_MS / 2,
    });
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    // A browser's upload on the same server is untouched by the time-out.
    const form = await fetch(uploadUrl(await newSession()), {
      method: 'POST',
      headers: bearer(uploader),
      body: filesForm([{ name: PDF, bytes }]),
    });
    expect(form.status).toBe(200);
  });
});

describe('a stop while a JSON body is still arriving', { tags: ['slow'] }, () => {
  it('answers it 503 and stops at once, instead of waiting on the client for ever', async () => {
    const server = await startTestServer();
    const uploader = await server.token('uploader');
    const stalled = rawUpload(
      `${server.base}/create-session`,
      { ...bearer(uploader), 'content-type': 'application/json', 'content-length': '200' },
      ['{"processing_type":"complete",'],
      { end: false },
    );
    // The request is in: its body is being waited for.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await server.stop();
    server.workspace.cleanup();
    expect(Date.now() - started).toBeLessThan(5_000);
    const answer = await stalled;
    expect(answer.status, JSON.stringify(answer)).toBe(503);
    expect(JSON.parse(answer.body!)).toMatchObject({
      statusCode: 503,
      message: 'the server is stopping: the request was given up before its body was whole; send it again',
    });
  }, 30_000);
});

describe.runIf(postgresWanted())(
  'a PostgreSQL database that goes away while the server runs',
  { tags: ['slow'] },
  () => {
    it('answers every route 503 with what is wrong, never "internal error", and recovers when it is back', async () => {
      const scratch = await createScratchPostgresDatabase();
      const { proxy, viaProxy } = await startProxyFor(scratch.url);
      const workspace = { ...createWorkspace({ copySample: false }), db: viaProxy.href };
      let server: TestServer | null = null;
      try {
        server = await startTestServer({ workspace });
        const base = server.base;
        const [viewer, uploader] = [await server.token('viewer'), await server.token('uploader')];
        const created = await fetch(`${base}/create-session`, {
          method: 'POST',
          headers: { ...bearer(uploader), 'content-type': 'application/json' },
          body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
        });
        const { session_id: sessionId } = (await created.json()) as { session_id: string };
        expect((await fetch(`${base}/processing-types`, { headers: bearer(viewer) })).status).toBe(200);

        // The pool's open connections drop, and new ones are turned away.
        proxy.refuse(true);
        proxy.cut();
        const calls: [string, () => Promise<Response>][] = [
          ['processing-types', () => fetch(`${base}/processing-types`, { headers: bearer(viewer) })],
          [
            'create-session',
            () =>
              fetch(`${base}/create-session`, {
                method: 'POST',
                headers: { ...bearer(uploader), 'content-type': 'application/json' },
                body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
              }),
          ],
          ['status', () => fetch(`${base}/${sessionId}/status`, { headers: bearer(viewer) })],
          ['review', () => fetch(`${base}/${sessionId}/review`, { headers: bearer(viewer) })],
          [
            'upload',
            () =>
              fetch(`${base}/${sessionId}/upload`, {
                method: 'POST',
                headers: bearer(uploader),
                body: filesForm([{ name: PDF, bytes: sampleFile(PDF) }]),
              }),
          ],
        ];
        for (const [route, call] of calls) {
          const response = await call();
          const body = (await response.json()) as { statusCode: number; message: string };
          expect([route, response.status], JSON.stringify(body)).toEqual([route, 503]);
          expect(body).toMatchObject({
            statusCode: 503,
            error: 'Service Unavailable',
            message: expect.stringMatching(/PostgreSQL database/),
          });
          expect(body.message).not.toMatch(/internal error|tecsalud:tecsalud|password/);
          // What is down, never where it lives (the operator's log has that).
          expect(body.message).not.toContain(`${proxy.host}:${proxy.port}`);
          expect(body.message).not.toMatch(/postgres:\/\//);
          // Words for a client, not the CLI's ("run the same command again").
          expect(body.message).not.toMatch(/command/);
          expect(body.message).toMatch(/the request can be retried in 30 s \(Retry-After\)$/);
          expect(response.headers.get('retry-after')).toBe('30');
        }
        expect(fs.readdirSync(path.join(server.uploadDir, sessionId))).toEqual([]);

        proxy.refuse(false);
        expect((await fetch(`${base}/processing-types`, { headers: bearer(viewer) })).status).toBe(200);
      } finally {
        await server?.stop();
        workspace.cleanup();
        await proxy.close();
        await scratch.drop();
      }
    });
  },
);

describe.runIf(postgresWanted())(
  'a PostgreSQL database that goes away while a session is processed',
  { tags: ['slow'] },
  () => {
    it("the session's error_message says the database was lost, and processing again finishes it", async () => {
      const scratch = await createScratchPostgresDatabase();
      const { proxy, viaProxy } = await startProxyFor(scratch.url);
      const workspace = { ...createWorkspace({ copySample: false }), db: viaProxy.href };
      const held = heldExtractor();
      let server: TestServer | null = null;
      try {
        server = await startTestServer({ workspace, extractor: held.extractor });
        const base = server.base;
        const uploader = await server.token('uploader');
        const created = await fetch(`${base}/create-session`, {
          method: 'POST',
          headers: { ...bearer(uploader), 'content-type': 'application/json' },
          body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
        });
        const { session_id: sessionId } = (await created.json()) as { session_id: string };
        const uploaded = await fetch(`${base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(uploader),
          body: filesForm([{ name: PDF, bytes: sampleFile(PDF) }]),
        });
        expect(uploaded.status).toBe(200);
        const started = await fetch(`${base}/${sessionId}/process?wait=false`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        expect(started.status).toBe(202);
        await held.started;
        // The database goes away with the file in flight, and is back a moment later.
        proxy.refuse(true);
        proxy.cut();
        held.release();
        await new Promise((resolve) => setTimeout(resolve, 1500));
        proxy.refuse(false);
        let status: { status: string; error_message: string | null } = {
          status: 'processing',
          error_message: null,
        };
        for (let i = 0; i < 60 && status.status === 'processing'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const response = await fetch(`${base}/${sessionId}/status`, { headers: bearer(uploader) });
          if (response.status === 200) status = (await response.json()) as typeof status;
        }
        expect(status.status).toBe('failed');
        // What is down, in words a client reads, never where it lives; not a bare driver error.
        expect(status.error_message).toMatch(/^stopped: lost the connection to the PostgreSQL database/);
        // What the client can do (the call it makes), not the command line's "next run".
        expect(status.error_message).toMatch(
          /; its files not done stay pending: process it again once the service is back$/,
        );
        expect(status.error_message).not.toMatch(/postgres:\/\/|command|next run/);
        const again = await fetch(`${base}/${sessionId}/process`, {
          method: 'POST',
          headers: bearer(uploader),
        });
        const finished = (await again.json()) as { status: string };
        expect([again.status, finished.status], JSON.stringify(finished)).toEqual([200, 'completed']);
      } finally {
        await server?.stop();
        workspace.cleanup();
        await proxy.close();
        await scratch.drop();
      }
    }, 90_000);
  },
);

describe('a SQLite database another program keeps locked while the server runs', { tags: ['slow'] }, () => {
  it('answers 503 saying so (not 409, not "internal error"), and works again once it is released', async () => {
    const server = await startTestServer();
    const other = new Database(server.workspace.db);
    try {
      const uploader = await server.token('uploader');
      const createSession = () =>
        fetch(`${server.base}/create-session`, {
          method: 'POST',
          headers: { ...bearer(uploader), 'content-type': 'application/json' },
          body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
        });
      // An sqlite3 shell left in a transaction, say: the server's write waits out its busy timeout.
      other.exec('BEGIN EXCLUSIVE');
      const locked = await createSession();
      other.exec('ROLLBACK');
      const body = (await locked.json()) as { statusCode: number; message: string };
      expect(locked.status, JSON.stringify(body)).toBe(503);
      expect(body.message).toMatch(
        /^the database is locked by another program, which kept a write open for more than 15 s; the request can be retried in 30 s \(Retry-After\)$/,
      );
      expect(locked.headers.get('retry-after')).toBe('30');
      expect((await createSession()).status).toBe(200);
    } finally {
      other.close();
      await server.stop();
      server.workspace.cleanup();
    }
  }, 60_000);
});

describe('a Chroma that is down while the server runs', { tags: ['slow'] }, () => {
  // A file its patient is found for: processing it reaches the vector store.
  const MATCHED = '3000016374_RIOS CORONADO, CESAR_CIR.pdf';
  it('tells the client its request can be retried and the operator what to check, never "run the same command again"', async () => {
    const logged: string[] = [];
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    const server = await startTestServer({
      backends: { vectorStore: 'chroma', chroma: { url: `http://127.0.0.1:${await closedPort()}` } },
      log: {
        destination: stderr,
        level: 'info',
        redact: true,
        human: { warning: 'warning', error: 'error', hint: 'hint' },
      },
    });
    try {
      const uploader = await server.token('uploader');
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: 'x' }),
      });
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      const uploaded = await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: MATCHED, bytes: sampleFile(MATCHED) }]),
      });
      expect(uploaded.status).toBe(200);
      const processed = await fetch(`${server.base}/${sessionId}/process`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      const body = (await processed.json()) as { message: string };
      expect(processed.status, JSON.stringify(body)).toBe(503);
      expect(processed.headers.get('retry-after')).toBe('30');
      expect(body.message).toMatch(
        /^cannot reach the Chroma server .*; the request can be retried in 30 s \(Retry-After\)$/,
      );
      // The session's note, which the status gives clients: no operator's advice, no command.
      const status = (await (
        await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(uploader) })
      ).json()) as { error_message: string };
      expect(status.error_message).toMatch(/process it again once the service is back$/);
      expect(status.error_message).not.toMatch(/command|chroma run|CHROMA_URL/);

      const lines = logged.join('');
      expect(lines).toMatch(
        /^warning: a backend is unavailable: cannot reach the Chroma server at http:\/\/127\.0\.0\.1:\d+/m,
      );
      expect(lines).toMatch(
        /^hint: check that Chroma is running \(chroma run --path DIR --port PORT\) and --chroma-url \/ CHROMA_URL; the server stays up: its calls answer 503/m,
      );
      expect(lines).not.toMatch(/same command/);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
