/** What a screen does around the job's stop: leave the terminal as the shell expects it, then take it back. */
export interface SuspendScreen {
  pause(): void;
  resume(): void;
}

/**
 * Ctrl-Z in a raw-mode screen, which reads it as a key (the terminal sends no SIGTSTP then): stops the job
 * as the terminal's own Ctrl-Z does, with the terminal given back as the shell expects it (its own screen,
 * echo, line editing), and takes the terminal back once the job continues (`fg`). The shell does not restore
 * a job's terminal modes: raw mode is set again here. Returns once the job continues, or at once where
 * nothing could continue it (a shell without job control: the kernel ignores the stop then).
 */
export function suspendJob(stdin: NodeJS.ReadStream, screen: SuspendScreen): void {
  screen.pause();
  if (stdin.isTTY) stdin.setRawMode(false);
  try {
    // The whole process group, as the terminal stops it: a child left running would write on the shell's screen.
    process.kill(0, 'SIGTSTP');
  } finally {
    if (stdin.isTTY) stdin.setRawMode(true);
    screen.resume();
  }
}
