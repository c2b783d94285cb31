import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from './cli-binary.js';
import { createTempDir } from './databases.js';
import { REGISTRY_CSV } from './ingest-fixture.js';
import { createScratchPostgresDatabase } from './postgres.js';

/** A folder with a `drop/` folder, and a scratch PostgreSQL registry (TECSALUD_DB in `env`) holding the sample's patients. */
export interface PostgresWorkspace {
  cwd: string;
  drop: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** For the e2e tests of the job queue, which needs PostgreSQL; `fill` puts the files in the drop folder. */
export async function createPostgresWorkspace(
  prefix: string,
  fill: (drop: string) => void,
): Promise<PostgresWorkspace> {
  const cwd = createTempDir(prefix);
  const drop = path.join(cwd, 'drop');
  fs.mkdirSync(drop);
  fill(drop);
  const registry = await createScratchPostgresDatabase();
  const env = { TECSALUD_DB: registry.url };
  const imported = await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env });
  expect(imported.code, imported.stderr).toBe(0);
  return {
    cwd,
    drop,
    env,
    cleanup: async () => {
      await registry.drop().catch(() => undefined);
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}
