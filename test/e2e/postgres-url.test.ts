import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';

/**
 * A postgres:// URL missing its host or its database name is refused before any connection: node-postgres
 * would otherwise try its defaults (a local socket, localhost:5432, a database named after the user).
 */
describe('a PostgreSQL URL without a host or a database (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeAll(() => {
    cwd = createTempDir('tecsalud-pg-url-');
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, { cwd, env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '', ...env }, timeoutMs: 20_000 });

  it.each([
    ['postgres://', 'no host and no database name'],
    ['postgres://user@/', 'no host and no database name'],
    ['postgresql:///', 'no host and no database name'],
    ['postgres://127.0.0.1:5432', 'no database name'],
    ['postgres://tecsalud@127.0.0.1:5432/', 'no database name'],
  ])('refuses %s: it has %s, with an example of a right one, exit 64', async (url, missing) => {
    const refused = await run(['patients', 'list', '--db', url]);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.stderr).toContain(`error: the PostgreSQL URL in --db ('${url}') has ${missing}\n`);
    expect(refused.stderr).toContain(
      'hint: write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, e.g. postgres://',
    );
    expect(refused.stderr).not.toMatch(/ECONNREFUSED|ENOENT|\.s\.PGSQL|\n\s+at /);
  });

  it('refuses it from the environment for the worker and serve too, in Spanish under a Spanish locale', async () => {
    const [worker, serve] = await Promise.all([
      run(['worker', '--until-idle'], { TECSALUD_DB: 'postgres://' }),
      run(['serve'], { TECSALUD_DB: 'postgres://db.hospital.local', LANG: 'es_MX.UTF-8' }),
    ]);
    expect(worker.code).toBe(ExitCode.Usage);
    expect(worker.stderr).toContain(
      "error: the PostgreSQL URL in TECSALUD_DB ('postgres://') has no host and no database name",
    );
    expect(serve.code).toBe(ExitCode.Usage);
    expect(serve.stderr).toContain(
      "error: la URL de PostgreSQL en TECSALUD_DB ('postgres://db.hospital.local') no indica el nombre de la base de datos",
    );
    // The hint's label is the reader's language too.
    expect(serve.stderr).toMatch(/\nsugerencia: /);
    expect(serve.stderr).not.toContain('hint:');
  });

  it('keeps the socket form: the host given as ?host=/socket/dir', async () => {
    const socket = await run(['patients', 'list', '--db', `postgres:///tecsalud?host=${cwd}`]);
    // Tried (no server listens in that folder): a service problem, not a refused URL.
    expect(socket.code).toBe(ExitCode.ServiceUnavailable);
    expect(socket.stderr).not.toContain('has no host');
  });
});
