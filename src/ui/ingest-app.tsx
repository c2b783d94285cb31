import { render } from 'ink';
import { useSyncExternalStore } from 'react';
import type { PipelineListener } from '../core/pipeline/events.js';
import type { ReviewWalk } from '../app/review-walk.js';
import { createDashboardStore, type DashboardStore } from './dashboard/dashboard-store.js';
import { LiveDashboard } from './dashboard/live-dashboard.js';
import type { TerminalStreams } from './render-review.js';
import { ReviewApp } from './review/review-app.js';
import { colorEnabled, createTheme, ThemeContext } from './theme.js';

interface ReviewSlot {
  walk: ReviewWalk | null;
  reviewer: string;
}

function IngestApp(props: {
  store: DashboardStore;
  slot: { get: () => ReviewSlot; subscribe: (l: () => void) => () => void };
}) {
  const slot = useSyncExternalStore(props.slot.subscribe, props.slot.get);
  if (slot.walk) return <ReviewApp walk={slot.walk} reviewer={slot.reviewer} onClosed={() => undefined} />;
  return <LiveDashboard store={props.store} />;
}

/** The Ink front end of `ingest`: the dashboard while files run, then the review of the held files. */
export interface IngestUi {
  /** The pipeline listener. */
  listener: PipelineListener;
  /** Shows that Ctrl-C was pressed and the run is winding down. */
  markStopping(): void;
  /** Replaces the dashboard with the review walk and resolves when the admin quits it. */
  review(walk: ReviewWalk, reviewer: string): Promise<void>;
  /** Leaves the last frame on screen and releases the terminal. */
  finish(): Promise<void>;
}

export function startIngestUi(options: TerminalStreams): IngestUi {
  const store = createDashboardStore();
  let slot: ReviewSlot = { walk: null, reviewer: '' };
  const listeners = new Set<() => void>();
  const slotSource = {
    get: () => slot,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const instance = render(
    <ThemeContext.Provider value={createTheme(colorEnabled(options.env))}>
      <IngestApp store={store} slot={slotSource} />
    </ThemeContext.Provider>,
    { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false },
  );
  let finished = false;
  return {
    listener: store.dispatch,
    markStopping: store.markStopping,
    review: async (walk, reviewer) => {
      store.dispose();
      slot = { walk, reviewer };
      for (const listener of listeners) listener();
      await walk.start();
      await walk.closed();
    },
    finish: async () => {
      if (finished) return;
      finished = true;
      store.dispose();
      await new Promise((resolve) => setTimeout(resolve, 0)); // let the last state reach the screen
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
