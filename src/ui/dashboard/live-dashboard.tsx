import { useStdout } from 'ink';
import { useSyncExternalStore } from 'react';
import { Dashboard } from './dashboard.js';
import type { DashboardStore } from './dashboard-store.js';

/** Subscribes to the store (which already bounds the update rate) and fits the terminal's width. */
export function LiveDashboard({ store }: { store: DashboardStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { stdout } = useStdout();
  // One column short of the edge: a full-width line makes some terminals wrap the cursor.
  const width = Math.min((stdout.columns || 80) - 1, 120);
  return <Dashboard state={state} width={width} />;
}
