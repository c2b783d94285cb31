import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
import { startProxyFor } from '../support/tcp-faults.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * In a process of its own, as a command does: opens the registry (pool connections and the run lock's own),
 * says `ready`, and on a line from the test closes everything and says `closed`. Whether the process then
 * exits by itself is the point: a socket left half-closed keeps it alive.
 */
const CHILD = `
import { openDatabase } from ${JSON.stringify(path.join(root, 'dist/db/open-database.js'))};
import { resolveDatabaseTarget } from ${JSON.stringify(path.join(root, 'dist/db/database-url.js'))};
import { sql } from 'kysely';
import readline from 'node:readline';
const database = await openDatabase(resolveDatabaseTarget(process.env.FROZEN_DB_URL, { cwd: '/' }), {
  queryTimeoutMs: 1000,
});
// Two pool connections at once, then idle in the pool; and one outside it.
await Promise.all([sql\`select pg_sleep(0.05)\`.execute(database.db), sql\`select 1\`.execute(database.db)]);
const dedicated = await database.openDedicatedConnection();
await dedicated.query('select 1');
console.log('ready');
for await (const _line of readline.createInterface({ input: process.stdin })) break;
await dedicated.close();
await database.close();
console.log('closed');
`;

describe.runIf(postgresWanted())('closing a PostgreSQL registry whose server froze', () => {
  it('the process exits: idle and dedicated connections are cut when the server never answers their goodbye', async () => {
    const scratch = await createScratchPostgresDatabase();
    const { proxy, viaProxy } = await startProxyFor(scratch.url);
    try {
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
        cwd: root,
        env: { ...process.env, FROZEN_DB_URL: viaProxy.toString() },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ready')) resolve();
        });
        child.on('exit', () => reject(new Error(`the child ended before it was ready:\n${stderr}`)));
      });
      proxy.hold(true);
      // Ended, so that the child's stdin does not keep it alive either.
      child.stdin.end('close\n');
      // A bound, not a speed: before, the process never exited (a test timeout), holding its cron slot.
      const bound = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(bound);
      expect(stdout, stderr).toContain('closed');
      expect(code, stderr).toBe(0);
    } finally {
      proxy.hold(false);
      await proxy.close();
      await scratch.drop();
    }
  });
});
