// `serve --json`: a script that starts the server on --port 0 reads where it listens from one JSON line on
// stdout, while the server runs; the lines for people go to stderr, in their language.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

const root = createTempDir('tecsalud-serve-json-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('serve --json', { tags: ['slow'] }, () => {
  it('prints one JSON line with the port bound under --port 0 once listening, and nothing else on stdout', async () => {
    const child = spawnCli(
      ['serve', '--json', '--port', '0', '--db', path.join(root, 'registry.db'), '--upload-dir', 'uploads'],
      {
        cwd: root,
        env: { LANG: 'es_MX.UTF-8', LC_ALL: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'close');
    try {
      // Read as a script would: the first line, while the server goes on running.
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const started = JSON.parse(line) as Record<string, unknown>;
      const port = started.port as number;
      expect(port).toBeGreaterThan(0);
      const url = `http://127.0.0.1:${port}`;
      expect(started).toEqual({
        url,
        host: '127.0.0.1',
        port,
        api: `${url}/api/v1/documents/batch`,
        docs: `${url}/api/v1/docs`,
        openapi: `${url}/api/v1/openapi.json`,
        pid: child.pid,
        auth: true,
        active_tokens: 0,
        resumed_sessions: [],
        swept_uploads: 0,
        expired_sessions: [],
        session_expiry_minutes: 72 * 60,
      });
      expect((await fetch(`${started.api as string}/health`)).status).toBe(200);
      // What people read is on stderr, in Spanish here.
      expect(stderr).toContain(`escuchando en ${url}/api/v1/documents/batch`);
      expect(stderr).toContain('no hay tokens utilizables');
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited)[0]).toBe(0);
    expect(stderr).toContain('Deteniendo');
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });
});
