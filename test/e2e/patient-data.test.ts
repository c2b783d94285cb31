import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { foldAccents } from '../../src/core/filename/fold-accents.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ExitCode } from '../../src/errors.js';
import { runCli, spawnCli, type CliOptions } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startPipeReader } from '../support/pipe-reader.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/** Runs node under this umask: what a cron job or a login shell would give the tool. */
const underUmask = (umask: string): CliOptions['wrapper'] => ['sh', '-c', `umask ${umask} && exec "$0" "$@"`];

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8).padStart(3, '0');

/** Every file and folder under `root` (itself included) with its mode: `{ 'archive/2026': '700', … }`. */
function modesUnder(root: string, base = root): Record<string, string> {
  const modes: Record<string, string> = { [path.relative(base, root) || '.']: modeOf(root) };
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) Object.assign(modes, modesUnder(full, base));
    else modes[path.relative(base, full)] = modeOf(full);
  }
  return modes;
}

/** Every word (4+ letters) of a patient's name in the sample's filenames and in the registry, as written and folded. */
function patientNameWords(): string[] {
  const names = fs.readdirSync(SAMPLE_DIR).map((file) => {
    const parts = file.replace(/\.pdf$/i, '').split('_');
    return parts.length > 1 ? parts[1]! : parts[0]!;
  });
  for (const line of fs.readFileSync(REGISTRY_CSV, 'utf8').split('\n').slice(1)) {
    names.push(line.split(',').slice(1, 4).join(' '));
  }
  const words = new Set<string>();
  for (const name of names) {
    for (const [word] of name.matchAll(/[\p{L}]{4,}/gu)) {
      if (['CONS'].includes(word)) continue; // the sample's invalid name ends in its document type
      words.add(word);
      words.add(foldAccents(word));
    }
  }
  return [...words];
}

function logEvents(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { event: string }).event);
}

let cwd: string;
beforeEach(() => {
  cwd = createTempDir('tecsalud-patient-data-');
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

/** A drop folder with the sample (or some of its files) one folder down, as a hospital's drop is organised. */
function dropWith(files?: string[]): void {
  const into = path.join(cwd, 'drop', '2026-12');
  fs.mkdirSync(into, { recursive: true });
  for (const file of files ?? fs.readdirSync(SAMPLE_DIR))
    fs.copyFileSync(path.join(SAMPLE_DIR, file), path.join(into, file));
}

const GOOD = '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf';
const GOOD_TOO = '3000875628_ESCOBEDO PALACIOS, JOSE MARIA_6154553414_CONS.pdf';
const NOT_A_PDF = '3000899337_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_7000000000_URG.pdf';

/** An unattended ingest of drop/ logging to `logFile`, embedding with OpenAI (a test's server that can hold it). */
function ingestLoggingTo(logFile: string): string[] {
  return [
    ...['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--quiet', '--log-file', logFile],
    ...['--embedder', 'openai', '--embedding-model', 'text-embedding-3-small', '--embedding-dimensions', '8'],
  ];
}

describe('files the tool creates are owner-only', { tags: ['slow'] }, () => {
  it('under umask 0022: the database, the log and its folders, archive and quarantine folders and the files moved there', async () => {
    dropWith();
    const options = { cwd, wrapper: underUmask('0022') };
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], options)).code).toBe(0);
    const run = await runCli(
      [
        'ingest',
        'drop',
        '--db',
        'registry.db',
        '--non-interactive',
        '--quiet',
        '--log-file',
        'var/log/tecsalud/ingest.log',
        '--archive-dir',
        'store/archive',
        '--quarantine-dir',
        'store/quarantine',
      ],
      options,
    );
    expect(run.code).toBe(ExitCode.SomeFailed);
    expect(modeOf(path.join(cwd, 'registry.db'))).toBe('600');
    expect(modesUnder(path.join(cwd, 'var'))).toEqual({
      '.': '700',
      log: '700',
      'log/tecsalud': '700',
      'log/tecsalud/ingest.log': '600',
    });
    const archive = modesUnder(path.join(cwd, 'store'));
    // 18 ingested, 3 quarantined; the drop's files were 0644.
    expect(Object.keys(archive).filter((p) => p.endsWith('.pdf'))).toHaveLength(21);
    for (const folder of ['.', 'archive', 'archive/2026-12', 'quarantine', 'quarantine/2026-12'])
      expect(archive[folder]).toBe('700');
    for (const [file, mode] of Object.entries(archive)) if (file.endsWith('.pdf')) expect(mode).toBe('600');
  });

  it("with fileMode 'group', 0640 / 0750 even under umask 0077", async () => {
    dropWith([GOOD, NOT_A_PDF]);
    fs.writeFileSync(path.join(cwd, 'tecsalud-batch.config.json'), JSON.stringify({ fileMode: 'group' }));
    const run = await runCli(
      [
        'ingest',
        'drop',
        '--db',
        'site.db',
        '--non-interactive',
        '--quiet',
        '--log-file',
        'logs/ingest.log',
        '--archive-dir',
        'archive',
        '--quarantine-dir',
        'quarantine',
      ],
      { cwd, wrapper: underUmask('0077') },
    );
    expect(run.code).toBe(ExitCode.SomeFailed);
    expect(modeOf(path.join(cwd, 'site.db'))).toBe('640');
    expect(modesUnder(path.join(cwd, 'logs'))).toEqual({ '.': '750', 'ingest.log': '640' });
    expect(modesUnder(path.join(cwd, 'archive'))).toEqual({
      '.': '750',
      '2026-12': '750',
      [`2026-12/${GOOD}`]: '640',
    });
    expect(modesUnder(path.join(cwd, 'quarantine'))).toEqual({
      '.': '750',
      '2026-12': '750',
      [`2026-12/${NOT_A_PDF}`]: '640',
    });
  });
});

