import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { chromaWanted, createScratchChromaDatabase } from '../support/chroma.js';
import {
  bearer,
  filesForm,
  readEvents,
  sampleFile,
  startTestServer,
  type ServerEvent,
  type TestServer,
} from '../support/api-server.js';
import { startFaultyProxy, type FaultyProxy } from '../support/tcp-faults.js';

/**
 * A session whose processing cannot start (its vector store refused, or silent until its time-out), asked
 * for with `?wait=false`: the client that follows the status or the events learns that it stopped and why
 * (`failed`, with the message, and the stream's `session_finished`), and a later process call runs it. And
 * the events stream's first snapshot counts the files uploaded so far, as the status does.
 */

const SAMPLE = fs.readdirSync(SAMPLE_DIR).sort();
const FIRST = SAMPLE.find((name) => name.startsWith('3000768077'))!;
const SECOND = SAMPLE.find((name) => name.startsWith('3000875628'))!;

type SessionEvent = ServerEvent;

interface Status {
  status: string;
  detailed_status: string;
  total_files: number;
  error_message: string | null;
  files: { filename: string; processing_status: string; outcome: string | null }[];
}

/** Every event until the stream ends; fails when it has not ended within `ms`. */
async function allEvents(events: AsyncGenerator<SessionEvent>, ms: number): Promise<SessionEvent[]> {
  const seen: SessionEvent[] = [];
  const reading = (async () => {
    for await (const event of events) seen.push(event);
    return seen;
  })();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the event stream had not ended after ${ms} ms: ${JSON.stringify(seen)}`)),
      ms,
    );
  });
  try {
    return await Promise.race([reading, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The calls a client makes, against one server. */
function client(server: TestServer, uploader: string, viewer: string) {
  return {
    async newSession(): Promise<string> {
      const response = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(uploader), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: 'dra. lopez' }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { session_id: string }).session_id;
    },
    upload: (sessionId: string, name: string) =>
      fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(uploader),
        body: filesForm([{ name, bytes: sampleFile(name) }]),
      }),
    process: (sessionId: string, query = '') =>
      fetch(`${server.base}/${sessionId}/process${query}`, { method: 'POST', headers: bearer(uploader) }),
    async status(sessionId: string): Promise<Status> {
      const response = await fetch(`${server.base}/${sessionId}/status`, { headers: bearer(viewer) });
      expect(response.status).toBe(200);
      return (await response.json()) as Status;
    },
    events: (sessionId: string, signal?: AbortSignal) =>
      fetch(`${server.base}/${sessionId}/events`, { headers: bearer(viewer), signal }),
  };
}

describe('a session whose processing cannot start, processed with ?wait=false', { tags: ['slow'] }, () => {
  let silent: net.Server;
  const held = new Set<net.Socket>();
  let server: TestServer;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    // A "Chroma" that accepts connections and never answers: the store's check times out (1 s here).
    silent = net.createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    server = await startTestServer({
      backends: { vectorStore: 'chroma', chroma: { url: `http://127.0.0.1:${port}`, timeoutSeconds: 1 } },
    });
    api = client(server, await server.token('uploader'), await server.token('viewer'));
  });
  afterAll(async () => {
    await server?.stop();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('starts the events stream with the files uploaded so far, as the status counts them', async () => {
    const sessionId = await api.newSession();
    expect((await api.upload(sessionId, FIRST)).status).toBe(200);
    const status = await api.status(sessionId);
    expect(status).toMatchObject({ status: 'pending', total_files: 1 });

    const stop = new AbortController();
    const stream = await api.events(sessionId, stop.signal);
    expect(stream.status).toBe(200);
    try {
      const first = (await readEvents(stream).next()).value as SessionEvent;
      expect(first).toMatchObject({
        event: 'snapshot',
        data: { status: 'pending', total_files: status.total_files },
      });
    } finally {
      stop.abort();
    }
  });

  it('records the session failed, with why, and ends its event stream with session_finished', async () => {
    const sessionId = await api.newSession();
    expect((await api.upload(sessionId, FIRST)).status).toBe(200);
    const stream = await api.events(sessionId);
    const events = readEvents(stream);
    expect((await events.next()).value).toMatchObject({
      event: 'snapshot',
      data: { status: 'pending', total_files: 1 },
    });

    const started = await api.process(sessionId, '?wait=false');
    expect(started.status).toBe(202);
    const seen = await allEvents(events, 20_000);
    expect(seen.at(-1)).toMatchObject({
      event: 'session_finished',
      data: {
        session_id: sessionId,
        status: 'failed',
        total_files: 1,
        error_message: expect.stringMatching(/Chroma/),
      },
    });

    const status = await api.status(sessionId);
    expect(status).toMatchObject({ status: 'failed', detailed_status: 'failed', total_files: 1 });
    expect(status.error_message).toMatch(/Chroma/);
    // Nothing was taken: the file waits for the next process call.
    expect(status.files.map((f) => f.processing_status)).toEqual(['pending']);

    // A stream opened now hears the end at once.
    const replay = await allEvents(readEvents(await api.events(sessionId)), 5_000);
    expect(replay.map((e) => e.event)).toEqual(['snapshot', 'session_finished']);
    expect(replay[1]!.data).toMatchObject({ status: 'failed', error_message: status.error_message });

    // Processing it again tries again: still down, the waiting caller gets 503 with the message.
    const again = await api.process(sessionId);
    expect(again.status).toBe(503);
    const refused = ((await again.json()) as { message: string }).message;
    expect(refused).toMatch(/Chroma/);
    // What is down, never where it lives: that is for the operator's log.
    for (const told of [refused, status.error_message, JSON.stringify(seen.at(-1))]) {
      expect(told).not.toMatch(/http:|127\.0\.0\.1/);
    }
    expect(await api.status(sessionId)).toMatchObject({
      status: 'failed',
      error_message: expect.stringMatching(/Chroma/),
    });
  });
});

