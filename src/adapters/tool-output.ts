import { spawn } from 'node:child_process';

/**
 * What `command args` prints, on stdout and on stderr; null when it cannot be run, or `signal` stopped it first.
 * A stopped tool is killed and its pipes closed: a hung one (a tool on a network disk that does not answer, a
 * wrapper script whose child hangs while holding the pipes) must not keep the caller's process alive.
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
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = () => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(null);
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', () => resolve(null));
    child.on('close', () => {
      signal?.removeEventListener('abort', stop);
      resolve({ stdout, stderr });
    });
  });
}
