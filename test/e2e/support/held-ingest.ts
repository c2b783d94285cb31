import fs from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { importRegistry } from '../../../src/app/import-registry.js';
import { spawnCli } from '../../support/cli-binary.js';
import { createTempDir } from '../../support/databases.js';
import { copyDelivered } from '../../support/delivered-files.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../../support/ingest-fixture.js';

/**
 * A drop folder of the sample, its registry imported, and an embeddings server whose every request waits until
 * `release()`: a built `ingest` started on it stays in the middle of its files, at a known point, for as long
 * as a test needs it there (to kill it, interrupt it, hang up its terminal, or read its state meanwhile).
 */
export interface HeldIngestWorkspace {
  root: string;
  drop: string;
  db: string;
  env: NodeJS.ProcessEnv;
  embeddings: FakeOpenAiServer;
  /** Lets the held requests (and every later one) through. */
  release(): void;
  /** `ingest drop --non-interactive … ARGS`, resolved once it is held at its first embedding request. */
  startHeldIngest(args?: string[]): Promise<HeldIngest>;
  cleanup(): Promise<void>;
}

export interface HeldIngest {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

export async function createHeldIngestWorkspace(
  prefix: string,
  apiKey: string,
): Promise<HeldIngestWorkspace> {
  const root = createTempDir(prefix);
  const drop = path.join(root, 'drop');
  copyDelivered(SAMPLE_DIR, drop);
  const db = path.join(root, 'registry.db');
  const embeddings = await startFakeOpenAiServer({ dimension: 16, apiKey });
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  embeddings.inject(...Array.from({ length: 200 }, () => ({ kind: 'held' as const, until: held })));
  const env = { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${embeddings.url}/v1`, TECSALUD_DB: db };
  fs.writeFileSync(
    path.join(root, 'tecsalud-batch.config.json'),
    JSON.stringify({ embedder: 'openai', embedding: { model: 'text-embedding-3-small', dimensions: 16 } }),
  );
  await importRegistry({ file: REGISTRY_CSV, db, cwd: root });

  async function startHeldIngest(args: string[] = []): Promise<HeldIngest> {
    const child = spawnCli(
      ['ingest', drop, '--non-interactive', '--concurrency', '1', '--embed-batch-size', '4', ...args],
      {
        cwd: root,
        env,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      embeddings.onRequest(() => resolve());
      void exited.then(() => reject(new Error(`ingest ended before it was held:\n${stderr}`)));
    });
    return { child, exited, stdout: () => stdout, stderr: () => stderr };
  }

  return {
    root,
    drop,
    db,
    env,
    embeddings,
    release: () => release(),
    startHeldIngest,
    cleanup: async () => {
      release();
      await embeddings.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