describe('the log of an unattended run', { tags: ['slow'] }, () => {
  it('names no patient unless --no-redact: file outcomes, reviews, failures, duplicates quoting filenames', async () => {
    dropWith();
    const options = { cwd, wrapper: underUmask('0022') };
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], options)).code).toBe(0);
    const ingest = (...extra: string[]) =>
      runCli(['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--quiet', ...extra], options);
    // The first run ingests, holds two for review and fails three; the second finds duplicates, whose messages
    // quote the filename they were ingested as.
    expect((await ingest('--log-file', 'default.log')).code).toBe(ExitCode.SomeFailed);
    expect((await ingest('--log-file', 'redact.log', '--redact')).code).toBe(ExitCode.SomeFailed);
    expect((await ingest('--log-file', 'named.log', '--no-redact')).code).toBe(ExitCode.SomeFailed);

    const outcomes = (file: string) =>
      fs
        .readFileSync(path.join(cwd, file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const first = outcomes('default.log');
    expect(new Set(first.map((line) => line.outcome))).toEqual(
      new Set([undefined, 'ingested', 'review_required', 'invalid_name', 'not_pdf', 'empty_file']),
    );
    expect(new Set(outcomes('redact.log').map((line) => line.outcome))).toEqual(
      new Set([undefined, 'duplicate', 'already_pending_review', 'invalid_name', 'not_pdf', 'empty_file']),
    );
    expect(outcomes('redact.log').find((line) => line.outcome === 'duplicate')?.message).toMatch(
      // The document number and type stay (they name no one): only the name part goes.
      /^already ingested on .* as '\d+_\[redacted\](?:_\d+)?_[A-Z]+\.pdf' for expediente \d+/,
    );
    const words = patientNameWords();
    expect(words.length).toBeGreaterThan(30);
    for (const log of ['default.log', 'redact.log']) {
      const text = fs.readFileSync(path.join(cwd, log), 'utf8');
      expect(words.filter((word) => text.includes(word))).toEqual([]);
    }
    // Asked for, the names are there: the log identifies files by their path.
    const named = fs.readFileSync(path.join(cwd, 'named.log'), 'utf8');
    expect(named).toContain('2026-12/3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf');
  });

  it('names each file by its session and file id, the ids `status --files --json` shows: also a misnamed or empty file, which has no expediente or hash', async () => {
    dropWith();
    const options = { cwd };
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], options)).code).toBe(0);
    const run = await runCli(
      ['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--quiet', '--log-file', 'night.log'],
      options,
    );
    expect(run.code, run.stderr).toBe(ExitCode.SomeFailed);
    const fileLines = fs
      .readFileSync(path.join(cwd, 'night.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === 'file_finished');
    const status = await runCli(['status', '--files', '--json', '--db', 'registry.db'], options);
    const session = JSON.parse(status.stdout) as {
      session_id: string;
      files: { id: string; outcome: string }[];
    };
    expect(fileLines.map((line) => [line.session_id, line.file_id, line.outcome]).sort()).toEqual(
      session.files.map((file) => [session.session_id, file.id, file.outcome]).sort(),
    );
    expect(
      fileLines
        .filter((line) => line.content_sha256 === null)
        .map((line) => line.outcome)
        .sort(),
    ).toEqual(['empty_file', 'invalid_name', 'not_pdf']);
  });

  it('is reopened on SIGHUP, as logrotate expects: the lines after it go to a new owner-only file', async () => {
    dropWith([GOOD_TOO]);
    // The run waits on the embedder until the test lets it go: the signal arrives mid-run, at a known point.
    const server = await startFakeOpenAiServer({ dimension: 8 });
    let release!: () => void;
    server.inject({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)) });
    const embedding = new Promise<void>((resolve) => server.onRequest(() => resolve()));
    try {
      const child = spawnCli(ingestLoggingTo('logs/ingest.log'), {
        cwd,
        wrapper: underUmask('0022'),
        env: { OPENAI_API_KEY: 'sk-test-fake', OPENAI_BASE_URL: `${server.url}/v1` },
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await embedding;

      // Mid-run the registry is open in WAL mode: its -wal and -shm files have the database's mode.
      for (const file of ['registry.db', 'registry.db-wal', 'registry.db-shm'])
        expect(modeOf(path.join(cwd, file))).toBe('600');

      const log = path.join(cwd, 'logs', 'ingest.log');
      fs.renameSync(log, `${log}.1`); // logrotate's rename, then its postrotate `kill -HUP`
      process.kill(child.pid!, 'SIGHUP');
      await vi.waitFor(() => expect(fs.existsSync(log) && logEvents(log)).toEqual(['log_reopened']), {
        timeout: 20_000,
        interval: 50,
      });
      release();
      expect(await exited, stderr).toBe(ExitCode.Success);

      expect(logEvents(`${log}.1`)).toEqual(['session_started']);
      // The registry was empty (a first run, or a mistyped --db): the log says so last, as a warning.
      expect(logEvents(log)).toEqual([
        'log_reopened',
        'file_finished',
        'session_finished',
        'registry_empty_at_start',
      ]);
      expect(modeOf(log)).toBe('600');
    } finally {
      release();
      await server.close();
    }
  });
});

