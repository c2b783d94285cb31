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
