import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import {
  bearer,
  filesForm,
  heldExtractor,
  readEvents,
  sampleFile,
  startTestServer,
} from '../support/api-server.js';
import { createWorkspace, importSampleRegistry, inProcessExtractor } from '../support/ingest-fixture.js';

/** Reads a raw connection until the other side closes it. */
function readUntilClosed(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) => socket.on('close', () => resolve(text)));
}

/**
 * A server stopping (SIGTERM: `serve` calls the same stop) while clients talk to it: a request that arrives
 * then is told the server is stopping and when to try again, and an event stream hears `server_stopping`
 * before it ends, so a client knows to reconnect later.
 */
describe('the API while the server stops', { tags: ['slow'] }, () => {
  it('answers a request arriving during the stop 503 with why and Retry-After, and tells event streams server_stopping', async () => {
    const server = await startTestServer();
    const uploader = await server.token('uploader');
    const created = await fetch(`${server.base}/create-session`, {
      method: 'POST',
      headers: { ...bearer(uploader), 'content-type': 'application/json' },
      body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
    });
    const { session_id: sessionId } = (await created.json()) as { session_id: string };

    // A session with nothing run yet: its stream stays open, waiting.
    const events = readEvents(
      await fetch(`${server.base}/${sessionId}/events`, { headers: bearer(uploader) }),
    );
    expect((await events.next()).value).toMatchObject({ event: 'snapshot' });

    // A request whose first bytes arrived before the stop (its connection is busy, not idle), the rest after.
    const url = new URL(`${server.base}/${sessionId}/status`);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const answer = readUntilClosed(socket);
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${uploader}\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    const stopped = server.stop();
    const rest: string[] = [];
    for await (const event of events) rest.push(event.event + ' ' + JSON.stringify(event.data));
    expect(rest).toEqual([
      `server_stopping ${JSON.stringify({
        session_id: sessionId,
        message:
          'the server is stopping: its processing resumes when it starts again; reconnect then to follow it',
      })}`,
    ]);

    socket.write('\r\n');
    const [head, body] = (await answer).split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/^retry-after: 10$/im);
    expect(head).toMatch(/^connection: close$/im);
    expect(JSON.parse(body!)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the server is stopping: try again in 10 seconds',
    });
    await stopped;
  });

  it('a file whose OCR the stop cut short says what the API client can expect, not "run the same command again"', async () => {
    const workspace = createWorkspace({ copySample: false });
    await importSampleRegistry(workspace);
    // OCR as the pool runs it: the file waits for its pages until the stop aborts the wait.
    let reached!: () => void;
    const inOcr = new Promise<void>((resolve) => (reached = resolve));
    const ocr: TextExtractor = {
      ...inProcessExtractor,
      extract: (_file, options) =>
        new Promise((_resolve, reject) => {
          const signal = options?.waitSignal;
          signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
          reached();
        }),
    };
    const pdf = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';
    const first = await startTestServer({ workspace, extractor: ocr });
    let sessionId: string;
    try {
      const uploader = await first.token('uploader');
      const created = await fetch(`${first.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'frontend' }),
      });
      sessionId = ((await created.json()) as { session_id: string }).session_id;
      const uploaded = await fetch(`${first.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name: pdf, bytes: sampleFile(pdf) }]),
      });
      expect(uploaded.status).toBe(200);
      const started = await fetch(`${first.base}/${sessionId}/process?wait=false`, {
        method: 'POST',
        headers: bearer(uploader),
      });
      expect(started.status).toBe(202);
      await inOcr;
    } finally {
      await first.stop();
    }
    // The next server resumes the session; its file is held, so its status still shows the stopped file's message.
    const held = heldExtractor();
    const next = await startTestServer({ workspace, extractor: held.extractor });
    try {
      await held.started;
      const status = (await (
        await fetch(`${next.base}/${sessionId}/status`, { headers: bearer(await next.token('viewer')) })
      ).json()) as { files: { outcome: string | null; error_message: string | null }[] };
      expect(status.files).toHaveLength(1);
      expect(status.files[0]!.error_message).toBe(
        'stopped during its OCR by a stop of the server processing it; it is read again when the session resumes',
      );
    } finally {
      held.release();
      await next.stop();
      workspace.cleanup();
    }
  });
});
