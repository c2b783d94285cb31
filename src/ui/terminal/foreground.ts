import { readFileSync } from 'node:fs';

/**
 * Whether this process runs in its terminal's foreground: `background` for a job started with `&` (or sent there
 * with `bg`), whose terminal is the user's shell's. Such a process must not take the terminal: setting raw mode
 * from the background stops it (SIGTTOU, "Stopped (tty output)"), so `ingest DIR > run.log 2>&1 &` would never run.
 * `unknown` where /proc is not there to say (not Linux).
 */
export function terminalForeground(statPath = '/proc/self/stat'): 'foreground' | 'background' | 'unknown' {
  let stat: string;
  try {
    stat = readFileSync(statPath, 'utf8');
  } catch {
    return 'unknown';
  }
  // "pid (comm) state ppid pgrp session tty_nr tpgid …": comm may hold spaces and parentheses, so read after the
  // last one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const processGroup = Number(fields[2]);
  const terminalGroup = Number(fields[5]);
  if (!Number.isInteger(processGroup) || !Number.isInteger(terminalGroup)) return 'unknown';
  return terminalGroup === processGroup ? 'foreground' : 'background';
}

/**
 * A job started in the background (`review &`) that is about to take the terminal: says why it waits, then stops
 * as the terminal would stop it (SIGTTIN: the shell reports it as waiting for the terminal), until `fg` brings it
 * to the foreground; continued in the background again (`bg`), it says so and stops again. Ink, taking the
 * terminal from the background, was stopped with nothing said. Returns false when the job cannot be stopped (a
 * process group with no shell left to continue it: the kernel ignores the stop), true once in the foreground.
 */
export async function waitForForeground(
  say: () => void,
  foreground: () => ReturnType<typeof terminalForeground> = terminalForeground,
): Promise<boolean> {
  while (foreground() === 'background') {
    say();
    let continued = false;
    const onContinue = () => (continued = true);
    process.on('SIGCONT', onContinue);
    try {
      process.kill(process.pid, 'SIGTTIN');
      // Stopped here until continued; SIGCONT's listener runs once the loop turns.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('SIGCONT', onContinue);
    }
    if (!continued) return false;
  }
  return true;
}
