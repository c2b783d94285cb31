import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempDir } from '../../support/databases.js';
import { REPO_ROOT } from '../../support/ingest-fixture.js';

/**
 * Closing the extraction pool from a process with nothing else to do, as the built CLI does at the end of a
 * run: a child that has to be killed (it did not end on the SIGTERM) is still waited for, and the process
 * goes on to what follows (the summary) instead of ending with exit code 13.
 */

let dir: string;
beforeEach(() => (dir = createTempDir('tecsalud-pool-close-')));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('closeChildProcessPool (built)', () => {
  it('waits for a child that must be killed, and the process carries on', () => {
    const pool = pathToFileURL(
      path.join(REPO_ROOT, 'dist', 'adapters', 'extraction', 'child-process-pool.js'),
    ).href;
    // Takes no notice of the pool's close signal nor of its SIGTERM: only tinypool's SIGKILL ends it.
    fs.writeFileSync(
      path.join(dir, 'stubborn-worker.js'),
      "process.removeAllListeners('SIGTERM'); process.on('SIGTERM', () => {});\nexport default async () => 'done';\n",
    );
    fs.writeFileSync(
      path.join(dir, 'main.mjs'),
      `import { closeChildProcessPool, createChildProcessPool } from ${JSON.stringify(pool)};
const pool = createChildProcessPool({ workerName: 'stubborn-worker', nextTo: import.meta.url, processes: 1 });
console.log(await pool.run({}));
await closeChildProcessPool(pool);
console.log('closed');
`,
    );
    const result = spawnSync(process.execPath, [path.join(dir, 'main.mjs')], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stdout).toBe('done\nclosed\n');
    expect(result.status).toBe(0);
  });
});
