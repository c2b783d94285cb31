import fs from 'node:fs';

/**
 * Whether a process of this host runs: signal 0 only asks (EPERM: it runs, as another user). Locks, review
 * claims and half-received uploads ask it of the process that left them.
 *
 * A killed process whose parent has not reaped it yet (a zombie: a supervisor that is itself stuck, a
 * wrapper script that never waits) still answers signal 0, though it will never release anything: on Linux
 * its state in /proc says so, and it counts as gone.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !hasExited(pid);
}

/** Linux: the process has exited and only waits to be reaped (state Z, or X while it is). */
function hasExited(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Gone since signal 0 answered, or a system without /proc (where only signal 0 can tell).
    return fs.existsSync('/proc/self/stat');
  }
  // The state follows the command name, which is in parentheses and may hold spaces or parentheses itself.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}
