import { useInput, useStdin, useStdout } from 'ink';
import { useSyncExternalStore } from 'react';
import { dashboardKey, type KeyPress } from '../key-bindings.js';
import { useTerminalSize } from '../review/review-app.js';
import { Dashboard } from './dashboard.js';
import type { DashboardStore } from './dashboard-store.js';

export interface LiveDashboardProps {
  store: DashboardStore;
  /** Ctrl-C: in raw mode it is a key, not a signal (the run's interrupt handling takes it from here). */
  onInterrupt?: () => void;
}

/**
 * Subscribes to the store (which already bounds the update rate) and fits the terminal. It reads every key
 * while the run goes on, so that nothing typed is echoed on the screen or waits in the terminal to be taken
 * as a review decision later.
 */
export function LiveDashboard({ store, onInterrupt }: LiveDashboardProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const size = useTerminalSize(stdout);
  useInput(
    (input: string, key: KeyPress) => {
      const meaning = dashboardKey(input, key);
      // A run does not suspend: its timeouts (OCR, the search model, the index) would all expire on `fg`.
      if (meaning?.kind === 'suspend') return store.markSuspendRefused();
      for (let press = 0; press < (meaning?.times ?? 0); press++) onInterrupt?.();
    },
    { isActive: isRawModeSupported === true },
  );
  // One column short of the edge: a full-width line makes some terminals wrap the cursor.
  const width = Math.min(size.columns - 1, 120);
  return <Dashboard state={state} width={width} rows={size.rows} />;
}
