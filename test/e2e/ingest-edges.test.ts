import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeCorpus, type CorpusManifest } from '../../fixtures/generator/index.js';
import { createTempDir } from '../support/databases.js';
import { BIN, NO_DAC_OVERRIDE, processGroupAlive, runCli, type RunResult } from '../support/cli-binary.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Issue 12's ingest edges, through the built CLI as a user meets them: a --max-files backlog that drains,
 * --glob that stays inside DIR, an unreadable sub-folder and a failed archive move that are reported (exit
 * 3), a run refused at start that leaves no session. Permission cases run the CLI without the capabilities
 * that let root read and write anything (the tests run as root here), so that a mode of 000 means what it
 * means for the records team's service account.
 */

interface Report {
  session_id: string;
  status: string;
  resumed: boolean;
  deferred: number;
  not_moved_files: number;
  total_files: number;
  processed_files: number;
  failed_files: number;
  files: {
    path: string;
    outcome: string;
    error: string | null;
    moved_to: string | null;
    move_error: string | null;
  }[];
}

let root: string;

beforeAll(() => {
  root = createTempDir('tecsalud-edges-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function workspace(name: string): { dir: string; drop: string; db: string } {
  const dir = path.join(root, name);
  const drop = path.join(dir, 'drop');
  fs.mkdirSync(drop, { recursive: true });
  return { dir, drop, db: path.join(dir, 'registry.db') };
}

async function corpus(
  out: string,
  files: number,
  seed: number,
  registryFile: string,
): Promise<CorpusManifest> {
  return writeCorpus({
    out,
    files,
    seed,
    minPages: 1,
    maxPages: 1,
    registryFile,
    manifestFile: path.join(out, '..', 'manifest.json'),
  });
}

function query<T>(db: string, sql: string): T[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare(sql).all() as T[];
  } finally {
    handle.close();
  }
}

/** A writable folder on another file-system than the tests' temporary folders (a tmpfs), if this machine has one. */
function otherFileSystem(): string | null {
  const candidate = '/dev/shm';
  try {
    fs.accessSync(candidate, fs.constants.W_OK);
    return fs.statSync(candidate).dev === fs.statSync(os.tmpdir()).dev ? null : candidate;
  } catch {
    return null;
  }
}

function parse(result: RunResult): Report {
  try {
    return JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${result.code}):\n${result.stderr}`);
  }
}

describe('a --max-files backlog', { tags: ['slow'] }, () => {
  it('drains: 200 files with --max-files 60 take 4 runs, each file worked on once; reviews take no place', async () => {
    const ws = workspace('backlog');
    const manifest = await corpus(ws.drop, 200, 12, path.join(ws.dir, 'registry.csv'));
    expect(
      (
        await runCli(['patients', 'import', path.join(ws.dir, 'registry.csv'), '--db', ws.db], {
          cwd: ws.dir,
        })
      ).code,
    ).toBe(0);
    const total = manifest.files.length;
    expect(total).toBe(200);

    const workedOn = new Map<string, number>();
    const reviews = new Set<string>();
    const deferredAfter: number[] = [];
    for (let run = 1; run <= 4; run++) {
      const result = await runCli(
        [
          'ingest',
          ws.drop,
          '--db',
          ws.db,
          '--type',
          'complete',
          '--non-interactive',
          '--json',
          '--max-files',
          '60',
        ],
        { cwd: ws.dir, timeoutMs: 180_000 },
      );
      expect([0, 2], result.stderr).toContain(result.code);
      const report = parse(result);
      deferredAfter.push(report.deferred);
      // What this run worked on: everything but what it settled from earlier runs and what it left for the next.
      const work = report.files.filter(
        (f) =>
          f.outcome !== 'duplicate' && f.outcome !== 'already_pending_review' && f.outcome !== 'deferred',
      );
      // Every file is listed, those left for the next run too.
      expect(report.files).toHaveLength(total);
      expect(report.files.filter((f) => f.outcome === 'deferred')).toHaveLength(report.deferred);
      expect(work.length).toBe(Math.min(60, total - 60 * (run - 1)));
      for (const f of work) workedOn.set(f.path, (workedOn.get(f.path) ?? 0) + 1);
      // Files held for review in an earlier run are settled as such, outside the window.
      for (const f of report.files)
        if (f.outcome === 'already_pending_review') expect(reviews).toContain(f.path);
      for (const f of work) if (f.outcome === 'review_required') reviews.add(f.path);
      if (run === 1) {
        // The plan agrees with the run: the files settled so far take no place in its window either.
        const plan = await runCli(
          ['ingest', ws.drop, '--db', ws.db, '--dry-run', '--json', '--max-files', '60'],
          { cwd: ws.dir },
        );
        const planned = JSON.parse(plan.stdout) as {
          counts: { settled: number; deferred: number };
          files: { path: string; plan: string }[];
        };
        expect(planned.counts.settled).toBe(60);
        const window = planned.files.filter((f) => f.plan !== 'deferred');
        expect(window).toHaveLength(60);
        // Those past the window are listed as the run leaves them.
        expect(planned.files.filter((f) => f.plan === 'deferred')).toHaveLength(planned.counts.deferred);
        expect(planned.counts.deferred).toBe(80);
        for (const f of planned.files) expect(workedOn.has(f.path), f.path).toBe(false);
      }
    }
    expect(deferredAfter).toEqual([140, 80, 20, 0]);
    expect(workedOn.size).toBe(total);
    expect([...workedOn.values()].every((n) => n === 1)).toBe(true);
    expect(reviews.size).toBeGreaterThan(0);

    // A fifth run has nothing left to do: every file is settled unread, none takes the window.
    const fifth = parse(
      await runCli(
        [
          'ingest',
          ws.drop,
          '--db',
          ws.db,
          '--type',
          'complete',
          '--non-interactive',
          '--json',
          '--max-files',
          '60',
        ],
        {
          cwd: ws.dir,
        },
      ),
    );
    expect(fifth.deferred).toBe(0);
    expect(
      fifth.files.filter((f) => f.outcome !== 'duplicate' && f.outcome !== 'already_pending_review'),
    ).toEqual([]);
    const documents = query<{ n: number }>(ws.db, 'select count(*) n from medical_documents')[0]!.n;
    expect(documents).toBe(total - reviews.size);
  }, 600_000);
});

describe('--glob', { tags: ['slow'] }, () => {
  let ws: { dir: string; drop: string; db: string };
  let victim: string;
  beforeAll(() => {
    ws = workspace('glob');
    victim = path.join(ws.dir, 'victim');
    fs.mkdirSync(victim);
    fs.writeFileSync(path.join(victim, 'app.conf'), 'secret=1\n');
    fs.writeFileSync(path.join(victim, 'LAB_00012345_PEREZ_GOMEZ_JUAN_1.pdf'), '%PDF-1.4 not really\n');
    fs.symlinkSync(victim, path.join(ws.drop, 'elsewhere'));
  });

  it.each([
    ['../victim/**', 'climbs out'],
    ['/etc/**', 'is absolute'],
    ['{urgencias,../victim}/**', 'climbs out'],
    ['**/../../victim/*', 'climbs out'],
    ['elsewhere/**', 'leads out of the folder'],
  ])("refuses '%s' with exit 64, touching nothing outside DIR", async (glob, why) => {
    for (const extra of [
      ['--dry-run'],
      ['--quarantine-dir', path.join(ws.dir, 'q'), '--archive-dir', path.join(ws.dir, 'a')],
    ]) {
      const result = await runCli(
        ['ingest', ws.drop, '--db', ws.db, '--glob', glob, '--non-interactive', ...extra],
        {
          cwd: ws.dir,
        },
      );
      expect(result.code, result.stderr).toBe(64);
      expect(result.stderr).toContain(`error: --glob '${glob}' ${why}`);
      expect(result.stderr).toMatch(/hint: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).not.toContain('app.conf');
    }
    expect(fs.readdirSync(victim).sort()).toEqual(['LAB_00012345_PEREZ_GOMEZ_JUAN_1.pdf', 'app.conf']);
    expect(fs.existsSync(path.join(ws.dir, 'q'))).toBe(false);
    // Refused before any session was opened.
    if (fs.existsSync(ws.db)) expect(query(ws.db, 'select id from batch_uploads')).toEqual([]);
  });

  it('reports a symlink to a folder outside DIR without following it, and moves nothing out of it', async () => {
    const result = await runCli(
      [
        'ingest',
        ws.drop,
        '--db',
        ws.db,
        '--json',
        '--non-interactive',
        '--type',
        'complete',
        '--quarantine-dir',
        path.join(ws.dir, 'q'),
        '--archive-dir',
        path.join(ws.dir, 'a'),
      ],
      { cwd: ws.dir },
    );
    expect(result.code, result.stderr).toBe(3);
    const report = parse(result);
    expect(report.files.map((f) => [f.path, f.outcome])).toEqual([['elsewhere/', 'outside_source']]);
    expect(fs.readdirSync(victim).sort()).toEqual(['LAB_00012345_PEREZ_GOMEZ_JUAN_1.pdf', 'app.conf']);
  });
});

describe('a --glob that takes no file of a folder that holds some', { tags: ['slow'] }, () => {
  const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
  let ws: { dir: string; drop: string; db: string };
  beforeAll(() => {
    ws = workspace('glob-misses');
    fs.mkdirSync(path.join(ws.drop, 'urgencias'));
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, 'urgencias', LAB));
  });
  const ingest = (glob: string, ...extra: string[]) =>
    runCli(
      ['ingest', ws.drop, '--db', ws.db, '--glob', glob, '--non-interactive', '--type', 'complete', ...extra],
      {
        cwd: ws.dir,
      },
    );

  it('is refused (64) when it names a folder: a pattern takes files, never the files inside a folder it names', async () => {
    for (const glob of ['urgencias', 'urg*']) {
      const result = await ingest(glob);
      expect(result.code, result.stderr).toBe(64);
      expect(result.stderr).toBe(
        `error: --glob '${glob}' matches a folder ('urgencias/'), not files: nothing would be taken\n` +
          "hint: write 'urgencias/**' for the files in it (a pattern is relative to the folder being ingested)\n",
      );
    }
    const spanish = await ingest('urgencias', '--lang', 'es');
    expect(spanish.stderr).toContain(
      "error: --glob 'urgencias' coincide con una carpeta ('urgencias/'), no con archivos",
    );
    expect(spanish.stderr).toContain("sugerencia: escriba 'urgencias/**' para los archivos que contiene");
  });

  it('is refused (64) when it matches only files of hidden folders, which a run skips without --include-hidden', async () => {
    fs.mkdirSync(path.join(ws.drop, '.respaldo'));
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, '.respaldo', LAB));
    try {
      const refused = await ingest('.respaldo/**');
      expect(refused.code, refused.stderr).toBe(64);
      expect(refused.stderr).toBe(
        `error: --glob '.respaldo/**' matches only files in hidden or system folders ('.respaldo/${LAB}'), which a run skips\n` +
          'hint: add --include-hidden to take them\n',
      );
      expect((await ingest('.respaldo/**', '--lang', 'es')).stderr).toContain(
        'sugerencia: agregue --include-hidden para tomarlos',
      );
      const taken = await ingest('.respaldo/**', '--include-hidden', '--dry-run');
      expect(taken.code, taken.stderr).toBe(0);
      expect(taken.stdout).toContain(`.respaldo/${LAB}`);
    } finally {
      fs.rmSync(path.join(ws.drop, '.respaldo'), { recursive: true });
    }
  });

  it('says so when it matches nothing (a night with no such file is normal: exit 0), in the summary, --json and --dry-run', async () => {
    // '*' stays in the top folder: the file in urgencias/ is not taken, and the run says why.
    const run = await ingest('*.pdf');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "--glob '*.pdf' matched no file, while the folder holds 1 file: nothing was taken. A pattern is relative to the " +
        "folder, and '*' stays within one folder: '**/*.pdf' also takes sub-folders' files",
    );
    const json = await ingest('*.pdf', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ total_files: 0, files_not_matching_glob: 1 });
    const plan = await ingest('*.pdf', '--dry-run', '--lang', 'es');
    expect(plan.stdout).toContain(
      "--glob '*.pdf' no coincidió con ningún archivo, aunque la carpeta tiene 1 archivo: no se tomó nada.",
    );
    // A pattern that matches says nothing of the kind.
    const matching = await ingest('**/*.pdf', '--json');
    expect(JSON.parse(matching.stdout)).not.toHaveProperty('files_not_matching_glob');
  });
});

describe('a file name with a space after .pdf (pasted with one)', { tags: ['slow'] }, () => {
  it('is ingested and archived as `parse` and the dry run say, not failed as "not a PDF" and quarantined', async () => {
    const ws = workspace('trailing-space');
    const named = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf ';
    fs.copyFileSync(path.join(SAMPLE_DIR, named.trim()), path.join(ws.drop, named));
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', ws.db], { cwd: ws.dir });
    expect(imported.code, imported.stderr).toBe(0);
    const parsed = await runCli(['parse', named], { cwd: ws.dir });
    expect(parsed.code, parsed.stderr).toBe(0);
    const args = ['ingest', ws.drop, '--db', ws.db, '--type', 'complete', '--non-interactive'];
    const moves = [
      '--archive-dir',
      path.join(ws.dir, 'archive'),
      '--quarantine-dir',
      path.join(ws.dir, 'quarantine'),
    ];

    const planned = await runCli([...args, ...moves, '--dry-run'], { cwd: ws.dir });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toMatch(
      /^auto +3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB\.pdf +exact_id_and_name/m,
    );

    const run = await runCli([...args, ...moves, '--json'], { cwd: ws.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(parse(run).files.map((f) => [f.path, f.outcome, f.error])).toEqual([[named, 'ingested', null]]);
    expect(fs.readdirSync(path.join(ws.dir, 'archive'))).toEqual([named]);
    expect(fs.existsSync(path.join(ws.dir, 'quarantine'))).toBe(false);
  });
});

describe('the drop folder as a person names it', { tags: ['slow'] }, () => {
  const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';

  it('is found when its accents are written another way than on disk (a folder made on a Mac: NFD)', async () => {
    const ws = workspace('accents');
    const onDisk = path.join(ws.dir, 'expedientes Gómez'.normalize('NFD'));
    fs.mkdirSync(onDisk);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(onDisk, LAB));
    const typed = path.relative(ws.dir, onDisk).normalize('NFC');
    expect(typed).not.toBe(path.relative(ws.dir, onDisk));
    for (const extra of [['--dry-run'], ['--json']]) {
      const run = await runCli(
        ['ingest', typed, '--db', ws.db, '--non-interactive', '--type', 'complete', ...extra],
        {
          cwd: ws.dir,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      if (extra[0] === '--json') {
        expect(JSON.parse(run.stdout)).toMatchObject({ total_files: 1, source_dir: fs.realpathSync(onDisk) });
      } else expect(run.stdout).toContain(LAB);
    }
  });

  it("given as '~/…' where no shell expanded it (quoted, a crontab variable) is refused with the full path to write", async () => {
    const ws = workspace('tilde');
    const home = path.join(ws.dir, 'home');
    for (const extra of [[], ['--dry-run']]) {
      const run = await runCli(['ingest', '~/drop', '--db', ws.db, '--non-interactive', ...extra], {
        cwd: ws.dir,
        env: { HOME: home },
      });
      expect(run.code).toBe(64);
      expect(run.stderr).toBe(
        "error: DIR '~/drop' starts with '~', which only a shell expands (not inside quotes, a config file, an " +
          `environment variable or a systemd unit)\nhint: write the full path instead: ${home}/drop\n`,
      );
    }
    const spanish = await runCli(['ingest', '~/drop', '--db', ws.db, '--lang', 'es'], {
      cwd: ws.dir,
      env: { HOME: home },
    });
    expect(spanish.stderr).toContain("error: CARPETA '~/drop' empieza con '~', que solo un shell expande");
    expect(spanish.stderr).toContain(`sugerencia: escriba la ruta completa: ${home}/drop`);
    // HOME set but empty (a bare cron environment): no path is made up from it.
    const bare = await runCli(['ingest', '~/drop', '--db', ws.db], { cwd: ws.dir, env: { HOME: '' } });
    expect(bare.stderr).not.toContain('write the full path instead: /drop');
    // A folder really named '~' is a folder like any other.
    fs.mkdirSync(path.join(ws.dir, '~', 'drop'), { recursive: true });
    const literal = await runCli(['ingest', '~/drop', '--db', ws.db, '--non-interactive'], { cwd: ws.dir });
    expect(literal.code, literal.stderr).toBe(0);
  });

  it('given as a file, is refused in the same words by a run and a dry run', async () => {
    const ws = workspace('a-file');
    const file = path.join(ws.dir, 'drop.pdf');
    fs.writeFileSync(file, '%PDF-1.4\n');
    for (const extra of [[], ['--dry-run']]) {
      const run = await runCli(['ingest', file, '--db', ws.db, '--non-interactive', ...extra], {
        cwd: ws.dir,
      });
      expect(run.code).toBe(64);
      expect(run.stderr).toBe(
        `error: '${file}' is not a folder\nhint: give the folder that holds the PDFs, not a file\n`,
      );
    }
  });
});

describe('what cannot be read or moved is reported, never skipped', { tags: ['slow'] }, () => {
  const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
  const PRESC = '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf';

  async function prepared(name: string) {
    const ws = workspace(name);
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', ws.db], { cwd: ws.dir });
    expect(imported.code, imported.stderr).toBe(0);
    return ws;
  }

  /** `ingest` of the workspace's drop folder into its database, whole text, no questions asked. */
  function unattendedIngest(ws: { drop: string; db: string }, ...extra: string[]): string[] {
    return ['ingest', ws.drop, '--db', ws.db, '--type', 'complete', '--non-interactive', ...extra];
  }

  it('an unreadable sub-folder is a failed entry (exit 3); its files are taken once it can be read', async () => {
    const ws = await prepared('unreadable');
    fs.mkdirSync(path.join(ws.drop, 'urgencias'));
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    fs.copyFileSync(path.join(SAMPLE_DIR, PRESC), path.join(ws.drop, 'urgencias', PRESC));
    fs.chmodSync(path.join(ws.drop, 'urgencias'), 0o000);
    const args = unattendedIngest(ws);
    try {
      const first = await runCli([...args, '--json'], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE });
      expect(first.code, first.stderr).toBe(3);
      const report = parse(first);
      expect(report.files.map((f) => [f.path, f.outcome])).toEqual([
        [LAB, 'ingested'],
        ['urgencias/', 'unreadable'],
      ]);
      expect(report.files[1]!.error).toMatch(/cannot read this folder \(permission denied\)/);
      expect(report.failed_files).toBe(1);
      // The summary a person reads says it too.
      const status = await runCli(['status', report.session_id, '--files', '--db', ws.db], { cwd: ws.dir });
      expect(status.stdout).toMatch(/unreadable\s+urgencias\//);
    } finally {
      fs.chmodSync(path.join(ws.drop, 'urgencias'), 0o755);
    }
    const second = parse(await runCli([...args, '--json'], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE }));
    expect(second.files.map((f) => [f.path, f.outcome])).toEqual([
      [LAB, 'duplicate'],
      [`urgencias/${PRESC}`, 'ingested'],
    ]);
  });

  it('a link to a named pipe is a failed entry (exit 3), never opened: the run and the dry run end instead of hanging', async () => {
    const ws = await prepared('pipe');
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    // Opening a pipe waits for a writer: read, it would hang the run, and its lock would refuse every later one.
    execFileSync('mkfifo', [path.join(ws.drop, 'pipe')]);
    fs.symlinkSync('pipe', path.join(ws.drop, PRESC));
    const args = unattendedIngest(ws);
    const reason =
      'cannot read the file: it is a named pipe (FIFO), not a regular file: not opened (put the PDF itself in the folder)';

    const planned = await runCli([...args, '--dry-run'], { cwd: ws.dir, timeoutMs: 30_000 });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`failed        ${PRESC}  unreadable: ${reason}`);

    const run = await runCli([...args, '--json'], { cwd: ws.dir, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(3);
    const report = parse(run);
    expect(report.files.map((f) => [f.path, f.outcome, f.error])).toEqual([
      [LAB, 'ingested', null],
      [PRESC, 'unreadable', reason],
      // The pipe itself is an entry of the folder too: its name is no document's.
      ['pipe', 'invalid_name', "the file name does not end in '.pdf'"],
    ]);
    const status = await runCli(['--lang', 'es', 'status', report.session_id, '--files', '--db', ws.db], {
      cwd: ws.dir,
    });
    expect(status.stdout).toContain(
      'no se puede leer el archivo: es una tubería con nombre (FIFO), no un archivo común: no se abrió (ponga el PDF mismo en la carpeta)',
    );
  });

  it('a named pipe or a socket put in the folder itself under a PDF name is a failed entry too, never skipped in silence', async () => {
    const ws = await prepared('pipe-itself');
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    const pipe = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';
    const socket = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467011_LAB.pdf';
    execFileSync('mkfifo', [path.join(ws.drop, pipe)]);
    // A socket file stays after the process that bound it exits (as a crashed service leaves one).
    execFileSync(process.execPath, [
      '-e',
      'require("node:net").createServer().listen(process.argv[1], () => process.exit(0))',
      path.join(ws.drop, socket),
    ]);
    expect(fs.lstatSync(path.join(ws.drop, socket)).isSocket()).toBe(true);
    const args = unattendedIngest(ws);
    const reason = (kind: string) =>
      `cannot read the file: it is ${kind}, not a regular file: not opened (put the PDF itself in the folder)`;

    const planned = await runCli([...args, '--dry-run'], { cwd: ws.dir, timeoutMs: 30_000 });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(`failed        ${pipe}  unreadable: ${reason('a named pipe (FIFO)')}`);
    expect(planned.stdout).toContain(`failed        ${socket}  unreadable: ${reason('a socket')}`);

    // match, given the pipe's path, says the run fails it (it judged it by its name alone, as no file).
    const matched = await runCli(['match', path.join(ws.drop, pipe), '--db', ws.db, '--json'], {
      cwd: ws.dir,
      timeoutMs: 30_000,
    });
    expect(matched.code, matched.stderr).toBe(3);
    expect(JSON.parse(matched.stdout)).toMatchObject([
      { decision: 'failed', outcome: 'unreadable', error: reason('a named pipe (FIFO)') },
    ]);

    const run = await runCli([...args, '--json'], { cwd: ws.dir, timeoutMs: 30_000 });
    expect(run.code, run.stderr).toBe(3);
    const report = parse(run);
    expect(report.total_files).toBe(3);
    expect(report.files.map((f) => [f.path, f.outcome, f.error])).toEqual([
      [pipe, 'unreadable', reason('a named pipe (FIFO)')],
      [socket, 'unreadable', reason('a socket')],
      [LAB, 'ingested', null],
    ]);
    const status = await runCli(['--lang', 'es', 'status', report.session_id, '--files', '--db', ws.db], {
      cwd: ws.dir,
    });
    expect(status.stdout).toContain(
      'no se puede leer el archivo: es un socket, no un archivo común: no se abrió (ponga el PDF mismo en la carpeta)',
    );
  });

  it('a named pipe to quarantine stays in the folder, saying why, instead of hanging the run', async () => {
    const ws = await prepared('pipe-quarantine');
    const why = 'it is a named pipe (FIFO), not a regular file: not moved; it stays in the drop folder';
    // Moving it opened it, and opening a pipe waits for a writer: to compare it with a file of its name and size
    // already in the quarantine (an empty one), or to copy it to another file-system.
    const sameFileSystem = path.join(ws.dir, 'quarantine');
    fs.mkdirSync(sameFileSystem);
    fs.writeFileSync(path.join(sameFileSystem, 'pipe'), '');
    const other = otherFileSystem();
    const quarantines = [sameFileSystem, ...(other ? [fs.mkdtempSync(path.join(other, 'tecsalud-q-'))] : [])];
    try {
      for (const quarantine of quarantines) {
        execFileSync('mkfifo', [path.join(ws.drop, 'pipe')]);
        const run = await runCli([...unattendedIngest(ws, '--quarantine-dir', quarantine), '--json'], {
          cwd: ws.dir,
          timeoutMs: 30_000,
        });
        expect(run.code, run.stderr).toBe(3);
        expect(parse(run).files.map((f) => [f.path, f.outcome, f.moved_to, f.move_error])).toEqual([
          [
            'pipe',
            'invalid_name',
            null,
            `filename does not follow the TecSalud pattern, but not moved to --quarantine-dir ${quarantine}: ${why}`,
          ],
        ]);
        expect(fs.lstatSync(path.join(ws.drop, 'pipe')).isFIFO()).toBe(true);
        const status = await runCli(['--lang', 'es', 'status', '--files', '--db', ws.db], { cwd: ws.dir });
        expect(status.stdout).toContain(
          'es una tubería con nombre (FIFO), no un archivo común: no se movió; se queda en la carpeta de entrada',
        );
        fs.rmSync(path.join(ws.drop, 'pipe'));
      }
    } finally {
      for (const quarantine of quarantines) fs.rmSync(quarantine, { recursive: true, force: true });
    }
  });

  it('hidden and system entries of a share are skipped, counted and named, not failed; a hidden PDF is still reported', async () => {
    const ws = await prepared('hidden');
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    // What a NAS and the desktops that copy to it leave in every drop folder: a snapshot and a trash folder
    // (a document copy in each), Synology's thumbnails folder, the macOS metadata beside a copied file, a
    // Windows thumbnail cache; besides, a document hidden by a slip of the keyboard and a stray text file.
    for (const folder of ['.snapshot', '.Trash-1000', '@eaDir']) {
      fs.mkdirSync(path.join(ws.drop, folder));
      fs.copyFileSync(path.join(SAMPLE_DIR, PRESC), path.join(ws.drop, folder, PRESC));
    }
    fs.writeFileSync(path.join(ws.drop, `._${LAB}`), Buffer.from('\x00\x05\x16\x07 AppleDouble'));
    fs.writeFileSync(path.join(ws.drop, '.DS_Store'), Buffer.from('\x00\x00\x00\x01Bud1'));
    fs.writeFileSync(path.join(ws.drop, 'Thumbs.db'), Buffer.from('thumbs'));
    const quarantine = path.join(ws.dir, 'quarantine');
    const args = unattendedIngest(ws, '--quarantine-dir', quarantine);
    const skippedLine =
      `  6 hidden or system entries skipped (.DS_Store, .Trash-1000/, ._${LAB}, …): not documents, not looked into; ` +
      '--include-hidden takes them\n';
    const skippedLineEs =
      `  6 entradas ocultas o de sistema omitidas (.DS_Store, .Trash-1000/, ._${LAB}, …): no son documentos, no se ` +
      'revisaron; --include-hidden las toma\n';
    const skippedPaths = ['.DS_Store', '.Trash-1000/', `._${LAB}`, '.snapshot/', '@eaDir/', 'Thumbs.db'];

    // A dry run first predicts what the run will say of them: the same line (EN and ES), the same JSON fields.
    const dryRun = [...args, '--dry-run'];
    const planned = await runCli(dryRun, { cwd: ws.dir });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain(skippedLine);
    const plannedEs = await runCli([...dryRun, '--lang', 'es'], { cwd: ws.dir });
    expect(plannedEs.code, plannedEs.stderr).toBe(0);
    expect(plannedEs.stdout).toContain(skippedLineEs);
    expect(plannedEs.stdout).toContain(
      'Simulación: 1 se asociaría, 0 esperarían revisión, 0 crearían un paciente, 0 tienen nombres inválidos. No se escribió nada.',
    );
    const plannedJson = JSON.parse((await runCli([...dryRun, '--json'], { cwd: ws.dir })).stdout) as Record<
      string,
      unknown
    >;
    expect(plannedJson).toMatchObject({
      dry_run: true,
      skipped_hidden: 6,
      skipped_hidden_paths: skippedPaths,
    });

    // Nothing but hidden and system entries beside the document: a clean night (exit 0), and the summary says
    // how many were skipped and names them.
    const clean = await runCli(args, { cwd: ws.dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain(skippedLine);
    const es = await runCli([...args, '--lang', 'es'], { cwd: ws.dir });
    expect(es.stdout).toContain(skippedLineEs);

    fs.copyFileSync(path.join(SAMPLE_DIR, PRESC), path.join(ws.drop, `.${PRESC}`));
    fs.writeFileSync(path.join(ws.drop, 'notes.txt'), 'hola');
    const first = await runCli([...args, '--json'], { cwd: ws.dir });
    expect(first.code, first.stderr).toBe(3);
    const report = parse(first) as Report & { skipped_hidden: number; skipped_hidden_paths: string[] };
    expect(report.files.map((f) => [f.path, f.outcome])).toEqual([
      [`.${PRESC}`, 'invalid_name'],
      [LAB, 'duplicate'],
      ['notes.txt', 'invalid_name'],
    ]);
    expect(report.skipped_hidden).toBe(6);
    expect(report.skipped_hidden_paths).toEqual(skippedPaths);
    expect(report.files[0]!.error).toMatch(
      /^hidden file \(its name starts with '\.'\): not read; if it is a document, rename it without the '\.'/,
    );
    // Nothing hidden was ingested, nothing skipped was moved: one document, the visible one.
    expect(query<{ filename: string }>(ws.db, 'select filename from medical_documents')).toEqual([
      { filename: LAB },
    ]);
    expect(fs.readdirSync(quarantine).sort()).toEqual([`.${PRESC}`, 'notes.txt'].sort());
    expect(fs.existsSync(path.join(ws.drop, '.Trash-1000', PRESC))).toBe(true);
    expect(fs.existsSync(path.join(ws.drop, '.DS_Store'))).toBe(true);

    // --include-hidden takes them as any other entry: the folders are walked, the files judged by their names.
    const all = parse(await runCli([...unattendedIngest(ws), '--include-hidden', '--json'], { cwd: ws.dir }));
    expect(all.files.map((f) => [f.path, f.outcome])).toEqual([
      ['.DS_Store', 'invalid_name'],
      [`.Trash-1000/${PRESC}`, expect.stringMatching(/^(ingested|duplicate_in_batch)$/)],
      [`._${LAB}`, 'invalid_name'],
      [`.snapshot/${PRESC}`, expect.stringMatching(/^(ingested|duplicate_in_batch)$/)],
      [LAB, 'duplicate'],
      [`@eaDir/${PRESC}`, expect.stringMatching(/^(ingested|duplicate_in_batch)$/)],
      ['Thumbs.db', 'invalid_name'],
    ]);
    expect((all as unknown as { skipped_hidden: number }).skipped_hidden).toBe(0);
  });

  it('a file ingested but not archived says so (summary, status --files, exit 3), stays put, and moves on the next run', async () => {
    const ws = await prepared('archive');
    const archive = path.join(ws.dir, 'archive');
    fs.mkdirSync(archive, { mode: 0o555 });
    fs.chmodSync(archive, 0o555);
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    const args = unattendedIngest(ws, '--archive-dir', archive);

    const log = path.join(ws.dir, 'ingest.log');
    const first = await runCli([...args, '--log-file', log], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE });
    expect(first.code, first.stderr).toBe(3);
    expect(first.stdout).toMatch(/1 file recorded but not archived or quarantined: still in the drop folder/);
    expect(fs.existsSync(path.join(ws.drop, LAB))).toBe(true);
    const sessions = query<{ id: string }>(ws.db, 'select id from batch_uploads');
    expect(sessions).toHaveLength(1);
    // The log says it as a warning, and names no patient (redacted by default).
    const lines = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const notMoved = lines.filter((line) => line.msg === 'file not moved');
    expect(notMoved).toHaveLength(1);
    expect(notMoved[0]).toMatchObject({ outcome: 'ingested', expediente: '3000768077' });
    expect(String(notMoved[0]!.move_error)).toMatch(/--archive-dir .*permission denied/);
    expect(fs.readFileSync(log, 'utf8')).not.toMatch(/HUERTA|GABRIELA/);
    const status = await runCli(['status', sessions[0]!.id, '--files', '--db', ws.db], { cwd: ws.dir });
    expect(status.stdout).toContain(`ingested`);
    expect(status.stdout).toMatch(/not moved: .*permission denied/);
    // A Spanish-speaking records team reads the whole reason in Spanish, on the run's screen and in status.
    const spanish = await runCli([...args, '--lang', 'es'], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE });
    expect(spanish.code, spanish.stderr).toBe(3);
    expect(spanish.stdout).toContain(
      '1 archivo registrado pero no archivado ni en cuarentena: sigue en la carpeta de entrada (vea status --files)',
    );
    const estado = await runCli(['status', '--files', '--lang', 'es', '--db', ws.db], { cwd: ws.dir });
    expect(estado.stdout).toContain(
      `↳ no se movió: duplicado (ya ingresado), pero no se movió a --archive-dir ${archive}: permiso denegado (revise los permisos de la carpeta)`,
    );

    const json = parse(await runCli([...args, '--json'], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE }));
    expect(json.not_moved_files).toBe(1);
    expect(json.files[0]).toMatchObject({ path: LAB, outcome: 'duplicate', moved_to: null });
    expect(json.files[0]!.move_error).toMatch(/--archive-dir/);

    fs.chmodSync(archive, 0o755);
    const fixed = await runCli([...args, '--json'], { cwd: ws.dir, wrapper: NO_DAC_OVERRIDE });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(parse(fixed).files[0]).toMatchObject({ path: LAB, outcome: 'duplicate', move_error: null });
    expect(fs.existsSync(path.join(ws.drop, LAB))).toBe(false);
    expect(fs.existsSync(path.join(archive, LAB))).toBe(true);
    // One document, whatever the runs did.
    expect(query<{ n: number }>(ws.db, 'select count(*) n from medical_documents')[0]!.n).toBe(1);
  });
});

describe("the tool's own files inside DIR", { tags: ['slow'] }, () => {
  it('are neither ingested nor quarantined: `ingest .` where the database, its -wal/-shm, the log and the config live', async () => {
    const ws = workspace('own-files');
    const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    fs.writeFileSync(path.join(ws.drop, 'tecsalud-batch.config.json'), '{ "collection": "own" }\n');
    const imported = await runCli(['patients', 'import', REGISTRY_CSV], { cwd: ws.drop });
    expect(imported.code, imported.stderr).toBe(0);
    const quarantine = path.join(ws.dir, 'quarantine');
    const args = [
      'ingest',
      '.',
      '--non-interactive',
      '--quarantine-dir',
      quarantine,
      '--log-file',
      'logs/ingest.log',
    ];
    fs.mkdirSync(path.join(ws.drop, 'logs'));
    fs.writeFileSync(path.join(ws.drop, 'logs', 'ingest.log.1'), '{}\n');
    const first = parse(await runCli([...args, '--json'], { cwd: ws.drop }));
    expect(first.files.map((f) => [f.path, f.outcome])).toEqual([[LAB, 'ingested']]);
    expect(fs.existsSync(quarantine) ? fs.readdirSync(quarantine) : []).toEqual([]);
    expect(fs.existsSync(path.join(ws.drop, 'tecsalud-batch.db'))).toBe(true);
    // The next run finds the same registry and session history: the file is a duplicate, nothing new.
    const second = parse(await runCli([...args, '--json'], { cwd: ws.drop }));
    expect(second.files.map((f) => [f.path, f.outcome])).toEqual([[LAB, 'duplicate']]);
    expect(
      query<{ n: number }>(
        path.join(ws.drop, 'tecsalud-batch.db'),
        'select count(*) n from batch_uploads',
      )[0]!.n,
    ).toBe(2);
  });

  it("a hidden folder that holds the database and the log is the tool's, not a stray hidden folder", async () => {
    const ws = workspace('own-hidden-folder');
    const LAB = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';
    fs.copyFileSync(path.join(SAMPLE_DIR, LAB), path.join(ws.drop, LAB));
    fs.mkdirSync(path.join(ws.drop, '.tecsalud'));
    fs.mkdirSync(path.join(ws.drop, '.Trash-1000'));
    const db = path.join('.tecsalud', 'registry.db');
    const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: ws.drop });
    expect(imported.code, imported.stderr).toBe(0);
    const args = [
      'ingest',
      '.',
      '--non-interactive',
      '--db',
      db,
      '--log-file',
      path.join('.tecsalud', 'ingest.log'),
      '--json',
    ];
    const first = parse(await runCli(args, { cwd: ws.drop }));
    // The stray hidden folder is skipped and counted; the tool's own is neither.
    expect(first.files.map((f) => [f.path, f.outcome])).toEqual([[LAB, 'ingested']]);
    expect((first as unknown as { skipped_hidden_paths: string[] }).skipped_hidden_paths).toEqual([
      '.Trash-1000/',
    ]);
  });

  it('an empty DIR (an unset variable in a cron line) is refused, not taken for the current folder', async () => {
    const ws = workspace('empty-dir');
    const result = await runCli(['ingest', '', '--non-interactive', '--db', ws.db], { cwd: ws.drop });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/error: no folder to ingest/);
    expect(fs.existsSync(ws.db)).toBe(false);
  });
});

describe('Ctrl-C at the terminal', { tags: ['slow'] }, () => {
  let ws: { dir: string; drop: string; db: string };
  let manifest: CorpusManifest;
  beforeAll(async () => {
    ws = workspace('ctrl-c');
    manifest = await corpus(ws.drop, 40, 21, path.join(ws.dir, 'registry.csv'));
    expect(
      (
        await runCli(['patients', 'import', path.join(ws.dir, 'registry.csv'), '--db', ws.db], {
          cwd: ws.dir,
        })
      ).code,
    ).toBe(0);
  }, 120_000);

  const documents = () => {
    if (!fs.existsSync(ws.db)) return 0;
    return query<{ n: number }>(ws.db, 'select count(*) n from medical_documents')[0]!.n;
  };

  /**
   * Starts an ingest as a shell starts a foreground job: in a process group of its own, which the terminal's
   * Ctrl-C signals as a whole (the CLI and its extraction children alike).
   */
  function startInTerminal() {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'ingest',
        ws.drop,
        '--db',
        ws.db,
        '--non-interactive',
        '--json',
        '--concurrency',
        '2',
        '--type',
        'complete',
        // One file per write: documents land one by one, so a Ctrl-C after the second or third always finds
        // the run mid-way (in groups of 32, most of these 40 one-page files could land at once).
        '--store-batch-size',
        '1',
      ],
      {
        cwd: ws.dir,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return {
      pgid: child.pid!,
      exited,
      output: () => ({ stdout, stderr }),
      ctrlC: () => process.kill(-child.pid!, 'SIGINT'),
    };
  }

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  it('lets the files in flight finish, starts no other, records the session interrupted; the next run completes it', async () => {
    const before = documents();
    const run = startInTerminal();
    await until(() => documents() >= before + 3, 'three documents');
    run.ctrlC();
    const code = await run.exited;
    const { stdout, stderr } = run.output();
    expect(code, stderr).toBe(130);
    const report = JSON.parse(stdout) as Report;
    expect(report.status).toBe('interrupted');
    // No file in flight was failed by the interrupt reaching its extraction process.
    for (const f of report.files) expect(f.outcome, `${f.path}: ${f.error}`).not.toMatch(/error|failed/);
    expect(report.processed_files).toBeLessThan(manifest.files.length);
    const [session] = query<{ id: string; status: string; processed_files: number; total_files: number }>(
      ws.db,
      'select id, status, processed_files, total_files from batch_uploads',
    );
    expect(session).toMatchObject({
      id: report.session_id,
      status: 'interrupted',
      total_files: manifest.files.length,
    });
    const final = query<{ n: number }>(
      ws.db,
      "select count(*) n from batch_files where outcome is not null and outcome not in ('deferred', 'interrupted')",
    )[0]!.n;
    expect(session!.processed_files).toBe(final);
    expect(query(ws.db, "select id from batch_files where processing_status = 'processing'")).toEqual([]);
    await until(() => !processGroupAlive(run.pgid), 'the extraction processes to end');

    const rerun = await runCli(
      ['ingest', ws.drop, '--db', ws.db, '--non-interactive', '--json', '--type', 'complete'],
      {
        cwd: ws.dir,
        timeoutMs: 180_000,
      },
    );
    expect([0, 2], rerun.stderr).toContain(rerun.code);
    const resumed = parse(rerun);
    expect(resumed).toMatchObject({ session_id: report.session_id, resumed: true, status: 'completed' });
    expect(resumed.processed_files).toBe(manifest.files.length);
    expect(resumed.files).toHaveLength(manifest.files.length);
    expect(query(ws.db, 'select id from batch_uploads')).toHaveLength(1);
    const reviews = resumed.files.filter((f) => f.outcome === 'review_required').length;
    expect(documents()).toBe(manifest.files.length - reviews);
  }, 300_000);

  it('a second Ctrl-C stops at once; nothing is left running, and the next run finishes the session', async () => {
    fs.rmSync(ws.db, { force: true });
    expect(
      (
        await runCli(['patients', 'import', path.join(ws.dir, 'registry.csv'), '--db', ws.db], {
          cwd: ws.dir,
        })
      ).code,
    ).toBe(0);
    const run = startInTerminal();
    await until(() => documents() >= 2, 'two documents');
    run.ctrlC();
    await until(
      () => run.output().stderr.includes('Press Ctrl-C again'),
      'the first Ctrl-C to be acknowledged',
    );
    run.ctrlC();
    expect(await run.exited).toBe(130);
    await until(() => !processGroupAlive(run.pgid), 'the extraction processes to end');

    const rerun = parse(
      await runCli(['ingest', ws.drop, '--db', ws.db, '--non-interactive', '--json', '--type', 'complete'], {
        cwd: ws.dir,
        timeoutMs: 180_000,
      }),
    );
    expect(rerun).toMatchObject({
      resumed: true,
      status: 'completed',
      processed_files: manifest.files.length,
    });
    const sessions = query<{ status: string }>(ws.db, 'select status from batch_uploads');
    expect(sessions).toEqual([{ status: 'completed' }]);
    const reviews = rerun.files.filter((f) => f.outcome === 'review_required').length;
    expect(documents()).toBe(manifest.files.length - reviews);
  }, 300_000);
});

describe('a run refused at start', { tags: ['slow'] }, () => {
  it('leaves no session and no file rows behind: lock held (75), Chroma unreachable (69), a bad option (64)', async () => {
    const ws = workspace('refused');
    for (const name of fs.readdirSync(SAMPLE_DIR).slice(0, 3))
      fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(ws.drop, name));
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', ws.db], { cwd: ws.dir })).code).toBe(0);
    const nothingLeft = () => {
      expect(query(ws.db, 'select id, status from batch_uploads')).toEqual([]);
      expect(query(ws.db, 'select id from batch_files')).toEqual([]);
    };
    const base = ['ingest', ws.drop, '--db', ws.db, '--non-interactive'];

    // Another run (this test process, alive on this host) holds the folder's lock.
    const sourceDir = fs.realpathSync(ws.drop);
    const handle = new Database(ws.db);
    handle
      .prepare(
        'insert into run_locks (lock_key, source_dir, pid, host, session_id, started_at) values (?, ?, ?, ?, null, ?)',
      )
      .run(
        createHash('sha256').update(`tecsalud-batch:${sourceDir}`).digest('hex').slice(0, 32),
        sourceDir,
        process.pid,
        os.hostname(),
        new Date().toISOString(),
      );
    const locked = await runCli(base, { cwd: ws.dir });
    expect(locked.code, locked.stderr).toBe(75);
    nothingLeft();
    handle.prepare('delete from run_locks').run();
    handle.close();

    const chroma = await runCli([...base, '--vector-store', 'chroma', '--chroma-url', 'http://127.0.0.1:9'], {
      cwd: ws.dir,
    });
    expect(chroma.code, chroma.stderr).toBe(69);
    nothingLeft();

    const bad = await runCli([...base, '--max-files', 'many'], { cwd: ws.dir });
    expect(bad.code, bad.stderr).toBe(64);
    nothingLeft();

    // An archive "folder" that is a file would fail every move of the run: refused before it starts.
    const aFile = path.join(ws.dir, 'archive-is-a-file');
    fs.writeFileSync(aFile, '');
    const archiveFile = await runCli([...base, '--archive-dir', aFile], { cwd: ws.dir });
    expect(archiveFile.code, archiveFile.stderr).toBe(64);
    expect(archiveFile.stderr).toMatch(/--archive-dir '.*archive-is-a-file' is a file, not a folder/);
    nothingLeft();

    // The folder is still whole for the run that is let through.
    const ok = await runCli([...base, '--json', '--type', 'complete'], { cwd: ws.dir });
    expect(parse(ok).total_files).toBe(3);
  });
});
