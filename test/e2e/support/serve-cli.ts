import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli } from '../../support/cli-binary.js';

export const API = '/api/v1/documents/batch';

export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/api/v1/documents/batch` */
  base: string;
  stdout: () => string;
  stderr: () => string;
  /** The exit code once the server has stopped, however it was stopped. */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code once the server has stopped. */
  stop(): Promise<number | null>;
}

/** The built `tecsalud-batch serve ARGS` on an ephemeral loopback port; resolves once it says where it listens (in either language). */
export async function startServe(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ServeProcess> {
  const child = spawnCli(['serve', '--port', '0', ...args], options);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /(?:listening on|escuchando en) (http:\/\/127\.0\.0\.1:\d+)/.exec(out))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${out}\n${err}`);
    }
    await sleep(25);
  }
  return {
    child,
    base: `${match[1]}${API}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A token for the API, made with `tokens create` against the registry at `db`. */
export async function createToken(
  db: string,
  cwd: string,
  role: 'uploader' | 'admin' = 'uploader',
): Promise<string> {
  const created = await runCli(['tokens', 'create', '--name', 'e2e', '--role', role, '--db', db, '--json'], {
    cwd,
  });
  if (created.code !== 0) throw new Error(`tokens create exited ${created.code}: ${created.stderr}`);
  return (JSON.parse(created.stdout) as { token: string }).token;
}

/** A client of one server with one token: the calls the hospital front end makes. */
export function apiClient(base: string, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    async createSession(): Promise<string> {
      const response = await fetch(`${base}/create-session`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'e2e' }),
      });
      if (response.status !== 200)
        throw new Error(`create-session: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { session_id: string }).session_id;
    },
    async upload(sessionId: string, files: { name: string; bytes: Uint8Array }[]): Promise<Response> {
      const form = new FormData();
      for (const file of files) form.append('files', new Blob([new Uint8Array(file.bytes)]), file.name);
      return fetch(`${base}/${sessionId}/upload`, { method: 'POST', headers: auth, body: form });
    },
    /** Processes the session and answers when it is done, as the service does. */
    async process(sessionId: string): Promise<Response> {
      return fetch(`${base}/${sessionId}/process`, { method: 'POST', headers: auth });
    },
    async status(
      sessionId: string,
    ): Promise<{ status: string; files: { filename: string; outcome: string | null; file_id: string }[] }> {
      const response = await fetch(`${base}/${sessionId}/status`, { headers: auth });
      return (await response.json()) as {
        status: string;
        files: { filename: string; outcome: string | null; file_id: string }[];
      };
    },
    get: (route: string) => fetch(`${base}${route}`, { headers: auth }),
  };
}
