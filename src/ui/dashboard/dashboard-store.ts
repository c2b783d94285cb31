import type { PipelineEvent } from '../../core/pipeline/events.js';
import {
  initialDashboardState,
  reduceDashboard,
  type DashboardAction,
  type DashboardState,
} from './dashboard-state.js';

export interface DashboardStoreOptions {
  /** Longest a change waits before subscribers hear of it; bounds the redraw rate (100 ms ≈ 10 fps). */
  intervalMs?: number;
  now?: () => number;
}

export interface DashboardStore {
  /** The pipeline listener: feed it every PipelineEvent. */
  dispatch(event: PipelineEvent): void;
  markStopping(): void;
  /** Ctrl-Z: the run does not suspend (see DashboardMessages.noSuspend). */
  markSuspendRefused(): void;
  /** A second Ctrl-C: the last frame says the run was interrupted. */
  markInterrupted(): void;
  getState(): DashboardState;
  subscribe(listener: () => void): () => void;
  /** Stops the clock and delivers the last state at once. */
  dispose(): void;
}

/**
 * Holds the dashboard state outside React. Events may arrive thousands of times a second; state is
 * reduced on every one, but subscribers are told at most once per interval (and on a clock tick, so
 * elapsed time and ETA move while a long file extracts), so redraws stay bounded.
 */
export function createDashboardStore(options: DashboardStoreOptions = {}): DashboardStore {
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let state = initialDashboardState(now());
  const listeners = new Set<() => void>();
  let pending: ReturnType<typeof setTimeout> | null = null;
  let lastNotified = 0;

  const notify = () => {
    pending = null;
    lastNotified = now();
    for (const listener of listeners) listener();
  };
  const schedule = (immediate: boolean) => {
    if (immediate) {
      if (pending) clearTimeout(pending);
      notify();
      return;
    }
    if (pending) return;
    const wait = Math.max(0, intervalMs - (now() - lastNotified));
    pending = setTimeout(notify, wait);
    pending.unref?.();
  };
  const apply = (action: DashboardAction, immediate = false) => {
    state = reduceDashboard(state, action);
    schedule(immediate);
  };
  const clock = setInterval(() => apply({ type: 'tick', now: now() }), 1000);
  clock.unref?.();

  return {
    dispatch: (event) => {
      apply({ type: 'event', event, now: now() }, event.type === 'session_finished');
      if (event.type === 'session_finished') clearInterval(clock);
    },
    markStopping: () => apply({ type: 'stopping' }, true),
    markSuspendRefused: () => apply({ type: 'suspend_refused' }, true),
    markInterrupted: () => {
      apply({ type: 'interrupted', now: now() }, true);
      clearInterval(clock);
    },
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      clearInterval(clock);
      if (pending) clearTimeout(pending);
      notify();
    },
  };
}
