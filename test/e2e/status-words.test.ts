import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../review/support/ingested-sample.js';

const FILE = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
/** 19:21 of 4 December in Monterrey (UTC−6): stored in UTC, it is already the 5th. */
const EVENING_IN_MONTERREY = '2026-12-05T01:21:38.573Z';

/** What sessions, status and patients show print for a person, in the operator's language and time (the built CLI). */
describe('what sessions, status and patients show print for a person', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = createTempDir('tecsalud-local-times-');
    db = path.join(dir, 'registry.db');
    fs.mkdirSync(path.join(dir, 'drop'));
    fs.copyFileSync(path.join(SAMPLE_DIR, FILE), path.join(dir, 'drop', FILE));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: dir });
    expect(imported.code, imported.stderr).toBe(0);
    const ingested = await runCli(['ingest', 'drop', '--db', db, '--non-interactive'], { cwd: dir });
    expect(ingested.code, ingested.stderr).toBe(0);
    const handle = new Database(db);
    handle
      .prepare('update batch_uploads set created_at = ?, started_at = ?, completed_at = ?')
      .run(EVENING_IN_MONTERREY, EVENING_IN_MONTERREY, EVENING_IN_MONTERREY);
    handle.prepare('update medical_documents set created_at = ?').run(EVENING_IN_MONTERREY);
    handle
      .prepare("update patients set created_at = ?, updated_at = ? where expediente = '3000016374'")
      .run(EVENING_IN_MONTERREY, EVENING_IN_MONTERREY);
    handle.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], lang: string) =>
    runCli([...args, '--db', db, '--lang', lang], {
      cwd: dir,
      env: { TZ: 'America/Monterrey', LANG: 'C', LC_ALL: '' },
    });

  it('sessions, status and patients show name the day and hour of Monterrey, not of UTC', async () => {
    const [sessions, status, show, english] = await Promise.all([
      run(['sessions'], 'es'),
      run(['status'], 'es'),
      run(['patients', 'show', '3000016374'], 'es'),
      run(['sessions'], 'en'),
    ]);
    for (const r of [sessions, status, show, english]) expect(r.code, r.stderr).toBe(0);
    // The status in words, as `status` says it, the columns after it lined up; English keeps the code scripts read.
    expect(sessions.stdout).toMatch(
      /^[0-9a-f]{8} {2}04\/12\/2026 19:21:38 {2}completada {16}1\/1 {5}archivos/,
    );
    expect(status.stdout).toMatch(/^ {2}creada {11}04\/12\/2026 19:21:38$/m);
    expect(status.stdout).toMatch(/^ {2}terminada {8}04\/12\/2026 19:21:38$/m);
    expect(show.stdout).toMatch(/^creado {15}04\/12\/2026 19:21:38$/m);
    expect(show.stdout).toMatch(/^fecha de nacimiento {2}28\/09\/1995$/m);
    expect(show.stdout).toMatch(/^origen {15}importado del registro$/m);
    expect(show.stdout).toMatch(/^ {2}[0-9a-f]{8} {2}04\/12\/2026 {2}CONS /m);
    expect(english.stdout).toMatch(/^[0-9a-f]{8} {2}2026-12-04 19:21:38 {2}completed {12}1\/1 {5}files/);
    expect(`${sessions.stdout}${status.stdout}${show.stdout}`).not.toMatch(/2026-12-05|05\/12\/2026/);
  });

  it('status says the processing type in words, its code beside it, and what its counts count', async () => {
    const [spanish, english] = await Promise.all([run(['status'], 'es'), run(['status'], 'en')]);
    expect(spanish.stdout).toMatch(/^ {2}procesamiento {4}ambos \(both\)$/m);
    // Files attached, patients created: one file of a registry patient is not 'un paciente asignado'.
    expect(spanish.stdout).toMatch(
      /^ {2}pacientes {8}0 creados · 1 archivo asignado a pacientes ya registrados$/m,
    );
    expect(english.stdout).toMatch(/^ {2}processing type {2}both$/m);
  });

  it('tokens: the expiry and the last use in local time too', async () => {
    const created = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'recepcion',
        '--role',
        'uploader',
        '--expires',
        '90d',
        '--json',
        '--db',
        db,
      ],
      { cwd: dir },
    );
    expect(created.code, created.stderr).toBe(0);
    const expiresAt = (JSON.parse(created.stdout) as { expires_at: string }).expires_at;
    // Monterrey is UTC−6 all year (Mexico keeps no summer time since 2022).
    const local = new Date(Date.parse(expiresAt) - 6 * 3_600_000).toISOString();
    const dayFirst = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 19)}`;
    const listed = await run(['tokens', 'list'], 'es');
    // The role is the code `--role` takes; the state is only read, in words.
    expect(listed.stdout).toMatch(
      new RegExp(`^recepcion +uploader +activo +${dayFirst.replace(/\//g, '\\/')} +—$`, 'm'),
    );
    const second = await runCli(
      [
        'tokens',
        'create',
        '--name',
        'archivo',
        '--role',
        'uploader',
        '--expires',
        '1d',
        '--db',
        db,
        '--lang',
        'es',
      ],
      {
        cwd: dir,
        env: { TZ: 'America/Monterrey' },
      },
    );
    expect(second.stderr).toMatch(
      /^Token 'archivo' \(uploader\) creado, válido hasta \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}\. /,
    );
  });
});
