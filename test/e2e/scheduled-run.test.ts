import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { BIN, processGroupAlive, runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { startFakeOpenAiServer } from '../support/fake-openai-server.js';
import { REPO_ROOT, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * The nightly job as cron and systemd start it, through the built CLI: an environment with no HOME, USER,
 * LOGNAME, LANG or TERM (`env -i PATH=/usr/bin:/bin`), and an account the system may not even name.
 */

const NOT_A_PDF = '3000899337_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_7000000000_URG.pdf';
const TWO = [
  '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf',
  '3000768077_HUERTA SOTO, GABRIELA_6600392373_PRESC.pdf',
];

/** What cron and a systemd unit leave of the environment: PATH, and nothing the tool could lean on. */
const CRON_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: undefined,
  USER: undefined,
  LOGNAME: undefined,
  LANG: undefined,
  LC_ALL: undefined,
  LC_MESSAGES: undefined,
  TERM: undefined,
  TECSALUD_DB: undefined,
};

/** A uid with no passwd line, as systemd's DynamicUser=yes or a container's `--user 4711` runs the tool. */
const UNNAMED_UID = 4711;
const AS_UNNAMED_ACCOUNT = ['setpriv', `--reuid=${UNNAMED_UID}`, `--regid=${UNNAMED_UID}`, '--clear-groups'];
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = createTempDir('tecsalud-scheduled-');
  fs.mkdirSync(path.join(dir, 'drop'));
  for (const name of TWO) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(dir, 'drop', name));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const runAsUnnamedAccount = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
  runCli(args, { cwd: dir, env: { ...CRON_ENV, ...env }, wrapper: AS_UNNAMED_ACCOUNT });