describe('a log into a named pipe whose reader went away', { tags: ['slow'] }, () => {
  it('a SIGHUP then does not hang the run waiting for a reader: it ends as usual, saying the log was lost', async () => {
    dropWith([GOOD_TOO]);
    const pipe = path.join(cwd, 'log.pipe');
    execFileSync('mkfifo', [pipe]);
    const server = await startFakeOpenAiServer({ dimension: 8 });
    let release!: () => void;
    server.inject({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)) });
    const embedding = new Promise<void>((resolve) => server.onRequest(() => resolve()));
    const first = await startPipeReader(pipe);
    try {
      const child = spawnCli(ingestLoggingTo('log.pipe'), {
        cwd,
        env: { OPENAI_API_KEY: 'sk-test-fake', OPENAI_BASE_URL: `${server.url}/v1` },
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await embedding;
      first.letGo(); // the run holds its own write end by now
      expect(first.lines()).toContain('"event":"session_started"');
      // The log shipper stops (restarted, crashed), and logrotate's SIGHUP comes before a new one reads.
      first.reader.kill();
      await first.done;
      process.kill(child.pid!, 'SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      const code = await Promise.race([
        exited,
        new Promise<string>((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000)),
      ]);
      if (code !== ExitCode.Success) child.kill('SIGKILL');
      expect(code, stderr).toBe(ExitCode.Success);
      // Whatever the pipe lost meanwhile is said once on stderr; every outcome is in the database.
      const lost =
        "warning: cannot write the log 'log.pipe' (the program reading the pipe stopped): going on without it; " +
        "every file's outcome is still recorded in the database (tecsalud-batch status). Start the program that " +
        'reads it again; a SIGHUP reopens the log\n';
      expect(stderr.slice(0, lost.length)).toBe(lost);
      // Then, --quiet as it is, the run's one other warning: its registry was empty (every patient from a filename).
      expect(stderr.slice(lost.length)).toMatch(
        /^warning: the registry \(.*registry\.db\) held no patient before this run: its patient was created from filenames\./,
      );
      expect(stderr.split('cannot write the log')).toHaveLength(2);
    } finally {
      release();
      first.letGo();
      first.reader.kill();
      await server.close();
    }
  });
});

