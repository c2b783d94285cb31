import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { bearer, readEvents, startTestServer } from '../support/api-server.js';

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
});