describe.runIf(chromaWanted())(
  'a session whose vector store is refused at start, then comes back',
  { tags: ['slow'] },
  () => {
    let scratch: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
    let proxy: FaultyProxy;
    let server: TestServer;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      scratch = await createScratchChromaDatabase();
      const target = new URL(scratch.url);
      proxy = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
      server = await startTestServer({
        backends: { vectorStore: 'chroma', chroma: { url: proxy.url, database: scratch.database } },
      });
      api = client(server, await server.token('uploader'), await server.token('viewer'));
    });
    afterAll(async () => {
      await server?.stop();
      await proxy?.close();
      await scratch?.drop();
    });

    it('says failed and why, takes more files, and a later process call runs it to the end', async () => {
      const sessionId = await api.newSession();
      expect((await api.upload(sessionId, FIRST)).status).toBe(200);
      proxy.refuse(true);
      const events = readEvents(await api.events(sessionId));
      expect((await events.next()).value).toMatchObject({ event: 'snapshot', data: { total_files: 1 } });
      expect((await api.process(sessionId, '?wait=false')).status).toBe(202);
      const seen = await allEvents(events, 30_000);
      expect(seen.at(-1)).toMatchObject({
        event: 'session_finished',
        data: { status: 'failed', error_message: expect.stringMatching(/Chroma/) },
      });
      const failed = await api.status(sessionId);
      expect(failed).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/Chroma/) });

      // It never started: it still takes files, as a pending session does.
      expect((await api.upload(sessionId, SECOND)).status).toBe(200);

      proxy.refuse(false);
      const done = await api.process(sessionId);
      expect(done.status).toBe(200);
      expect(await done.json()).toMatchObject({
        status: 'completed',
        total_files: 2,
        processed_files: 2,
        failed_files: 0,
      });
      const status = await api.status(sessionId);
      expect(status).toMatchObject({ status: 'completed', error_message: null, total_files: 2 });
      expect(status.files.every((f) => f.processing_status === 'completed')).toBe(true);

      // Again: nothing to do, nothing doubled.
      const rerun = await api.process(sessionId);
      expect(rerun.status).toBe(200);
      expect(await rerun.json()).toMatchObject({ status: 'completed', processed_files: 2 });
    });
  },
);
