import { randomBytes } from 'node:crypto';

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
  const url = new URL(requireUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/**
 * DROP DATABASE … WITH (FORCE) cannot end an autovacuum worker (its process has no role, so only a
 * superuser or a member of pg_signal_backend may signal it) that a test's deletes woke on the scratch
 * database: the drop fails with "must be a member of … pg_signal_backend". The worker finishes within
 * moments, so the drop is tried again for up to 15 s.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      if (attempt >= 60 || !/pg_signal_backend/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