describe('doctor on files others may read', { tags: ['slow'] }, () => {
  it('warns with the chmod to run, and is satisfied once it has run', async () => {
    const options = { cwd, wrapper: underUmask('0022') };
    expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'registry.db'], options)).code).toBe(0);
    // What an older version, or a person, left behind: world-readable files with patient data, and a key.
    fs.chmodSync(path.join(cwd, 'registry.db'), 0o644);
    fs.mkdirSync(path.join(cwd, 'logs'));
    fs.writeFileSync(path.join(cwd, 'logs', 'ingest.log'), '{}\n', { mode: 0o644 });
    fs.writeFileSync(path.join(cwd, 'logs', 'ingest.log.1'), '{}\n', { mode: 0o600 });
    fs.mkdirSync(path.join(cwd, 'old archive', '2025'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(cwd, 'old archive', '2025', `${GOOD}`), '%PDF-', { mode: 0o644 });
    const config = path.join(cwd, 'tecsalud-batch.config.json');
    fs.writeFileSync(config, JSON.stringify({ db: 'registry.db', openai: { apiKey: 'sk-secret-in-file' } }), {
      mode: 0o644,
    });
    const doctor = () =>
      runCli(
        [
          'doctor',
          '--json',
          '--log-file',
          'logs/ingest.log',
          '--archive-dir',
          'old archive',
          '--quarantine-dir',
          'quarantine',
        ],
        options,
      );

    const before = await doctor();
    expect(before.code).toBe(ExitCode.Success); // a warning, not a failure
    expect(before.stdout).not.toContain('sk-secret-in-file');
    const warnings = (
      JSON.parse(before.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks
      .filter((check) => check.name === 'permissions')
      .map((check) => {
        expect(check.status).toBe('warn');
        return check.detail;
      });
    const db = path.join(cwd, 'registry.db');
    expect(warnings).toEqual([
      `the database ${db} (mode 0644) is readable by other accounts: chmod go-rwx ${db}`,
      `the config file ${config} (mode 0644) is readable by other accounts, and it holds a secret: chmod go-rwx ${config}`,
      `the log ${cwd}/logs/ingest.log (mode 0644) is readable by other accounts: chmod go-rwx ${cwd}/logs/ingest.log`,
      `the folder '${cwd}/old archive' (mode 0755) is open to other accounts; 2 files or folders inside ` +
        `'${cwd}/old archive' are readable by other accounts: chmod -R go-rwx '${cwd}/old archive'`,
    ]);

    // The commands it gives are the fix.
    for (const warning of warnings)
      execFileSync('sh', ['-c', warning.slice(warning.lastIndexOf(': chmod ') + 2)], { cwd });
    const after = JSON.parse((await doctor()).stdout) as {
      checks: { name: string; status: string; detail: string }[];
    };
    expect(after.checks.filter((check) => check.name === 'permissions')).toEqual([
      {
        name: 'permissions',
        status: 'ok',
        detail: `the database, the config file, the log, ${cwd}/old archive: owner only`,
      },
    ]);
  });
});

