import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { createMigratedPostgresDatabase, postgresWanted } from '../support/postgres.js';

/**
 * Connecting to PostgreSQL. Over its Unix socket, written as libpq's URLs write it, through the built CLI: with the user and
 * password before an empty host (`postgres://USER:PASSWORD@/DB?host=/dir`, which WHATWG URL alone refuses),
 * or all in parameters (`postgres:///DB?host=/dir&user=…&password=…`). `doctor` does not call a socket
 * "the network", and never prints the password, wherever the URL holds it.
 */
describe.runIf(postgresWanted())(
  'connecting to PostgreSQL: its Unix socket, a wrong database or user (the real CLI)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    let scratch: { url: string; drop(): Promise<void> };
    let socketDir: string;
    let parts: URL;
    beforeAll(async () => {
      cwd = createTempDir('tecsalud-pg-socket-');
      scratch = await createMigratedPostgresDatabase();
      parts = new URL(scratch.url);
      // The server's socket for this port, as the kernel lists listening sockets (reading the setting needs a superuser).
      const socket = fs
        .readFileSync('/proc/net/unix', 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
        .find((file) => file.endsWith(`/.s.PGSQL.${parts.port}`));
      socketDir = socket ? path.dirname(socket) : '';
      expect(socketDir).toMatch(/^\//);
    });
    afterAll(async () => {
      fs.rmSync(cwd, { recursive: true, force: true });
      await scratch?.drop();
    });

    const run = (args: string[]) =>
      runCli(args, { cwd, env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '' }, timeoutMs: 30_000 });
    const database = () => parts.pathname.slice(1);
    const mkdirDrop = () => {
      fs.mkdirSync(path.join(cwd, 'drop'), { recursive: true });
      fs.copyFileSync(
        path.join(SAMPLE_DIR, '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf'),
        path.join(cwd, 'drop', 'x.pdf'),
      );
    };

    it('connects with USER:PASSWORD@ before an empty host, and doctor says the socket is on this machine', async () => {
      const url = `postgres://${parts.username}:${parts.password}@/${database()}?host=${socketDir}&port=${parts.port}`;
      const listed = await run(['patients', 'list', '--db', url]);
      expect(listed.stderr).toBe('');
      expect(listed.code).toBe(ExitCode.Success);
      expect(listed.stdout).toMatch(/^0 of 0 patients shown/);

      const doctor = await run(['doctor', '--db', url]);
      const line = doctor.stdout.split('\n').find((l) => /^\S+\s+database /.test(l));
      expect(line).toMatch(
        /^OK\s+database\s+postgres:\/\/\S+:\*\*\*@\/\S+ \(postgres\) is reachable and migrated; not encrypted \(a Unix socket on this machine/,
      );
      expect(doctor.stdout + doctor.stderr).not.toContain(`:${parts.password}@`);
    });

    it('connects with everything in parameters, and prints the password parameter redacted', async () => {
      const url =
        `postgres:///${database()}?host=${socketDir}&port=${parts.port}` +
        `&user=${parts.username}&password=${parts.password}`;
      const listed = await run(['patients', 'list', '--db', url]);
      expect(listed.code).toBe(ExitCode.Success);
      const doctor = await run(['doctor', '--db', url]);
      expect(doctor.stdout).toMatch(/^OK\s+database\s+.*&password=\*\*\* \(postgres\) is reachable/m);
      expect(doctor.stdout + doctor.stderr).not.toContain(`password=${parts.password}`);
    });

    it('a database the server does not have, a user it does not know: what is wrong and how to fix it, not "migration failed"', async () => {
      const noDatabase = new URL(scratch.url);
      noDatabase.pathname = '/no_such_database';
      const noUser = new URL(scratch.url);
      noUser.username = 'no_such_user';
      const [database, user] = await Promise.all([
        run(['patients', 'list', '--db', noDatabase.href]),
        run(['patients', 'list', '--db', noUser.href]),
      ]);
      expect(database.code).toBe(ExitCode.ServiceUnavailable);
      expect(database.stderr).toMatch(
        /^error: the PostgreSQL server of postgres:\/\/\S+:\*\*\*@\S+\/no_such_database has no database named 'no_such_database'\nhint: correct the database name at the end of the URL, or create the database first/,
      );
      expect(user.code).toBe(ExitCode.ServiceUnavailable);
      expect(user.stderr).toMatch(
        /^error: the PostgreSQL server of \S+ refused the connection \(role "no_such_user" does not exist\)\nhint: check the user name in the URL/,
      );
      for (const output of [database.stderr, user.stderr]) expect(output).not.toMatch(/migration|\n\s+at /);
    });

    it('sslmode=require against a server without TLS: what to change, not "migration failed" or an internal error', async () => {
      // The test server has no TLS: a site that adds sslmode=require before turning TLS on meets exactly this.
      const encrypted = new URL(scratch.url);
      encrypted.searchParams.set('sslmode', 'require');
      const error =
        /^error: the PostgreSQL server of postgres:\/\/\S+:\*\*\*@\S+\?sslmode=require does not accept encrypted \(TLS\) connections, which the URL's sslmode asks for\nhint: turn TLS on at the server \(ssl = on in postgresql\.conf/;
      mkdirDrop();
      for (const args of [
        ['status'],
        ['ingest', 'drop', '--dry-run'],
        ['ingest', 'drop', '--non-interactive'],
      ]) {
        const refused = await run([...args, '--db', encrypted.href]);
        expect(refused.stderr, args.join(' ')).toMatch(error);
        expect(refused.stderr).not.toMatch(/migration|internal error|\n\s+at /);
        expect(refused.code, args.join(' ')).toBe(ExitCode.ServiceUnavailable);
      }
      const doctor = await run(['doctor', '--db', encrypted.href]);
      expect(doctor.stdout).toMatch(
        /^FAIL +database +the PostgreSQL server of \S+ does not accept encrypted \(TLS\) connections/m,
      );
      const spanish = await runCli(['status', '--db', encrypted.href], {
        cwd,
        env: { TECSALUD_DB: '', LANG: 'es_MX.UTF-8', LC_ALL: '' },
      });
      expect(spanish.stderr).toMatch(
        /^error: el servidor PostgreSQL de \S+ no acepta conexiones cifradas \(TLS\), que pide el sslmode de la URL\nsugerencia: active TLS en el servidor/,
      );
    });
  },
);
