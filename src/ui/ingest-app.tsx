import { survivesTerminalHangup } from './terminal/terminal-input-errors.js';
import { render, type Instance } from 'ink';
import type { ReactNode } from 'react';
import type { PipelineListener } from '../core/pipeline/events.js';
import type { ReviewWalk } from '../app/review-walk.js';
import { createDashboardStore } from './dashboard/dashboard-store.js';
import { LiveDashboard } from './dashboard/live-dashboard.js';
import { messagesFor } from './i18n/messages.js';
import { MessagesContext } from './i18n/messages-context.js';
import { renderReview, type ReviewSittingEnd, type TerminalStreams } from './render-review.js';
import type { TypeAhead } from './terminal/type-ahead.js';
import { colorEnabled, createTheme, ThemeContext } from './theme.js';

/** The Ink front end of `ingest`: the dashboard while files run, then the review of the held files. */
export interface IngestUi {
  /** The pipeline listener. */
  listener: PipelineListener;
  /** Shows that Ctrl-C was pressed and the run is winding down. */
  markStopping(): void;
  /** A second Ctrl-C: the last frame says "interrupted", and the terminal is released. */
  interruptNow(): Promise<void>;
  /**
   * Leaves the dashboard's final frame (with its errors) on the main screen and runs the review in the
   * alternate screen; resolves when the admin quits it, the final frame on screen again.
   */
  review(walk: ReviewWalk, reviewer: string): Promise<ReviewSittingEnd>;
  /** Leaves the last frame on screen and releases the terminal. */
  finish(): Promise<void>;
}

export interface IngestUiOptions extends TerminalStreams {
  /** Ctrl-C pressed on the dashboard (a key in raw mode, not a signal). */
  onInterrupt?: () => void;
  /**
   * Keys held since the command started: handed to Ink for the dashboard (and the review after it: between
   * the two the terminal stays raw, the keys left for the review's guard), taken back once the screens are
   * gone, so that nothing typed is echoed or left for the shell.
   */
  typeAhead?: TypeAhead;
}

export function startIngestUi(options: IngestUiOptions): IngestUi {
  const store = createDashboardStore();
  const providers = (children: ReactNode) => (
    <ThemeContext.Provider value={createTheme(colorEnabled(options.env))}>
      <MessagesContext.Provider value={messagesFor(options.lang ?? 'en')}>
        {children}
      </MessagesContext.Provider>
    </ThemeContext.Provider>
  );
  survivesTerminalHangup(options.stdin);
  const typeAhead = options.typeAhead;
  typeAhead?.handOver();
  let dashboard: Instance | null = render(
    providers(<LiveDashboard store={store} onInterrupt={options.onInterrupt} />),
    { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false },
  );
  const closeDashboard = async () => {
    if (!dashboard) return;
    const instance = dashboard;
    dashboard = null;
    store.dispose();
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the last state reach the screen
    instance.unmount();
    await instance.waitUntilExit();
  };
  const rawMode = (on: boolean) => {
    if (options.stdin.isTTY) options.stdin.setRawMode(on);
  };
  // Once the screens are gone, the keys are held until the command releases them (the summary printed).
  const done = () => (typeAhead ? typeAhead.takeBack() : rawMode(false));
  let finished = false;
  return {
    listener: store.dispatch,
    markStopping: store.markStopping,
    interruptNow: async () => {
      store.markInterrupted();
      finished = true;
      await closeDashboard();
      done();
    },
    review: async (walk, reviewer) => {
      await closeDashboard();
      // Between the dashboard and the review, keys are not echoed (the review's guard drops them).
      rawMode(true);
      return renderReview(walk, { ...options, reviewer });
    },
    finish: async () => {
      if (finished) return;
      finished = true;
      await closeDashboard();
      done();
    },
  };
}
