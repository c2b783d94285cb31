import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';

let root: string;
let db: string;

beforeAll(async () => {
  root = createTempDir('tecsalud-tokens-');
  db = path.join(root, 'registry.db');
  // A registry to hold the tokens: `tokens` never creates a database (a mistyped --db must not swallow a token).
  const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--db', db], { cwd: root });

function tokenRows(): {
  name: string;
  role: string;
  token_sha256: string;
  expires_at: string | null;
  revoked_at: string | null;
}[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle
      .prepare('select name, role, token_sha256, expires_at, revoked_at from api_tokens order by name')
      .all() as never;
  } finally {
    handle.close();
  }
}

describe('tokens create | list | revoke, through the CLI', { tags: ['slow'] }, () => {
  it('prints a token once, stores only its hash, lists without it, revokes it; mistakes are errors with hints (64)', async () => {
    const plain = await cli(
      'tokens',
      'create',
      '--name',
      'frontend',
      '--role',
      'uploader',
      '--user',
      'jlopez',
    );
    expect(plain.code, plain.stderr).toBe(0);
    const token = plain.stdout.trim();
    // stdout is the token alone (scripts capture it); the explanation goes to stderr.
    expect(token).toMatch(/^tsb_[A-Za-z0-9_-]{43}$/);
    expect(plain.stderr).toMatch(/Token 'frontend' \(uploader\) created\. It is shown only now/);

    const json = await cli(
      'tokens',
      'create',
      '--name',
      'admin-tools',
      '--role',
      'admin',
      '--expires',
      '90d',
      '--json',
    );
    expect(json.code, json.stderr).toBe(0);
    const created = JSON.parse(json.stdout) as {
      name: string;
      role: string;
      expires_at: string;
      token: string;
    };
    expect(created).toMatchObject({ name: 'admin-tools', role: 'admin' });
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThanOrEqual(90);
    // `6m` for six months would have been a token of six minutes.
    const ambiguous = await cli(
      'tokens',
      'create',
      '--name',
      'half-year',
      '--role',
      'viewer',
      '--expires',
      '6m',
    );
    expect(ambiguous.code).toBe(64);
    expect(ambiguous.stderr).toContain("error: --expires '6m' is ambiguous: m would be minutes, not months");
    expect(ambiguous.stderr).toContain('hint: write months as weeks or days (six months: 26w or 182d)');

    const rows = tokenRows();
    expect(rows.map((r) => r.name)).toEqual(['admin-tools', 'frontend']);
    expect(rows.find((r) => r.name === 'frontend')!.token_sha256).toBe(
      createHash('sha256').update(token).digest('hex'),
    );
    // Not the token itself, anywhere in the database's files.
    for (const file of fs.readdirSync(root).filter((name) => name.startsWith('registry.db'))) {
      const bytes = fs.readFileSync(path.join(root, file));
      expect(bytes.includes(token), file).toBe(false);
      expect(bytes.includes(created.token), file).toBe(false);
    }

    const listed = await cli('tokens', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^frontend\s+uploader\s+active\s+never/m);
    expect(listed.stdout).toMatch(/^admin-tools\s+admin\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/m);
    expect(listed.stdout).not.toContain('tsb_');
    const listedJson = JSON.parse((await cli('tokens', 'list', '--json')).stdout) as Record<
      string,
      unknown
    >[];
    expect(listedJson.find((t) => t.name === 'frontend')).toMatchObject({
      role: 'uploader',
      state: 'active',
      created_by: 'jlopez',
      revoked_at: null,
    });
    expect(JSON.stringify(listedJson)).not.toMatch(/tsb_|sha256/);

    const again = await cli('tokens', 'create', '--name', 'frontend', '--role', 'viewer');
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/^error: a token named 'frontend' already exists\nhint: /m);
    const badExpiry = await cli('tokens', 'create', '--name', 'x', '--role', 'viewer', '--expires', 'soon');
    expect(badExpiry.code).toBe(64);
    expect(badExpiry.stderr).toMatch(/error: --expires 'soon' is not a duration\nhint: write it like 90d/);
    // Past any date a clock holds: said, never a RangeError's stack trace (exit 70).
    const endless = await cli(
      'tokens',
      'create',
      '--name',
      'x',
      '--role',
      'viewer',
      '--expires',
      '99999999999d',
    );
    expect(endless.code).toBe(64);
    expect(endless.stderr).toMatch(/^error: --expires '99999999999d' is too long\nhint: at most 100y; /);
    // Read as cleanup --older-than reads a duration: minutes and decimals too; zero is no validity at all.
    const zero = await cli('tokens', 'create', '--name', 'x', '--role', 'viewer', '--expires', '0d');
    expect(zero.stderr).toMatch(/^error: --expires '0d' is not a duration/);
    const halfDay = await cli(
      'tokens',
      'create',
      '--name',
      'half-day',
      '--role',
      'viewer',
      '--expires',
      '0.5d',
      '--json',
    );
    expect(halfDay.code, halfDay.stderr).toBe(0);
    const validFor = Date.parse(JSON.parse(halfDay.stdout).expires_at) - Date.now();
    expect(validFor).toBeGreaterThan(11 * 3_600_000);
    expect(validFor).toBeLessThanOrEqual(12 * 3_600_000);
    const badRole = await cli('tokens', 'create', '--name', 'x', '--role', 'root');
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/--role/);
    const elsewhere = await runCli(
      ['tokens', 'create', '--name', 'x', '--role', 'viewer', '--db', path.join(root, 'typo.db')],
      { cwd: root },
    );
    expect(elsewhere.code).toBe(64);
    expect(fs.existsSync(path.join(root, 'typo.db'))).toBe(false);

    const revoked = await cli('tokens', 'revoke', 'frontend', '--user', 'jlopez');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/Token 'frontend' revoked/);
    expect((await cli('tokens', 'list')).stdout).toMatch(/^frontend\s+uploader\s+revoked/m);
    expect((await cli('tokens', 'revoke', 'frontend')).code).toBe(64);
    const unknown = await cli('tokens', 'revoke', 'nobody');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(
      /error: there is no token named 'nobody'\nhint: list them with `tecsalud-batch tokens list`/,
    );

    const handle = new Database(db, { readonly: true });
    try {
      const audit = handle
        .prepare("select action, actor from audit_log where action like 'api_token_%' order by at, action")
        .all();
      expect(audit).toEqual([
        { action: 'api_token_created', actor: 'jlopez' },
        { action: 'api_token_created', actor: expect.any(String) },
        { action: 'api_token_created', actor: expect.any(String) },
        { action: 'api_token_revoked', actor: 'jlopez' },
      ]);
    } finally {
      handle.close();
    }
  }, 180_000);

  it('a running server refuses a token revoked from the command line at its next call; its log is owner-only and reopened on SIGHUP', async () => {
    const created = JSON.parse(
      (await cli('tokens', 'create', '--name', 'kiosk', '--role', 'viewer', '--json')).stdout,
    ) as { token: string };
    const log = path.join(root, 'logs', 'serve.log');
    const child = spawnCli(
      ['serve', '--db', db, '--port', '0', '--upload-dir', 'uploads', '--log-file', 'logs/serve.log'],
      { cwd: root },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      let match: RegExpExecArray | null = null;
      const deadline = Date.now() + 60_000;
      while (!(match = /listening on (http:\/\/127\.0\.0\.1:\d+\S*)/.exec(out))) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`serve did not start:\n${out}\n${err}`);
        await sleep(25);
      }
      const types = `${match[1]}/processing-types`;
      const headers = { authorization: `Bearer ${created.token}` };
      expect((await fetch(types, { headers })).status).toBe(200);
      expect((await cli('tokens', 'revoke', 'kiosk')).code).toBe(0);
      const refused = await fetch(types, { headers });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ statusCode: 401 });

      expect(fs.statSync(log).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(log)).mode & 0o777).toBe(0o700);
      fs.renameSync(log, `${log}.1`);
      child.kill('SIGHUP');
      const until = Date.now() + 60_000;
      while (!(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('"log_reopened"'))) {
        if (Date.now() > until || child.exitCode !== null)
          throw new Error(`the log was not reopened:\n${err}`);
        await sleep(25);
      }
      expect(fs.statSync(log).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(`${log}.1`, 'utf8')).toMatch(/"statusCode":401/);
      expect(fs.readFileSync(`${log}.1`, 'utf8')).not.toContain(created.token);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 120_000);

  it('serve refuses a bare --trust-proxy on an address other machines reach (64, with a hint)', async () => {
    const refused = await runCli(['serve', '--db', db, '--trust-proxy', '--host', '0.0.0.0', '--port', '0'], {
      cwd: root,
    });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(
      /^error: --trust-proxy without addresses believes any client's X-Forwarded-For, and 0\.0\.0\.0 is reachable from other machines\nhint: name the reverse proxy's addresses: --trust-proxy 10\.0\.0\.5/m,
    );
  }, 60_000);

  it('serve refuses --no-auth on an address other machines reach (64, with a hint)', async () => {
    const refused = await runCli(['serve', '--db', db, '--no-auth', '--host', '0.0.0.0', '--port', '0'], {
      cwd: root,
    });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(
      /^error: --no-auth is accepted only when listening on a loopback address, not on 0\.0\.0\.0\nhint: create tokens/m,
    );
  }, 60_000);
});
