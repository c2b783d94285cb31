import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pRetry from 'p-retry';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';

/**
 * PostgreSQL for the repository suites: `.ci/services.sh` starts a server and exports
 * TECSALUD_TEST_POSTGRES. In CI the suites must run there, so a missing URL is an error, not a skip.
 */
export const POSTGRES_URL_VARIABLE = 'TECSALUD_TEST_POSTGRES';

export function postgresTestUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[POSTGRES_URL_VARIABLE]?.trim() || undefined;
}

/** PostgreSQL joins the suites when it is configured, and always in CI (where it must be). */
export function postgresWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return postgresTestUrl(env) !== undefined || Boolean(env.CI);
}

function requireUrl(): string {
  const url = postgresTestUrl();
  if (!url) {
    throw new Error(
      `${POSTGRES_URL_VARIABLE} is not set: in CI the PostgreSQL suites must run (source .ci/services.sh first)`,
    );
  }
  return url;
}

/** Runs `work` with one client on the server's admin database. */
async function withAdminClient<T>(work: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: requireUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database on the test server, so each test starts from nothing and tests can run in
 * parallel. Returns its URL and a function that drops it.
 */
export async function createScratchPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tecsalud_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  return { url: databaseUrl(name), drop: () => dropDatabase(name) };
}

/**
 * DROP DATABASE … WITH (FORCE) cannot end an autovacuum worker (its process has no role, so only a
 * superuser or a member of pg_signal_backend may signal it) that a test's deletes woke on the scratch
 * database: the drop fails with "must be a member of … pg_signal_backend". The worker finishes within
 * moments, so the drop is tried again for up to 15 s.
 */
async function dropDatabase(name: string): Promise<void> {
  await retryEvery(250, 60, /pg_signal_backend/, () =>
    withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  );
}

/** Runs `work` up to `attempts` times, `delayMs` apart, while it fails with an error matching `transient`. */
function retryEvery<T>(
  delayMs: number,
  attempts: number,
  transient: RegExp,
  work: () => Promise<T>,
): Promise<T> {
  return pRetry(work, {
    retries: attempts - 1,
    minTimeout: delayMs,
    factor: 1,
    shouldRetry: ({ error }) => transient.test(String(error)),
  });
}

/**
 * A new database that already holds the schema: a copy of a template migrated once. Migrating a fresh
 * database took ~240 ms of every repository test on PostgreSQL (more than the test itself); copying a
 * template costs what creating an empty database does. Tests that need an empty database use
 * createScratchPostgresDatabase.
 */
export async function createMigratedPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  migratedTemplate ??= ensureMigratedTemplate();
  const template = await migratedTemplate;
  const name = `tecsalud_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return { url: databaseUrl(name), drop: () => dropDatabase(name) };
}

let migratedTemplate: Promise<string> | undefined;

const TEMPLATE_PREFIX = 'tecsalud_tpl_';
/** pg_advisory_lock key that serialises the test processes building a template. */
const TEMPLATE_LOCK = 7_460_019;
const MIGRATIONS_DIR = path.join(import.meta.dirname, '..', '..', 'src', 'db', 'migrations');

/**
 * The template's name carries a hash of the migrations' sources, so a changed migration gets a new
 * template and nothing ever copies a stale schema. Test processes share it: the first to take the lock
 * builds it under a temporary name and renames it when migrated, so a process killed midway leaves no
 * half-migrated template behind. Connections to it are then refused, so that neither a test nor
 * autovacuum can hold it open while another process copies it. Templates of other migration sets are
 * dropped as the new one is made.
 */
async function ensureMigratedTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  const name = `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 16)}`;
  const building = `${name}_building`;
  await withAdminClient(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return;
      await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${building}`);
      const database = await openDatabase(resolveDatabaseTarget(databaseUrl(building), { cwd: os.tmpdir() }));
      await database.close();
      // The pool's backends end just after it closes: a rename while one remains is refused.
      await retryEvery(50, 40, /being accessed by other users/, () =>
        client.query(`ALTER DATABASE ${building} RENAME TO ${name}`),
      );
      await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      const stale = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2',
        [TEMPLATE_PREFIX, name],
      );
      for (const { datname } of stale.rows) {
        await client.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
  return name;
}

function databaseUrl(name: string): string {
  const url = new URL(requireUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
