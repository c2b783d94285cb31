import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createScratchChromaDatabase } from './chroma.js';
import { runCli } from './cli-binary.js';
import { createTempDir } from './databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from './ingest-fixture.js';
import { createScratchPostgresDatabase, postgresWanted } from './postgres.js';

/** The registries a kill-between-writes test runs on: a SQLite file in its folder, and a scratch PostgreSQL. */
export const KILL_TEST_REGISTRIES = [
  {
    name: 'SQLite',
    wanted: () => true,
    create: async (root: string) => ({ url: path.join(root, 'registry.db'), drop: async () => {} }),
  },
  { name: 'PostgreSQL', wanted: postgresWanted, create: () => createScratchPostgresDatabase() },
] as const;

export interface ChromaRegistryWorkspace {
  root: string;
  database: { url: string; drop(): Promise<void> };
  chroma: Awaited<ReturnType<typeof createScratchChromaDatabase>>;
  /** TECSALUD_DB, the Chroma store and its database: what every command of the test runs with. */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/**
 * A folder with `files` of the sample in `drop/`, a registry of `registry`'s kind filled from the sample's CSV,
 * a scratch Chroma database, and `drop` ingested into both by the built CLI (which must exit `ingestExit`).
 */
export async function createChromaRegistryWorkspace(options: {
  prefix: string;
  registry: (typeof KILL_TEST_REGISTRIES)[number];
  files: readonly string[];
  ingestExit: number;
}): Promise<ChromaRegistryWorkspace> {
  const root = createTempDir(options.prefix);
  fs.mkdirSync(path.join(root, 'drop'));
  for (const name of options.files) {
    fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(root, 'drop', name));
  }
  const database = await options.registry.create(root);
  const chroma = await createScratchChromaDatabase();
  const env = {
    TECSALUD_DB: database.url,
    TECSALUD_VECTOR_STORE: 'chroma',
    CHROMA_URL: chroma.url,
    CHROMA_DATABASE: chroma.database,
  };
  expect((await runCli(['patients', 'import', REGISTRY_CSV], { cwd: root, env })).code).toBe(0);
  const ingested = await runCli(['ingest', 'drop', '--non-interactive'], { cwd: root, env });
  expect(ingested.code, ingested.stderr).toBe(options.ingestExit);
  return {
    root,
    database,
    chroma,
    env,
    async cleanup() {
      await chroma.drop();
      await database.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
