import { execFileSync } from 'node:child_process';
import { DEFAULT_KEY_GUARD_MS } from '../../src/app/review-walk.js';
import { BIN } from './cli-binary.js';

/** Whether tmux can be run here (CI installs it; elsewhere a test without it is skipped). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One pane of a tmux server of the test's own (its own socket), running the built CLI. */
export interface TmuxPane {
  /** Types the keys as they are (`send-keys -l`). */
  type(keys: string): void;
  /** Presses keys by tmux's names (`C-c`, `C-z`, `Enter`), all in one write to the terminal. */
  press(...keys: string[]): void;
  /** The visible screen. */
  screen(): string;
  /**
   * The command's process, to signal it as a kill or a shutdown does: the first node started on the pane's
   * terminal (its extraction processes are node too, started after it); null while none runs.
   */
  commandPid(): number | null;
  /** The main screen's scrollback and screen (not the alternate screen's). */
  history(): string;
  /** Polls the screen until the pattern shows; throws with the screen after a minute. */
  waitFor(pattern: RegExp | string): Promise<string>;
  /** The review ignores keys for a moment after it draws a case (nothing decided unseen): wait that out. */
  pastKeyGuard(): Promise<void>;
  /** Kills the test's tmux server. */
  close(): void;
}

export interface TmuxPaneOptions {
  /** The pane's size (default 100×30). */
  columns?: number;
  rows?: number;
  /**
   * Runs the command from an interactive bash, as typed at a prompt: with job control, so that Ctrl-Z
   * stops it and `fg` brings it back (a pane's own command runs in a shell without job control, where a
   * stop signal is ignored). The exit code shows as `EXITED <code>`.
   */
  jobControl?: boolean;
  /** With jobControl: a file that receives every byte the pane is sent, from before the command starts. */
  recordTo?: string;
  /**
   * Files that receive the terminal's modes (`stty -g`: echo, line editing, signals…) just before the command
   * starts and just after it ends, before `EXITED` shows: a command must leave them as it found them.
   */
  modesTo?: { before: string; after: string };
}

/** Runs `tecsalud-batch ARGS` in `cwd` with `env` in a new pane; `EXITED <code>` shows once it ends. */
export function launchInTmux(
  socket: string,
  cwd: string,
  args: string[],
  env: Record<string, string>,
  options: TmuxPaneOptions = {},
): TmuxPane {
  const tmux = (...tmuxArgs: string[]) =>
    execFileSync('tmux', ['-L', socket, ...tmuxArgs], { encoding: 'utf8' });
  const quoted = (values: string[]) => values.map((value) => JSON.stringify(value)).join(' ');
  const variables = Object.entries(env).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  // Ink renders only a final frame when CI is set; the admin's terminal has no CI.
  const command = `env -u CI ${variables.join(' ')} node ${quoted([BIN, ...args])}`;
  const modes = options.modesTo;
  const run = modes
    ? `cd ${JSON.stringify(cwd)}; stty -g > ${JSON.stringify(modes.before)}; ${command}; code=$?; ` +
      `stty -g > ${JSON.stringify(modes.after)}; echo EXITED $code`
    : `cd ${JSON.stringify(cwd)}; ${command}; echo EXITED $?`;
  const size = ['-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30)];
  if (options.jobControl) {
    tmux('new-session', '-d', '-s', 'pane', ...size, 'env PS1="$ " bash --norc --noprofile -i');
    if (options.recordTo) tmux('pipe-pane', '-t', 'pane', '-o', `cat > ${JSON.stringify(options.recordTo)}`);
    // One job for bash (node stopped, `echo` waits for it rather than running at once with 148).
    tmux('send-keys', '-t', 'pane', '-l', `clear; bash -c '${run}'`);
    tmux('send-keys', '-t', 'pane', 'Enter');
  } else tmux('new-session', '-d', '-s', 'pane', ...size, `${run}; sleep 300`);
  return tmuxPane(socket);
}

/** The pane of the test's tmux server on `socket` (a session named `pane`, started by launchInTmux or by the test). */
export function tmuxPane(socket: string): TmuxPane {
  const tmux = (...tmuxArgs: string[]) =>
    execFileSync('tmux', ['-L', socket, ...tmuxArgs], { encoding: 'utf8' });
  return {
    type: (keys) => void tmux('send-keys', '-t', 'pane', '-l', keys),
    press: (...keys) => void tmux('send-keys', '-t', 'pane', ...keys),
    screen: () => tmux('capture-pane', '-p', '-t', 'pane'),
    commandPid() {
      const terminal = tmux('display-message', '-p', '-t', 'pane', '#{pane_tty}').trim().replace('/dev/', '');
      try {
        return Number(
          execFileSync('pgrep', ['-o', '-t', terminal, '-x', 'node'], { encoding: 'utf8' }).trim(),
        );
      } catch {
        return null; // pgrep found none
      }
    },
    history: () => tmux('capture-pane', '-p', '-S', '-', '-t', 'pane'),
    async waitFor(pattern) {
      const deadline = Date.now() + 60_000;
      let last = '';
      while (Date.now() < deadline) {
        last = tmux('capture-pane', '-p', '-t', 'pane');
        if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${String(pattern)}; the screen shows:\n${last}`);
    },
    pastKeyGuard: () => pastKeyGuardOf(() => tmux('capture-pane', '-p', '-t', 'pane')),
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

/**
 * The review drops keys for DEFAULT_KEY_GUARD_MS from when it draws something new to decide on, and a pattern
 * a test waits for may show before that frame (the header is drawn while the case loads): wait until the
 * screen (as `capture` reads it) stays the same for a moment, then out the guard, as a reviewer reads the
 * settled screen before pressing a key.
 */
export async function pastKeyGuardOf(capture: () => string): Promise<void> {
  // A case that loads slowly (a busy machine, a slow Chroma) shows 'Loading…' unchanged for longer than a
  // moment: the screen is settled only once it is gone.
  const loading = /Loading…|Cargando…/;
  const deadline = Date.now() + 30_000;
  let last = capture();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const now = capture();
    if (now === last && !loading.test(now)) break;
    last = now;
  }
  await new Promise((resolve) => setTimeout(resolve, DEFAULT_KEY_GUARD_MS + 50));
}