describe('cleanup --purge and the legal retention', { tags: ['slow'] }, () => {
  it('refuses documents younger than 5 years without --force, says how many and from when, and audits it', async () => {
    dropWith([GOOD, GOOD_TOO]);
    const options = { cwd, wrapper: underUmask('0022') };
    const run = await runCli(
      ['ingest', 'drop', '--db', 'registry.db', '--non-interactive', '--json'],
      options,
    );
    expect(run.code).toBe(ExitCode.Success);
    const session = (JSON.parse(run.stdout) as { session_id: string }).session_id;

    const refused = await runCli(['cleanup', session.slice(0, 8), '--purge', '--db', 'registry.db'], options);
    expect(refused.code).toBe(ExitCode.Usage);
    const from = new Date();
    from.setUTCFullYear(from.getUTCFullYear() + 5);
    expect(refused.stderr).toContain(
      `error: 2 of the 2 documents of session ${session.slice(0, 8)} are within the 5-year retention of clinical records`,
    );
    expect(refused.stderr).toContain(`can be purged from ${from.toISOString().slice(0, 10)}`);
    expect(refused.stderr).toMatch(/hint: .*--force/);
    // In Spanish, the date as Mexico writes it.
    const spanish = await runCli(
      ['cleanup', session.slice(0, 8), '--purge', '--db', 'registry.db', '--lang', 'es'],
      options,
    );
    expect(spanish.code).toBe(ExitCode.Usage);
    const day = from.toISOString().slice(0, 10).split('-').reverse().join('/');
    expect(spanish.stderr).toContain(`La sesión se puede purgar a partir del ${day}\n`);

    // A site under another rule sets its own period.
    fs.writeFileSync(path.join(cwd, 'zero.json'), JSON.stringify({ retentionYears: 0 }));
    const purged = await runCli(
      ['cleanup', session, '--purge', '--db', 'registry.db', '--config', 'zero.json', '--json'],
      options,
    );
    expect(purged.code).toBe(ExitCode.Success);
    expect(JSON.parse(purged.stdout)).toMatchObject({ purged_documents: 2, purged_within_retention: 0 });

    const database = await openDatabase(resolveDatabaseTarget('registry.db', { cwd }), { create: false });
    try {
      const audit = await database.db
        .selectFrom('auditLog')
        .select(['action', 'details'])
        .where('action', 'in', ['session_purge_refused', 'session_purged'])
        .orderBy('at')
        .execute();
      expect(audit.map((row) => [row.action, JSON.parse(row.details!)])).toEqual([
        [
          'session_purge_refused',
          expect.objectContaining({ documents: 2, within_retention: 2, retention_years: 5 }),
        ],
        // The same refusal asked in Spanish.
        [
          'session_purge_refused',
          expect.objectContaining({ documents: 2, within_retention: 2, retention_years: 5 }),
        ],
        [
          'session_purged',
          expect.objectContaining({ purged_documents: 2, retention_years: 0, forced: false }),
        ],
      ]);
    } finally {
      await database.close();
    }
  });
});
