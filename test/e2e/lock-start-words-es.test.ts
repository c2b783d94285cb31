import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

const FILE = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf';

/**
 * A lock held by another machine, as the Spanish refusal names when its holder started (the built CLI): the
 * participle agrees with what holds it (la ejecución… iniciada, el comando… iniciado), and a start nobody could
 * read is an unknown hour, not an «iniciado desconocido».
 */
describe('when a lock was taken, in Spanish', { tags: ['slow'] }, () => {
  let cwd: string;
  let db: string;
  let documentId: string;
  beforeAll(async () => {
    cwd = createTempDir('tecsalud-lock-words-');
    db = path.join(cwd, 'r.db');
    fs.mkdirSync(path.join(cwd, 'drop'));
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(cwd, 'drop', FILE));
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd })).code).toBe(0);
    const ingest = await runCli(['ingest', 'drop', '--db', db, '--non-interactive'], { cwd });
    expect(ingest.code, ingest.stderr).toBe(0);
    const handle = new Database(db);
    documentId = (handle.prepare('select id from medical_documents').get() as { id: string }).id;
    handle.close();
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  /** The lock row another machine's run or command left (the key as ingest/run-lock derives it). */
  function holdLock(sourceDir: string, startedAt: string): void {
    const key = createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32);
    const handle = new Database(db);
    handle.prepare('delete from run_locks').run();
    handle
      .prepare(
        'insert into run_locks (lock_key, source_dir, pid, host, session_id, started_at) values (?, ?, 4242, ?, null, ?)',
      )
      .run(key, sourceDir, 'otro-equipo', startedAt);
    handle.close();
  }

  it('says a command started at an unknown hour, and a run too', async () => {
    holdLock(`document ${documentId}`, 'unknown');
    const detach = await runCli(['documents', 'detach', documentId.slice(0, 8), '--db', db, '--lang', 'es'], {
      cwd,
    });
    expect(detach.code).toBe(ExitCode.Locked);
    expect(detach.stderr).toContain(
      '(pid 4242 en otro-equipo, iniciado a una hora desconocida); no se cambió nada',
    );

    holdLock(fs.realpathSync(path.join(cwd, 'drop')), 'unknown');
    const ingest = await runCli(['ingest', 'drop', '--db', db, '--non-interactive', '--lang', 'es'], { cwd });
    expect(ingest.code).toBe(ExitCode.Locked);
    expect(ingest.stderr).toContain('(pid 4242 en otro-equipo, iniciada a una hora desconocida)');
  });

  it('says when, the day first, with the participle of what holds the lock', async () => {
    holdLock(`document ${documentId}`, '2026-12-05T01:20:07.000Z');
    const detach = await runCli(['documents', 'detach', documentId.slice(0, 8), '--db', db, '--lang', 'es'], {
      cwd,
      env: { TZ: 'America/Monterrey' },
    });
    expect(detach.code).toBe(ExitCode.Locked);
    expect(detach.stderr).toContain(
      '(pid 4242 en otro-equipo, iniciado 04/12/2026 19:20:07); no se cambió nada',
    );
  });
});
