import { Box, renderToString, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { MessagesContext, useMessages } from '../i18n/messages-context.js';
import { dashboardKey, type KeyPress } from '../key-bindings.js';
import { useTerminalSize } from '../review/review-app.js';
import { clearAboveNarrowedFrame } from '../terminal/reflowed-frame.js';
import { ThemeContext, useTheme } from '../theme.js';
import { Dashboard, type DashboardProps } from './dashboard.js';
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
  useStaleRowsErased(stdout, { state, width, rows: size.rows }, size.columns);
  // Clipped to the terminal: on a narrowing Ink draws the frame at once, before it is laid out for the new
  // width, and rows wider than the terminal would wrap into more rows than Ink erases on the next frame.
  return (
    <Box width="100%" overflow="hidden">
      <Dashboard state={state} width={width} rows={size.rows} />
    </Box>
  );
}

/**
 * On a narrowing of the terminal, clears the screen above the frame as the terminal re-wrapped it (see
 * clearAboveNarrowedFrame) before Ink erases and draws (this listener goes first). Ink erases the lines of the
 * frame it drew last: laid out again from the props of the last render, at the width it was drawn at.
 */
function useStaleRowsErased(stdout: NodeJS.WriteStream, props: DashboardProps, columns: number): void {
  const theme = useTheme();
  const messages = useMessages();
  const drawn = useRef<{ props: DashboardProps; columns: number } | null>(null);
  useLayoutEffect(() => {
    drawn.current = { props, columns };
  });
  useEffect(() => {
    const narrowed = () => {
      const last = drawn.current;
      const now = stdout.columns || 80;
      if (!last || now >= last.columns) return;
      // Erased: until the next frame is drawn, there is nothing more to erase.
      drawn.current = null;
      const frame = renderToString(
        <ThemeContext.Provider value={theme}>
          <MessagesContext.Provider value={messages}>
            <Dashboard {...last.props} />
          </MessagesContext.Provider>
        </ThemeContext.Provider>,
        { columns: last.columns },
      );
      stdout.write(clearAboveNarrowedFrame(frame.split('\n').length, stdout.rows || 24));
    };
    stdout.prependListener('resize', narrowed);
    return () => {
      stdout.off('resize', narrowed);
    };
  }, [stdout, theme, messages]);
}
