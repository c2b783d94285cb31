import type { Kysely } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceDown } from '../../src/db/connection-loss.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { migrationsUnknownHere } from '../../src/db/migration-state.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createSqliteTestDatabase } from '../support/databases.js';
import { createScratchPostgresDatabase, postgresWanted } from '../support/postgres.js';
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
      const errors = [
        await pool.query('select 1').catch((e: unknown) => e),
        await client.connect().catch((e: unknown) => e),
      ];
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

describe.runIf(postgresWanted())('serviceDown on PostgreSQL storage', () => {
  it('reads a server out of disk space (SQLSTATE 53100) as a backend down that names the server, not a bug', async () => {
    const scratch = await createScratchPostgresDatabase();
    const client = new pg.Client({ connectionString: scratch.url });
    try {
      await client.connect();
      // The server's own error for a table or WAL it cannot extend, raised by the server itself.
      const error = await client
        .query(
          "do $$ begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$",
        )
        .catch((e: unknown) => e);
      const down = serviceDown(error, { target: resolveDatabaseTarget(scratch.url, { cwd: '/' }) });
      expect(down?.exitCode).toBe(69);
      expect(down?.message).toMatch(/^the PostgreSQL server of postgres:\/\/.* has run out of disk space$/);
      expect(down?.hint).toMatch(/free space on the server's data disk; then run the same command again/);
    } finally {
      await client.end();
      await scratch.drop();
    }
  });
});

describe('migrationsUnknownHere', () => {
  it('reports a server that never answers instead of reading it as a database with no migration table', async () => {
    const silent = await startSilentServer();
    const database = await openDatabase(
      resolveDatabaseTarget(`postgres://tecsalud:pw@127.0.0.1:${silent.port}/nowhere`, { cwd: '/' }),
      {
        migrate: false,
        connectTimeoutMs: 300,
      },
    );
    try {
      // Read as "no table", the worker went on to migrate and waited for a second connect timeout.
      await expect(migrationsUnknownHere(database.db as unknown as Kysely<unknown>)).rejects.toThrow(
        /timeout/,
      );
    } finally {
      await database.close();
      await silent.close();
    }
  });

  it('is empty for a database nothing has migrated yet', async () => {
    const database = createSqliteTestDatabase();
    const opened = await openDatabase(resolveDatabaseTarget(database.url, { cwd: '/' }), {
      migrate: false,
      create: true,
    });
    try {
      expect(await migrationsUnknownHere(opened.db as unknown as Kysely<unknown>)).toEqual([]);
    } finally {
      await opened.close();
      await database.cleanup();
    }
  });
});
