import fs from 'node:fs';
import path from 'node:path';
import { createApiToken, type ApiRole } from '../../src/app/api-tokens.js';
import type { TextExtractor } from '../../src/adapters/extraction/types.js';
import type { BackendConfig } from '../../src/config/load-config.js';
import { resolveIngestOptions } from '../../src/commands/ingest-options.js';
import {
  startServer,
  type RunningServer,
  type ServeSettings,
  type StartServerOptions,
} from '../../src/server/start-server.js';
import { defaultBackends } from './command-context.js';
import {
  createWorkspace,
  importSampleRegistry,
  inProcessExtractor,
  SAMPLE_DIR,
  type Workspace,
} from './ingest-fixture.js';

export const API = '/api/v1/documents/batch';

export interface TestServer {
  workspace: Workspace;
  running: RunningServer;
  /** `http://127.0.0.1:PORT/api/v1/documents/batch` */
  base: string;
  uploadDir: string;
  /** A token of this role, created once per role. */
  token(role: ApiRole): Promise<string>;
  /** Moves the server's clock (token expiry). */
  advanceClock(ms: number): void;
  stop(): Promise<void>;
}

/**
 * The HTTP API in this process, on an ephemeral loopback port, over a fresh workspace holding the sample
 * registry; text comes from the in-process stand-in for the extraction pool. Clients talk to it over real
 * HTTP (fetch).
 */
export async function startTestServer(
  options: {
    settings?: Partial<ServeSettings>;
    backends?: Partial<BackendConfig>;
    workspace?: Workspace;
    /** Instead of the in-process stand-in (one that holds files until a test lets them go, say). */
    extractor?: TextExtractor;
    /** Where the server's log goes (a stream the test reads), as `serve` sets it up; default none. */
    log?: StartServerOptions['log'];
  } = {},
): Promise<TestServer> {
  const workspace = options.workspace ?? createWorkspace({ copySample: false });
  if (!options.workspace) await importSampleRegistry(workspace);
  const uploadDir = path.join(workspace.root, 'uploads');
  let clock = Date.now();
  const now = () => new Date(clock);
  const location = { db: workspace.db, cwd: workspace.root };
  const running = await startServer({
    location,
    backends: { ...(await defaultBackends()), ...options.backends },
    settings: {
      host: '127.0.0.1',
      port: 0,
      uploadDir,
      auth: true,
      corsOrigins: [],
      rateLimitPerMinute: 0,
      trustProxy: false,
      maxFileSize: 10 * 1024 * 1024,
      maxFilesPerSession: 1000,
      ...options.settings,
    },
    defaults: resolveIngestOptions({ dir: uploadDir, cwd: workspace.root, concurrency: '4' }),
    extractor: options.extractor ?? inProcessExtractor,
    log: options.log ?? null,
    now,
  });
  const tokens = new Map<ApiRole, Promise<string>>();
  return {
    workspace,
    running,
    base: `${running.url}${API}`,
    uploadDir,
    token(role) {
      let token = tokens.get(role);
      if (!token) {
        token = createApiToken(location, {
          name: `test-${role}`,
          role,
          createdBy: 'test',
          expiresAt: null,
          now,
        }).then((t) => t.token);
        tokens.set(role, token);
      }
      return token;
    },
    advanceClock(ms) {
      clock += ms;
    },
    async stop() {
      await running.stop();
      if (!options.workspace) workspace.cleanup();
    },
  };
}

/**
 * The in-process extractor, holding every file until `release` is called: a run stays in flight (and keeps
 * its session's lock) for as long as a test needs. `started` resolves when the first file reaches it.
 */
export function heldExtractor(): { extractor: TextExtractor; started: Promise<void>; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const reached = new Promise<void>((resolve) => (started = resolve));
  return {
    extractor: {
      ...inProcessExtractor,
      async extract(file, options) {
        started();
        await released;
        return inProcessExtractor.extract(file, options);
      },
    },
    started: reached,
    release,
  };
}

/** A sample PDF's bytes. */
export function sampleFile(name: string): Buffer {
  return fs.readFileSync(path.join(SAMPLE_DIR, name));
}

/** A multipart body of `files` parts, as a browser's FormData sends it. */
export function filesForm(files: { name: string; bytes: Buffer | string; field?: string }[]): FormData {
  const form = new FormData();
  for (const file of files) {
    form.append(
      file.field ?? 'files',
      new Blob([typeof file.bytes === 'string' ? file.bytes : new Uint8Array(file.bytes)], {
        type: 'application/pdf',
      }),
      file.name,
    );
  }
  return form;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** `POST create-session` as an uploader's client calls it (a `complete` session by dra. lopez unless `body` says otherwise). */
export async function createSession<T = { session_id: string }>(
  server: Pick<TestServer, 'base'>,
  token: string,
  body: Record<string, unknown> = { processing_type: 'complete', uploaded_by: 'dra. lopez' },
): Promise<T> {
  const response = await fetch(`${server.base}/create-session`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/** One server-sent event: its name and its JSON data. */
export interface ServerEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a server-sent-events body until it ends. */
export async function* readEvents(response: Response): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) as Record<string, unknown> };
    }
  }
}
