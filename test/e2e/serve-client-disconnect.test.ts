// A client that disconnects mid-upload, as the operator meets it: the built CLI's `serve --log-file`, a raw
// connection closed halfway through a multipart body, and the log and the session read back.
import fs from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { readJsonLines } from '../support/json-lines.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { apiClient, startServe, type ServeProcess } from './support/serve-cli.js';

const PDF = fs
  .readdirSync(SAMPLE_DIR)
  .sort()
  .find((name) => name.startsWith('3000312954_'))!;
const BOUNDARY = 'disconnect-boundary';

let root: string;
let server: ServeProcess;
beforeAll(async () => {
  root = createTempDir('tecsalud-serve-disconnect-');
  server = await startServe(
    [
      '--no-auth',
      '--db',
      path.join(root, 'registry.db'),
      '--upload-dir',
      'uploads',
      '--log-file',
      'serve.log',
    ],
    { cwd: root },
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a client that disconnects mid-upload', { tags: ['slow'] }, () => {
  it('is logged at info as a client disconnect, not an error with a stack, and leaves nothing registered or on disk', async () => {
    const api = apiClient(server.base, 'unused');
    const sessionId = await api.createSession();
    const part = (name: string) =>
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="files"; filename="${name}"\r\ncontent-type: application/pdf\r\n\r\n`;
    const pdf = fs.readFileSync(path.join(SAMPLE_DIR, PDF));
    // One whole file, then half of a second, then the connection closes.
    const body = Buffer.concat([
      Buffer.from(part(PDF)),
      pdf,
      Buffer.from(`\r\n${part('second.pdf')}`),
      pdf.subarray(0, pdf.length / 2),
    ]);
    const url = new URL(`${server.base}/${sessionId}/upload`);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
            `content-length: ${body.length + 1000}\r\n\r\n`,
        );
        socket.write(body, () => setTimeout(() => socket.destroy(), 300));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const log = path.join(root, 'serve.log');
    const deadline = Date.now() + 10_000;
    const disconnectLine = () => readJsonLines(log).find((line) => String(line.msg).includes('disconnected'));
    while (!disconnectLine() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(disconnectLine()).toMatchObject({
      level: 30,
      session_id: sessionId,
      files_received: 1,
      msg: 'the client disconnected during the upload: nothing of it was kept or registered',
    });
    const lines = readJsonLines(log);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    // Nothing half-registered, no temporary file left behind.
    expect((await api.status(sessionId)).files).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'uploads', sessionId))).toEqual([]);
  });
});
