import { render } from 'ink';
import type { ReviewWalk } from '../app/review-walk.js';
import { messagesFor, type Lang } from './i18n/messages.js';
import { MessagesContext } from './i18n/messages-context.js';
import { ReviewApp } from './review/review-app.js';
import { enterAlternateScreen } from './terminal/alternate-screen.js';
import { colorEnabled, createTheme, ThemeContext } from './theme.js';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  lang?: Lang;
}

/**
 * Runs the interactive review in the terminal's alternate screen until the admin quits: whatever was on
 * the main screen (an ingest's final dashboard, the shell's scrollback) is there again afterwards.
 */
export async function renderReview(
  walk: ReviewWalk,
  options: TerminalStreams & { reviewer: string },
): Promise<void> {
  const screen = enterAlternateScreen(options.stdout);
  try {
    const instance = render(
      <ThemeContext.Provider value={createTheme(colorEnabled(options.env))}>
        <MessagesContext.Provider value={messagesFor(options.lang ?? 'en')}>
          <ReviewApp walk={walk} reviewer={options.reviewer} onResize={screen.clear} />
        </MessagesContext.Provider>
      </ThemeContext.Provider>,
      { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false },
    );
    // A signal (kill, the terminal closing, Ctrl-C sent from outside) ends the sitting as the Ctrl-C key does:
    // after the decision being written, never in the middle of it.
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const interrupt = () => void walk.interrupt();
    for (const signal of signals) process.on(signal, interrupt);
    try {
      await walk.start();
      await walk.closed();
    } finally {
      for (const signal of signals) process.off(signal, interrupt);
      instance.unmount();
      await instance.waitUntilExit();
    }
  } finally {
    screen.leave();
  }
}
