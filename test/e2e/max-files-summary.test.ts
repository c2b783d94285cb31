import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

// Three files of one registry patient: with --max-files 1, two wait for the next run.
const FILES = [
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf',
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6582016577_LAB.pdf',
  '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6715403318_CONS.pdf',
];

describe('a run that leaves files for the next one (--max-files)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = createTempDir('tecsalud-max-files-');
    fs.mkdirSync(path.join(cwd, 'drop'));
    for (const name of FILES) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(cwd, 'drop', name));
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd })).code).toBe(0);
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  it('says how many were left and how to take them, and still exits 0 (cron drains a folder this way)', async () => {
    const base = ['ingest', 'drop', '--db', 'r.db', '--non-interactive', '--max-files', '1'];
    const first = await runCli(base, { cwd });
    expect(first.code, first.stderr).toBe(ExitCode.Success);
    expect(first.stdout).toContain(
      '2 files were left for the next run (over --max-files), recorded as deferred: run the same command again to take them',
    );
    // `status` of that session, later (cron mailed the summary; the admin looks the next morning).
    const [status, estado, json] = await Promise.all([
      runCli(['status', '--db', 'r.db'], { cwd }),
      runCli(['status', '--db', 'r.db', '--lang', 'es'], { cwd }),
      runCli(['status', '--db', 'r.db', '--json'], { cwd }),
    ]);
    expect(status.stdout).toContain(
      '\n  deferred         2 (over --max-files; the next run of the folder takes them)\n',
    );
    expect(estado.stdout).toContain(
      '\n  pospuestos       2 (por encima de --max-files; la siguiente ejecución sobre la carpeta los procesa)\n',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ deferred: 2, total_files: 3 });

    const second = await runCli([...base, '--lang', 'es'], { cwd });
    expect(second.code, second.stderr).toBe(ExitCode.Success);
    expect(second.stdout).toContain(
      '1 archivo quedó para la siguiente ejecución (se alcanzó --max-files), registrado como diferido: ejecute el mismo comando otra vez para procesarlos',
    );

    // Nothing left: no line about the next run, and --json says so as `deferred`.
    const last = await runCli([...base, '--json'], { cwd });
    expect(last.code, last.stderr).toBe(ExitCode.Success);
    expect(JSON.parse(last.stdout)).toMatchObject({ status: 'completed', deferred: 0, total_files: 3 });
    const none = await runCli(base, { cwd });
    expect(none.stdout).not.toContain('left for the next run');
    expect((await runCli(['status', '--db', 'r.db'], { cwd })).stdout).not.toContain('deferred');
  });
});

describe(
  'the progress lines of a run without a terminal (cron mail) that leaves files for the next one',
  { tags: ['slow'] },
  () => {
    it('end with the counts the run reached, not the last line the throttle let through', async () => {
      const cwd = createTempDir('tecsalud-max-files-progress-');
      try {
        const drop = path.join(cwd, 'drop');
        fs.mkdirSync(drop);
        // Twenty documents of one patient (each its own content), five taken per run.
        const source = fs.readFileSync(path.join(SAMPLE_DIR, FILES[0]!));
        for (let k = 10; k < 30; k++) {
          fs.writeFileSync(
            path.join(drop, `3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_71000000${k}_LAB.pdf`),
            Buffer.concat([source, Buffer.from(`\n% copy ${k}\n`)]),
          );
        }
        expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd })).code).toBe(0);
        const run = await runCli(
          ['ingest', 'drop', '--db', 'r.db', '--non-interactive', '--type', 'complete', '--max-files', '5'],
          { cwd },
        );
        expect(run.code, run.stderr).toBe(ExitCode.Success);
        expect(run.stdout).toContain('15 files were left for the next run');
        const lines = run.stderr.trimEnd().split('\n');
        expect(lines.at(-1), run.stderr).toBe('  5/5 files · 0 failed · 0 review · 0 duplicates');
      } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    });
  },
);
