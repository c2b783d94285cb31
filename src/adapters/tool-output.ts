import { spawn } from 'node:child_process';

/**
 * What `command args` prints, on stdout and on stderr; null when it cannot be run, or `signal` stopped it first.
 * A stopped tool is killed and its pipes closed: a hung one (a tool on a network disk that does not answer, a
 * wrapper script whose child hangs while holding the pipes) must not keep the caller's process alive.
 *
 * The tool runs in a process group of its own, and the whole group is killed: a wrapper script's own children (a
 * `sleep` it started, the real binary it runs without `exec`) would otherwise outlive the caller, still running
 * after `doctor` said the tool hung. Being its own group, it no longer gets the terminal's Ctrl-C: the caller
 * passes that on to it (see passOnEndingSignals).
 */
export function readToolOutput(
  command: string,
  args: string[],
  options: { signal?: AbortSignal } = {},
): Promise<{ stdout: string; stderr: string } | null> {
  const { signal } = options;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(null);
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stopPassingOn = passOnEndingSignals(child.pid);
    const stop = () => {
      stopPassingOn();
      killGroup(child.pid);
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      // A process stuck in the kernel (a disk that stopped answering) dies only when its call returns: the
      // caller does not wait for it.
      child.unref();
      resolve(null);
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', () => {
      stopPassingOn();
      resolve(null);
    });
    child.on('close', () => {
      stopPassingOn();
      signal?.removeEventListener('abort', stop);
      resolve({ stdout, stderr });
    });
  });
}

/** Kills the process group `pid` leads (a detached child's): gone already is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group has ended, or the tool never started.
  }
}

/** How a terminal (Ctrl-C, a closed window) or a service manager ends the caller. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * While the tool runs, a signal that ends the caller kills the tool's group too, as it would have reached the
 * tool in the caller's own group. A caller with no listener of its own for that signal still ends by it: the
 * listener here, once the last one, raises it again. Returns what stops passing them on.
 */
function passOnEndingSignals(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  const listeners = ENDING_SIGNALS.map((signal) => {
    const listener = () => {
      killGroup(pid);
      stop();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const stop = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
  return stop;
}
