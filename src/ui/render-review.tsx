import { render } from 'ink';
import type { ReviewWalk } from '../app/review-walk.js';
import { ReviewApp } from './review/review-app.js';
import { colorEnabled, createTheme, ThemeContext } from './theme.js';

export interface TerminalStreams {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
}

/** Runs the interactive review until the admin quits (or walks past the last file and quits). */
export async function renderReview(
  walk: ReviewWalk,
  options: TerminalStreams & { reviewer: string },
): Promise<void> {
  const instance = render(
    <ThemeContext.Provider value={createTheme(colorEnabled(options.env))}>
      <ReviewApp walk={walk} reviewer={options.reviewer} />
    </ThemeContext.Provider>,
    { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false },
  );
  await walk.start();
  await walk.closed();
  instance.unmount();
  await instance.waitUntilExit();
}
