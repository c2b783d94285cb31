import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceDown } from '../../src/db/connection-loss.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { startSilentServer } from '../support/tcp-faults.js';

describe('serviceDown', () => {
  it('calls a server that took the connection and never answered unreachable, not a lost connection', async () => {
    const silent = await startSilentServer();
    try {
      const url = `postgres://tecsalud:pw@127.0.0.1:${silent.port}/nowhere`;
      const target = resolveDatabaseTarget(url, { cwd: '/' });
      // As the pool the commands use says it, and as a single client does.
      const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 300 });
      pool.on('error', () => undefined);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 300 });
      client.on('error', () => undefined);
      const errors = [await pool.query('select 1').catch((e: unknown) => e), await client.connect().catch((e: unknown) => e)];
      await pool.end().catch(() => undefined);
      for (const error of errors) {
        const down = serviceDown(error, { target });
        expect(down?.message, (error as Error).message).toMatch(/^cannot reach the PostgreSQL database /);
        expect(down?.message).not.toContain(':pw@');
      }
    } finally {
      await silent.close();
    }
  });
});