describe('a run under an account with no home folder and no passwd entry', { tags: ['slow'] }, () => {
  it.runIf(isRoot)('ingests and reads the status instead of failing with an internal error', async () => {
    fs.chownSync(dir, UNNAMED_UID, UNNAMED_UID);
    for (const entry of ['drop', ...TWO.map((name) => path.join('drop', name))]) {
      fs.chownSync(path.join(dir, entry), UNNAMED_UID, UNNAMED_UID);
    }
    const db = path.join(dir, 'registry.db');
    const ingest = await runAsUnnamedAccount([
      'ingest',
      'drop',
      '--db',
      db,
      '--non-interactive',
      '--log-file',
      path.join(dir, 'ingest.log'),
    ]);
    expect(ingest.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(ingest.code).toBe(ExitCode.Success);
    expect(ingest.stdout).toMatch(/2 files: 2 ingested/);

    const status = await runAsUnnamedAccount(['status', '--db', db]);
    expect(status.code).toBe(ExitCode.Success);
    // The session's uploaded_by names the account by what the system knows of it: its uid.
    expect(status.stdout).toMatch(new RegExp(`^\\s*uploaded by\\s+uid ${UNNAMED_UID}$`, 'm'));
  });

  it.runIf(isRoot)(
    "still refuses a '~' path, with a hint that names no home folder it cannot know (English and Spanish)",
    async () => {
      const english = await runAsUnnamedAccount(['status', '--db', '~/registry.db']);
      expect(english.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(english.stderr).toMatch(/^error: --db '~\/registry\.db' starts with '~'/m);
      expect(english.stderr).toMatch(
        /^hint: write the full path instead: the home folder of this account followed by '\/registry\.db'$/m,
      );
      expect(english.code).toBe(ExitCode.Usage);

      const spanish = await runAsUnnamedAccount(['status', '--db', '~/registry.db'], { LANG: 'es_MX.UTF-8' });
      expect(spanish.stderr).toMatch(
        /^sugerencia: escriba la ruta completa: la carpeta personal de esta cuenta seguida de '\/registry\.db'$/m,
      );
      expect(spanish.code).toBe(ExitCode.Usage);
    },
  );
});

describe(
  'doctor as a systemd unit or a cron job runs it: in a working directory it cannot write',
  { tags: ['slow'] },
  () => {
    it.runIf(isRoot)(
      'is healthy (exit 0) when the database is kept elsewhere, and says why the folder does not matter',
      async () => {
        for (const entry of ['', 'drop', ...TWO.map((name) => path.join('drop', name))]) {
          fs.chownSync(path.join(dir, entry), UNNAMED_UID, UNNAMED_UID);
        }
        const db = path.join(dir, 'registry.db');
        expect(
          (await runAsUnnamedAccount(['ingest', 'drop', '--db', db, '--non-interactive', '--quiet'])).code,
        ).toBe(ExitCode.Success);
        // As systemd's `/`: a folder the account cannot write.
        const readOnly = path.join(dir, 'read-only');
        fs.mkdirSync(readOnly, { mode: 0o755 });
        fs.chownSync(readOnly, 0, 0);
        const doctor = (args: string[], env: NodeJS.ProcessEnv = {}) =>
          runCli(['doctor', ...args], {
            cwd: readOnly,
            env: { ...CRON_ENV, ...env },
            wrapper: AS_UNNAMED_ACCOUNT,
            timeoutMs: 30_000,
          });

        const english = await doctor(['--db', db]);
        expect(english.stdout).toMatch(
          /^OK\s+workdir\s+.*read-only is not writable, and need not be: the database is kept elsewhere$/m,
        );
        expect(english.stdout).not.toMatch(/^FAIL/m);
        expect(english.code).toBe(ExitCode.Success);
        const spanish = await doctor(['--db', db], { LANG: 'es_MX.UTF-8' });
        expect(spanish.stdout).toMatch(
          /read-only no admite escritura, y no hace falta: la base de datos se guarda en otro lugar$/m,
        );

        // The default database, ./tecsalud-batch.db, would be kept there: then the folder is a failure.
        const defaulted = await doctor([]);
        expect(defaulted.stdout).toMatch(/^FAIL\s+workdir\s+.*read-only is not writable: /m);
        expect(defaulted.code).not.toBe(ExitCode.Success);
      },
    );
  },
);

describe(
  'a run stopped by SIGTERM to its whole process group (systemctl stop, timeout)',
  { tags: ['slow'] },
  () => {
    it('lets the files in flight finish instead of failing them, leaves no process behind, and the re-run completes', async () => {
      // Enough distinct files that the extraction children are at work when the signal comes.
      const [sample] = TWO;
      const bytes = fs.readFileSync(path.join(SAMPLE_DIR, sample!));
      for (let i = 0; i < 400; i++) {
        const name = `3000768077_HUERTA SOTO, GABRIELA_${6380098000 + i}_LAB.pdf`;
        fs.writeFileSync(path.join(dir, 'drop', name), Buffer.concat([bytes, Buffer.from(`\n%${i}\n`)]));
      }
      const db = path.join(dir, 'registry.db');
      const args = ['ingest', 'drop', '--db', db, '--non-interactive', '--concurrency', '8'];
      // Its own process group, as systemd's cgroup or timeout(1)'s group: the signal reaches the children too.
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: { ...process.env, ...CRON_ENV, PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      let signalled = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The first progress line mid-run: files are being read.
        const progress = /^\s+(\d+)\/(\d+) files/m.exec(stderr);
        if (!signalled && progress && Number(progress[1]) < Number(progress[2])) {
          signalled = true;
          process.kill(-child.pid!, 'SIGTERM');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

      expect(signalled).toBe(true);
      expect(code, `stderr: ${stderr.slice(-800)}`).toBe(ExitCode.Interrupted);
      expect(stderr).not.toMatch(/text extraction failed|EPIPE|exited unexpectedly/);
      expect(stdout).toMatch(/— interrupted in/);
      // The files never started are said to wait for the next run.
      expect(stdout).toMatch(/ 0 failed, \d+ left for the next run$/m);
      expect(code).toBe(ExitCode.Interrupted);
      for (let waited = 0; processGroupAlive(child.pid!) && waited < 3_000; waited += 100) await sleep(100);
      expect(processGroupAlive(child.pid!)).toBe(false);

      const rerun = await runCli(args, { cwd: dir, env: CRON_ENV });
      expect(rerun.stdout).toMatch(/ 0 failed$/m);
      expect(rerun.code).toBe(ExitCode.Success);
    });
  },
);

/** The first README line that matches, as an IT person would copy it. */
function readmeBlockLine(pattern: RegExp): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((candidate) => pattern.test(candidate.trim()));
  if (!line) throw new Error(`README.md has no line matching ${String(pattern)}`);
  return line.trim();
}

describe("the README's cron line and logrotate's SIGHUP, together", { tags: ['slow'] }, () => {
  it('reopen the log mid-run and still report the exit code: the signal reaches the tool, not the cron shell', async () => {
    fs.copyFileSync(path.join(SAMPLE_DIR, NOT_A_PDF), path.join(dir, 'drop', NOT_A_PDF));
    // The run waits on the embedder until the test lets it go: logrotate comes at a known point.
    const server = await startFakeOpenAiServer({ dimension: 8 });
    let release!: () => void;
    server.inject({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)) });
    const embedding = new Promise<void>((resolve) => server.onRequest(() => resolve()));
    try {
      // `0 2 * * * tecsalud COMMAND` → COMMAND, with this test's folders, and `logger` writing to a file.
      const cronLine = readmeBlockLine(/^0 2 \* \* \* tecsalud /)
        .replace(/^0 2 \* \* \* tecsalud /, '')
        .replaceAll('/opt/tecsalud-batch/bin/tecsalud-batch.js', BIN)
        .replaceAll('/var/lib/tecsalud', dir)
        .replaceAll('/var/log/tecsalud', path.join(dir, 'log'))
        .replaceAll('/srv/tecsalud', dir);
      const reported = path.join(dir, 'logger.out');
      const shell = spawn('sh', ['-c', `logger() { shift 2; echo "$@" > '${reported}'; }; ${cronLine}`], {
        cwd: dir,
        env: {
          ...CRON_ENV,
          TECSALUD_EMBEDDER: 'openai',
          TECSALUD_EMBEDDING_MODEL: 'text-embedding-3-small',
          TECSALUD_EMBEDDING_DIMENSIONS: '8',
          OPENAI_API_KEY: 'sk-test-fake',
          OPENAI_BASE_URL: `${server.url}/v1`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      shell.stdout.on('data', (d: Buffer) => (output += d.toString()));
      shell.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => shell.on('close', resolve));
      await embedding;

      // logrotate: the rename, then the postrotate's pkill, here limited to this test's own processes.
      const log = path.join(dir, 'log', 'ingest.log');
      fs.renameSync(log, `${log}.1`);
      const postrotate = readmeBlockLine(/^pkill -HUP -u tecsalud -f '.*ingest'/);
      const pattern = /-f '([^']+)'/.exec(postrotate)![1]!;
      const matching = execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      const tool = execFileSync('pgrep', ['-P', String(shell.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
      expect(tool).toHaveLength(1);
      expect(matching).toContain(tool[0]);
      expect(matching).not.toContain(shell.pid);
      for (const pid of matching.filter((pid) => pid === shell.pid || tool.includes(pid)))
        process.kill(pid, 'SIGHUP');
      await vi.waitFor(() => expect(fs.existsSync(log)).toBe(true), { timeout: 20_000, interval: 50 });
      release();

      expect(await exited, output).toBe(0);
      // The tool's exit code (3: the file that is not a PDF) reached `logger`, and the log followed the rotation.
      expect(fs.readFileSync(reported, 'utf8')).toBe('ingest exited 3\n');
      const events = (file: string) =>
        fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { event: string }).event);
      expect(events(`${log}.1`)).toContain('session_started');
      expect(events(log)[0]).toBe('log_reopened');
      expect(events(log)).toContain('session_finished');
    } finally {
      release();
      await server.close();
    }
  });
});

/** The README's systemd units (`# /etc/systemd/system/NAME` starts each), as an IT person would copy them. */
function readmeSystemdUnits(): Map<string, string> {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const units = new Map<string, string>();
  for (const [, block] of readme.matchAll(/```ini\n([\s\S]*?)```/g)) {
    for (const unit of block!.split(/^(?=# \/etc\/systemd\/system\/)/m)) {
      const name = /^# \/etc\/systemd\/system\/(\S+)/.exec(unit)?.[1];
      if (name) units.set(name, unit);
    }
  }
  return units;
}

const hasSystemdAnalyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe("the README's systemd units", () => {
  it('pull in the network they wait for: After=network-online.target alone orders against a target nothing starts', () => {
    const units = readmeSystemdUnits();
    expect([...units.keys()].sort()).toEqual([
      'tecsalud-ingest.service',
      'tecsalud-ingest.timer',
      'tecsalud-worker.service',
    ]);
    for (const [name, text] of units) {
      if (!/^After=.*\bnetwork-online\.target\b/m.test(text)) continue;
      expect(text, name).toMatch(/^Wants=.*\bnetwork-online\.target\b/m);
    }
  });

  it.runIf(hasSystemdAnalyze)('pass systemd-analyze verify, with the tool where ExecStart names it', () => {
    const units = readmeSystemdUnits();
    for (const [name, text] of units) {
      fs.writeFileSync(
        path.join(dir, name),
        text.replaceAll('/opt/tecsalud-batch/', `${REPO_ROOT.replace(/\/$/, '')}/`),
      );
    }
    const result = spawnSync(
      'systemd-analyze',
      ['verify', ...[...units.keys()].map((name) => path.join(dir, name))],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('a --log-file whose folder the file-system will not create', { tags: ['slow'] }, () => {
  it.runIf(fs.existsSync('/proc/self'))(
    'is refused at once (64), instead of a run spinning for ever with its lock held',
    async () => {
      // procfs answers mkdir with ENOENT though its folder exists: Node's recursive mkdir retries that for ever.
      const run = await runCli(
        [
          'ingest',
          'drop',
          '--db',
          'registry.db',
          '--non-interactive',
          '--quiet',
          '--log-file',
          '/proc/tecsalud-none/ingest.log',
        ],
        {
          cwd: dir,
          timeoutMs: 20_000,
        },
      );
      expect(run.stderr).toMatch(
        /^error: cannot write the log '\/proc\/tecsalud-none\/ingest\.log': its folder does not exist and cannot be created$/m,
      );
      expect(run.code).toBe(ExitCode.Usage);
    },
  );
});

describe('a logrotate SIGHUP in the first moments of a nightly run', { tags: ['slow'] }, () => {
  it('does not kill a run given --log-file: the run finishes and its log is at its path', async () => {
    const log = path.join(dir, 'ingest.log');
    const child = spawn(
      process.execPath,
      [BIN, 'ingest', 'drop', '--db', path.join(dir, 'registry.db'), '--non-interactive', '--log-file', log],
      {
        cwd: dir,
        env: { ...process.env, ...CRON_ENV, PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    // Long before the command has loaded (its own SIGHUP handling comes with it, a second or more on a busy machine):
    // as soon as the shim's first line has taken the signal. A fixed 150 ms was, on a loaded machine, before Node had
    // run any of the shim, a moment no program can answer (the signal's default then ends it, 129).
    await until(() => catchesHangup(child.pid!));
    child.kill('SIGHUP');
    expect(await exited, stdout).toEqual({ code: ExitCode.Success, signal: null });
    expect(stdout).toMatch(/2 files: 2 ingested/);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/"file ingested"|ingested/);
  });
});

/** Whether the process takes SIGHUP (caught or ignored), by its /proc status masks: signal 1 is the lowest bit. */
function catchesHangup(pid: number): boolean {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return ['SigCgt', 'SigIgn'].some((mask) => {
    const hex = new RegExp(`^${mask}:\\s*([0-9a-f]+)$`, 'm').exec(status)?.[1];
    return hex !== undefined && (BigInt(`0x${hex}`) & 1n) === 1n;
  });
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(5);
  }
}
