import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './ingest-fixture.js';

/** The built CLI; test/global-setup.ts rebuilds dist/ before the tests when src/ is newer. */
export const BIN = path.join(REPO_ROOT, 'bin', 'tecsalud-batch.js');

/**
 * A `wrapper` that runs the CLI without root's permission overrides, so that a file mode (000) decides as it does
 * for the records team's service account; nothing to drop for anyone else.
 */
export const NO_DAC_OVERRIDE =
  process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'] : [];

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Node's own flags, before the script (e.g. `--import` a loader). */
  nodeOptions?: string[];
  /** A command that runs node in turn (e.g. `setpriv --reuid=…` to run as another user). */
  wrapper?: string[];
}

export function runCli(args: string[], options: CliOptions & { timeoutMs?: number }): Promise<RunResult> {
  const child = spawnCli(args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  return finishedRun(child).finally(() => clearTimeout(timer));
}

/** What a spawned CLI wrote, and how it ended (a test that kills it reads its signal). */
export function finishedRun(child: ChildProcess): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function spawnCli(args: string[], options: CliOptions): ChildProcess {
  const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath];
  return spawn(command!, [...prefix, ...(options.nodeOptions ?? []), BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Whether any process of the process group `pgid` (a detached CLI and its children) is still alive. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
