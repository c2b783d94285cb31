import { render } from 'ink';
import type { ReviewWalk } from '../app/review-walk.js';
import { messagesFor, type Lang } from './i18n/messages.js';
import { MessagesContext } from './i18n/messages-context.js';
import { ReviewApp } from './review/review-app.js';
import { enterAlternateScreen } from './terminal/alternate-screen.js';
import { suspendJob } from './terminal/suspend-job.js';
import { survivesTerminalHangup } from './terminal/terminal-input-errors.js';
import { colorEnabled, createTheme, ThemeContext } from './theme.js';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  lang?: Lang;
}

/**
 * How a sitting ended: `interrupted` by Ctrl-C or a signal rather than by `q` (exit 130), `terminalClosed`
 * when its terminal went away (input ended, SIGHUP), not by a key.
 */
export interface ReviewSittingEnd {
  interrupted: boolean;
  terminalClosed: boolean;
}

/**
 * Runs the interactive review in the terminal's alternate screen until the admin quits: whatever was on
 * the main screen (an ingest's final dashboard, the shell's scrollback) is there again afterwards.
 */
/** Once the review's terminal is gone, a hang-up says nothing new (see renderReview). */
function ignoreHangup(): void {}

export async function renderReview(
  walk: ReviewWalk,
  options: TerminalStreams & { reviewer: string },
): Promise<ReviewSittingEnd> {
  let terminalClosed = false;
  survivesTerminalHangup(options.stdin);
  const screen = enterAlternateScreen(options.stdout);
  try {
    const instance = render(
      <ThemeContext.Provider value={createTheme(colorEnabled(options.env))}>
        <MessagesContext.Provider value={messagesFor(options.lang ?? 'en')}>
          <ReviewApp
            walk={walk}
            reviewer={options.reviewer}
            onResize={screen.clear}
            onSuspend={() => suspendJob(options.stdin, screen)}
          />
        </MessagesContext.Provider>
      </ThemeContext.Provider>,
      { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false },
    );
    // A signal (kill, the terminal closing, Ctrl-C sent from outside) ends the sitting as the Ctrl-C key does:
    // after the decision being written, never in the middle of it.
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const interrupt = (signal: NodeJS.Signals) => {
      if (signal === 'SIGHUP') terminalClosed = true;
      void walk.interrupt();
    };
    // The terminal gone (ssh dropped, the window closed) ends the input before or without a SIGHUP. Nothing
    // else keeps the process alive then: without this, Node left at once with 0, the sitting never closed
    // and the cases left pending unsaid.
    const inputEnded = () => {
      terminalClosed = true;
      void walk.interrupt();
    };
    for (const signal of signals) process.on(signal, interrupt);
    options.stdin.once('end', inputEnded);
    // A read or a raw-mode switch refused by a terminal that hung up (EIO) says the same as the input's end.
    options.stdin.on('error', inputEnded);
    try {
      await walk.start();
      if (options.stdin.readableEnded) inputEnded();
      await walk.closed();
    } finally {
      // The terminal gone, its hang-up may come after its input's end, or again: with no listener left, Node
      // would die of it (killed by SIGHUP, before saying what still waits). Taken on before the sitting's
      // listener goes, so that there is no moment without one.
      if (terminalClosed) process.on('SIGHUP', ignoreHangup);
      for (const signal of signals) process.off(signal, interrupt);
      options.stdin.off('end', inputEnded);
      options.stdin.off('error', inputEnded);
      instance.unmount();
      await instance.waitUntilExit();
    }
  } finally {
    screen.leave();
  }
  return { interrupted: walk.interrupted(), terminalClosed };
}
