import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import type { ReviewWalk } from '../../app/review-walk.js';
import { reviewActionForKey } from '../key-bindings.js';
import { ReviewScreen } from './review-screen.js';

export interface ReviewAppProps {
  walk: ReviewWalk;
  reviewer?: string;
  /** Called once the walk is closed; the default leaves the Ink app. */
  onClosed?: () => void;
}

/** Keys in, walk actions out; the walk does the work and the screen shows its state. */
export function ReviewApp({ walk, reviewer, onClosed }: ReviewAppProps) {
  const state = useSyncExternalStore(walk.subscribe, walk.getState);
  const { exit } = useApp();
  const { stdout } = useStdout();
  useInput((input, key) => {
    const action = reviewActionForKey(input, key);
    if (action) void walk.perform(action);
  });
  useEffect(() => {
    if (state.phase === 'closed') (onClosed ?? exit)();
  }, [state.phase, onClosed, exit]);
  return (
    <ReviewScreen
      state={state}
      width={Math.min((stdout.columns || 80) - 1, 120)}
      rows={stdout.rows || 24}
      reviewer={reviewer}
    />
  );
}
