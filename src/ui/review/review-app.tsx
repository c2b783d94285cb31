import { useApp, useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ReviewAction, ReviewWalk, ReviewWalkState } from '../../app/review-walk.js';
import { useMessages } from '../i18n/messages-context.js';
import { reviewKey, type KeyPress } from '../key-bindings.js';
import { layoutReview } from './review-layout.js';
import { ReviewFrame } from './review-screen.js';
import { initialReviewView, reduceReviewView, type ReviewView, type ViewAction } from './review-view.js';

export interface ReviewAppProps {
  walk: ReviewWalk;
  reviewer?: string;
  /** Called once the walk is closed; the default leaves the Ink app. */
  onClosed?: () => void;
  /** Called after the terminal was resized, before the redraw (the alternate screen clears itself). */
  onResize?: () => void;
  /** Ctrl-Z: stops the job and returns once it continues (see suspendJob); absent, Ctrl-Z does nothing. */
  onSuspend?: () => void;
  /**
   * How often the files of the sitting are read again for decisions made elsewhere (another terminal, the HTTP
   * API), so that the list and the case on screen say so (default 3 s; 0: only when the list opens).
   */
  recheckMs?: number;
}

/** Cheap (one read of the sitting's files' states), and only a change redraws. */
export const DEFAULT_RECHECK_MS = 3_000;

/**
 * Keys in, walk and screen actions out: the walk decides, the screen's own state scrolls and opens
 * overlays, and the layout (a pure function of both) is drawn. No rule about decisions lives here.
 */
export function ReviewApp({
  walk,
  reviewer,
  onClosed,
  onResize,
  onSuspend,
  recheckMs = DEFAULT_RECHECK_MS,
}: ReviewAppProps) {
  const state = useSyncExternalStore(walk.subscribe, walk.getState);
  const messages = useMessages();
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const { isRawModeSupported } = useStdin();
  // Before the first key can arrive: attaches are to candidates this screen has shown (see markShown below).
  useState(() => walk.watchOnScreen());
  const size = useTerminalSize(stdout, onResize);
  const [view, dispatch, currentView] = useReviewView();
  const fileId = state.current?.fileId ?? null;
  useEffect(() => dispatch({ type: 'case_shown', fileId }), [fileId]);
  useEffect(() => dispatch({ type: 'confirm_shown' }), [state.confirm]);
  useEffect(() => {
    if (recheckMs <= 0) return;
    const timer = setInterval(() => void walk.refreshSettled(), recheckMs);
    // Never what keeps the process alive once the sitting is over (the walk no longer reads then either).
    timer.unref?.();
    return () => clearInterval(timer);
  }, [walk, recheckMs]);
  // Drawn: the moment in which keys are dropped starts now, not when the walk changed (see ReviewWalk.drawn).
  // Only for something new to decide on (a case, loaded again after an undo too; a confirmation; the end): a
  // refusal, or the case again after a cancelled confirmation, lets the next key act at once.
  // Layout effects, here and for markShown: they run as Ink writes the frame. Passive effects ran up to 100 ms
  // after it, so a key pressed a moment after the candidates appeared was dropped, or refused as "not on
  // screen yet" for a candidate the reviewer was looking at.
  const drawnBefore = useRef(new WeakSet<object>());
  const finished = state.phase === 'done' ? state.tally : null;
  useLayoutEffect(() => {
    const fresh = [state.current, state.confirm, finished].filter(
      (shown): shown is NonNullable<typeof shown> => shown !== null && !drawnBefore.current.has(shown),
    );
    for (const shown of fresh) drawnBefore.current.add(shown);
    if (fresh.length > 0) walk.drawn();
  }, [walk, state.current, state.confirm, finished]);
  const width = Math.max(20, size.columns - 1);
  const layout = layoutReview({ state, view, width, rows: size.rows, messages, reviewer });
  // Keys read together (End then Enter, typed fast) reach the handler before React draws the first one's
  // result: Enter opened the case the list's cursor was on before End. The handler reads the screen's state
  // as the keys left it, and the walk's from the walk; only the scroll sizes come from the last frame.
  const drawn = useRef(layout);
  drawn.current = layout;
  const shown = layout.shownCandidates.join(',');
  useLayoutEffect(() => {
    if (fileId) walk.markShown(fileId, drawn.current.shownCandidates);
  }, [walk, fileId, shown, state.phase]);
  // Likewise the parts of a confirmation: its `y` acts once the candidate and every reason have been on screen.
  const shownParts = layout.shownConfirmParts.join(',');
  useLayoutEffect(() => {
    if (state.confirm) walk.markConfirmShown(state.confirm, drawn.current.shownConfirmParts);
  }, [walk, state.confirm, shownParts]);

  useInput(
    (input: string, key: KeyPress) => {
      const view = currentView();
      const layout = drawn.current;
      const state = walk.getState();
      const meaning = reviewKey(input, key, {
        confirming: state.phase === 'confirming',
        overlay: view.overlay,
      });
      if (!meaning) return;
      if (meaning.kind === 'interrupt') {
        void walk.interrupt();
        return;
      }
      if (meaning.kind === 'suspend') {
        if (onSuspend) void suspend(walk, onSuspend, write);
        return;
      }
      if (meaning.kind === 'walk') {
        // A candidate not on screen yet (a small terminal, the evidence scrolled): the walk refuses, and the
        // body scrolls to them, so that the same key, pressed again, attaches to someone read.
        const rank = candidateOf(meaning.action, state);
        const row = rank === null ? undefined : layout.candidateRows.get(rank);
        // Likewise a `y` on a confirmation whose reasons were not all on screen: it scrolls to the first part not
        // read yet (down, or back up after End), and the walk refuses, saying why.
        const unread =
          meaning.action.type === 'confirm' && !walk.confirmationRead()
            ? walk.confirmPartsUnseen()[0]
            : undefined;
        const where =
          rank !== null && row !== undefined && !walk.candidateShown(rank)
            ? row
            : unread === undefined
              ? undefined
              : layout.confirmPartScroll.get(unread);
        if (walk.acceptsKeys() && where !== undefined)
          dispatch({
            type: 'scroll_to',
            where,
            max: layout.maxScroll,
            confirming: state.phase === 'confirming',
          });
        // Too soon after a case or a confirmation appeared, the walk drops a deciding key (and one held down stays
        // dropped); ← → decide nothing and act at once.
        void walk.perform(meaning.action);
        return;
      }
      // Scrolling and overlays decide nothing: they act at once, even on a case that has just appeared.
      if (!walk.acceptsMoves()) return;
      const action = meaning.action;
      switch (action.type) {
        case 'scroll':
          dispatch({
            type: 'scroll',
            by: action.direction * (action.by === 'page' ? Math.max(1, layout.bodyHeight - 1) : 1),
            max: layout.maxScroll,
            confirming: state.phase === 'confirming',
          });
          return;
        case 'scroll_to':
          dispatch({
            type: 'scroll_to',
            where: action.where,
            max: layout.maxScroll,
            confirming: state.phase === 'confirming',
          });
          return;
        case 'toggle_list':
          // Opened: as the files stand now, decisions made elsewhere meanwhile included.
          if (view.overlay !== 'list') void walk.refreshSettled();
          dispatch({ type: 'toggle_list', position: state.position });
          return;
        case 'list_move':
          dispatch({ type: 'list_move', by: action.by, count: state.entries.length });
          return;
        case 'list_open':
          dispatch({ type: 'close_overlay' });
          void walk.perform({ type: 'goto', position: view.listCursor });
          return;
        default:
          dispatch(action);
      }
    },
    { isActive: isRawModeSupported },
  );
  useEffect(() => {
    if (state.phase === 'closed') (onClosed ?? exit)();
  }, [state.phase, onClosed, exit]);
  return <ReviewFrame layout={layout} width={width} />;
}

