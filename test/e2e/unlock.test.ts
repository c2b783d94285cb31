import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/** A lock row as a run on `host` writes it (the SQLite run lock is the row). */
function insertLock(
  db: string,
  sourceDir: string,
  holder: { pid: number; host: string; startedAt?: string },
): void {
  const handle = new Database(db);
  handle
    .prepare(
      'insert into run_locks (lock_key, source_dir, pid, host, session_id, started_at) values (?, ?, ?, ?, null, ?)',
    )
    .run(
      createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32),
      sourceDir,
      holder.pid,
      holder.host,
      holder.startedAt ?? new Date().toISOString(),
    );
  handle.close();
}

const lockRows = (db: string) => {
  const handle = new Database(db, { readonly: true });
  try {
    return handle.prepare('select host from run_locks').all();
  } finally {
    handle.close();
  }
};

describe('tecsalud-batch unlock', { tags: ['slow'] }, () => {
  let dir: string;
  let drop: string;
  let db: string;
  beforeEach(async () => {
    dir = createTempDir('tecsalud-unlock-');
    drop = path.join(dir, 'drop');
    fs.mkdirSync(drop);
    const name = fs.readdirSync(SAMPLE_DIR).find((f) => f.endsWith('.pdf'))!;
    fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
    db = path.join(dir, 'registry.db');
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir })).code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says when the locking run started as the local clock reads it, day first in Spanish', async () => {
    // 02:00 UTC is 20:00 of the day before in Monterrey: shown as stored (UTC, ISO), it named the wrong day.
    insertLock(db, fs.realpathSync(drop), {
      pid: 4242,
      host: 'tecsalud-batch-7f9c2d',
      startedAt: '2026-12-03T02:00:00.000Z',
    });
    const env = { TZ: 'America/Monterrey' };
    const refused = await runCli(['ingest', 'drop', '--db', db, '--non-interactive'], { cwd: dir, env });
    expect(refused.stderr).toContain('(pid 4242 on tecsalud-batch-7f9c2d, started 2026-12-02 20:00:00)');
    const asked = await runCli(['unlock', 'drop', '--db', db, '--lang', 'es'], { cwd: dir, env });
    expect(asked.code, asked.stderr).toBe(75);
    expect(asked.stderr).toContain(
      'en otro host, tecsalud-batch-7f9c2d (pid 4242, iniciada 02/12/2026 20:00:00)',
    );
    const lifted = await runCli(['unlock', 'drop', '--db', db, '--force', '--lang', 'es'], { cwd: dir, env });
    expect(lifted.stdout).toContain('(pid 4242 en tecsalud-batch-7f9c2d, iniciada 02/12/2026 20:00:00)');
  });

  it('lifts a lock taken on another host only with --force, after the refused run said how', async () => {
    // A container that came back under a new host name: its old lock names a host this machine cannot look at.
    insertLock(db, fs.realpathSync(drop), { pid: 4242, host: 'tecsalud-batch-7f9c2d' });
    const refused = await runCli(['ingest', 'drop', '--db', db, '--non-interactive'], { cwd: dir });
    expect(refused.code, refused.stderr).toBe(75);
    expect(refused.stderr).toContain('pid 4242 on tecsalud-batch-7f9c2d');
    expect(refused.stderr).toMatch(/cannot tell whether that run still goes on/);
    expect(refused.stderr).toContain(`tecsalud-batch unlock ${fs.realpathSync(drop)} --force`);

    const asked = await runCli(['unlock', 'drop', '--db', db], { cwd: dir });
    expect(asked.code, asked.stderr).toBe(75);
    expect(asked.stderr).toMatch(/taken on another host, tecsalud-batch-7f9c2d .*cannot tell/);
    expect(asked.stderr).toContain('--force');
    expect(lockRows(db)).toHaveLength(1);

    const lifted = await runCli(['unlock', 'drop', '--db', db, '--force', '--json'], { cwd: dir });
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(JSON.parse(lifted.stdout)).toMatchObject({
      source_dir: fs.realpathSync(drop),
      removed: { pid: 4242, host: 'tecsalud-batch-7f9c2d' },
    });
    expect(lockRows(db)).toEqual([]);
    const handle = new Database(db, { readonly: true });
    expect(
      handle.prepare("select actor_kind, details from audit_log where action = 'run_lock_lifted'").all(),
    ).toEqual([{ actor_kind: 'os_user', details: expect.stringContaining('tecsalud-batch-7f9c2d') }]);
    handle.close();

    const again = await runCli(['unlock', 'drop', '--db', db], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No run lock on .*drop: nothing to lift/);
    const ran = await runCli(['ingest', 'drop', '--db', db, '--non-interactive', '--json'], { cwd: dir });
    expect(JSON.parse(ran.stdout).total_files, ran.stderr).toBe(1);
  });

  it('lifts the lock of a folder that is gone since, and refuses a folder that neither exists nor has a lock', async () => {
    const gone = path.join(dir, 'entrada-borrada');
    insertLock(db, gone, { pid: 4242, host: 'tecsalud-batch-7f9c2d' });
    const lifted = await runCli(['unlock', gone, '--db', db, '--force', '--json'], { cwd: dir });
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(JSON.parse(lifted.stdout)).toMatchObject({ removed: { pid: 4242 } });
    // Mistyped: said as "nothing to lift" (exit 0), the person would believe the run they meant is unlocked.
    const mistyped = await runCli(['unlock', path.join(dir, 'dorp'), '--db', db], { cwd: dir });
    expect(mistyped.code).toBe(64);
    expect(mistyped.stderr).toMatch(
      /^error: no run lock on .*dorp, and that folder does not exist\nhint: check the path/,
    );
    const spanish = await runCli(['unlock', path.join(dir, 'dorp'), '--db', db, '--lang', 'es'], {
      cwd: dir,
    });
    expect(spanish.stderr).toMatch(
      /^error: no hay bloqueo de ejecución en .*dorp, y esa carpeta no existe\nsugerencia: revise la ruta/,
    );
  });

  it('never lifts the lock of a run still going on on this host, --force or not', async () => {
    insertLock(db, fs.realpathSync(drop), { pid: process.pid, host: os.hostname() });
    for (const extra of [[], ['--force']]) {
      const refused = await runCli(['unlock', drop, '--db', db, ...extra], { cwd: dir });
      expect(refused.code, refused.stderr).toBe(75);
      expect(refused.stderr).toContain(`still going on: pid ${process.pid} on this host`);
      expect(refused.stderr).toContain(`kill ${process.pid}`);
    }
    expect(lockRows(db)).toHaveLength(1);
  });
});
