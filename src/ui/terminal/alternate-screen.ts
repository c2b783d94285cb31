/** xterm's alternate screen (what htop, lazygit and k9s use): the main screen and its scrollback stay as they were. */
export const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
export const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';
const CLEAR_AND_HOME = '\u001b[2J\u001b[H';
const SHOW_CURSOR = '\u001b[?25h';
const HIDE_CURSOR = '\u001b[?25l';

export interface AlternateScreen {
  /** Clears the alternate screen and homes the cursor (before a full redraw, e.g. after a resize). */
  clear(): void;
  /** Back to the main screen, cursor shown; safe to call twice. */
  leave(): void;
  /** The main screen for a while (the job suspended), the restoring on every way out still armed. */
  pause(): void;
  /** Back on the alternate screen after pause(), cleared and the cursor hidden, for a full redraw. */
  resume(): void;
}

type ProcessLike = Pick<NodeJS.Process, 'on' | 'off' | 'listenerCount' | 'kill' | 'pid'>;

/**
 * Switches the terminal to its alternate screen (Ink has no switch for it) and makes sure it is switched
 * back on every way out: `leave()`, the process exiting, an uncaught exception (before its trace is
 * printed, so that the trace lands on the main screen) and SIGINT/SIGTERM/SIGHUP. A signal nobody else
 * handles is raised again once the terminal is restored, so the process still ends as the signal says; one
 * that another handler takes is left to it.
 */
export function enterAlternateScreen(
  stdout: NodeJS.WritableStream,
  proc: ProcessLike = process,
): AlternateScreen {
  stdout.write(ENTER_ALTERNATE_SCREEN + CLEAR_AND_HOME);
  let active = true;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const restore = () => {
    if (!active) return;
    active = false;
    proc.off('exit', restore);
    proc.off('uncaughtExceptionMonitor', restore);
    for (const signal of signals) proc.off(signal, onSignal);
    // Synchronous on a terminal: it reaches the screen even from an 'exit' handler.
    stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Another handler ends the run in order (the review finishes the decision being written) and leaves the
    // screen itself, or exits (then 'exit' restores it): leaving now would draw its last frames on the main one.
    if (proc.listenerCount(signal) > 1) return;
    restore();
    proc.kill(proc.pid, signal);
  };
  proc.on('exit', restore);
  proc.on('uncaughtExceptionMonitor', restore);
  for (const signal of signals) proc.on(signal, onSignal);
  return {
    clear: () => {
      if (active) stdout.write(CLEAR_AND_HOME);
    },
    leave: restore,
    pause: () => {
      if (active) stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
    },
    resume: () => {
      if (active) stdout.write(ENTER_ALTERNATE_SCREEN + CLEAR_AND_HOME + HIDE_CURSOR);
    },
  };
}