/**
 * Ctrl-Z: the decision being written finishes first (stopped in its transaction, the job would keep the
 * registry locked for every other writer); then the job stops. Back (`fg`), the last frame is drawn again on
 * the cleared screen, and keys wait as for a case just shown: the reviewer reads it again before deciding.
 */
async function suspend(walk: ReviewWalk, stop: () => void, write: (data: string) => void): Promise<void> {
  await walk.settled();
  if (walk.getState().phase === 'closed') return;
  stop();
  write('');
  walk.drawn();
}

/** The candidate an attach or its confirmation is to; null for other actions. */
function candidateOf(action: ReviewAction, state: ReviewWalkState): number | null {
  if (action.type === 'attach') return action.candidate;
  if (action.type === 'confirm' && state.confirm?.action === 'attach') return state.confirm.candidate.rank;
  return null;
}

/**
 * The screen's own state (see review-view.ts), reduced at once: what a key changed is there for the next key,
 * before React has drawn it. Returns the state to draw, the dispatch, and a reader of the state as it is now.
 */
function useReviewView(): [ReviewView, (action: ViewAction) => void, () => ReviewView] {
  const current = useRef<ReviewView>(initialReviewView());
  const [view, setView] = useState(current.current);
  const dispatch = useCallback((action: ViewAction) => {
    current.current = reduceReviewView(current.current, action);
    setView(current.current);
  }, []);
  const read = useCallback(() => current.current, []);
  return [view, dispatch, read];
}

/** The terminal's size, kept current on resize (the frame is laid out for it). */
export function useTerminalSize(
  stdout: NodeJS.WriteStream,
  onResize?: () => void,
): { columns: number; rows: number } {
  const [size, setSize] = useState(() => readSize(stdout));
  const last = useRef(size);
  useEffect(() => {
    const resized = () => {
      const next = readSize(stdout);
      if (next.columns === last.current.columns && next.rows === last.current.rows) return;
      last.current = next;
      onResize?.();
      setSize(next);
    };
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, onResize]);
  return size;
}

function readSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
