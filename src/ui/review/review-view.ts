/**
 * What the review screen shows of the walk's state: where the body is scrolled, whether the per-signal
 * details are open, and which overlay covers the body. Screen state only (nothing here decides anything),
 * reduced purely so that it is tested without a terminal.
 */
export interface ReviewView {
  /** The case the scroll position belongs to: a new case starts at the top. */
  fileId: string | null;
  scroll: number;
  /** The help overlay's own scroll (closing it finds the case where it was). */
  helpScroll: number;
  /** The confirmation's own scroll (its reasons may not fit a small terminal); each confirmation starts at the top. */
  confirmScroll: number;
  details: boolean;
  overlay: 'none' | 'help' | 'list';
  /** The highlighted row of the pending list. */
  listCursor: number;
}

export type ViewAction =
  /** `confirming`: a confirmation covers the case, and it is what scrolls. */
  | { type: 'scroll'; by: number; max: number; confirming?: boolean }
  /** A number: that row at the top (as far as `max` lets it). */
  | { type: 'scroll_to'; where: 'top' | 'bottom' | number; max: number; confirming?: boolean }
  | { type: 'confirm_shown' }
  | { type: 'toggle_details' }
  | { type: 'toggle_help' }
  | { type: 'toggle_list'; position: number }
  | { type: 'close_overlay' }
  | { type: 'list_move'; by: number; count: number }
  | { type: 'case_shown'; fileId: string | null };

export function initialReviewView(): ReviewView {
  return {
    fileId: null,
    scroll: 0,
    helpScroll: 0,
    confirmScroll: 0,
    details: false,
    overlay: 'none',
    listCursor: 0,
  };
}

/** Which scroll a key moves: the confirmation's, the help's, or the case's. */
function scrollKeyOf(
  view: ReviewView,
  confirming: boolean | undefined,
): 'confirmScroll' | 'helpScroll' | 'scroll' {
  if (confirming) return 'confirmScroll';
  return view.overlay === 'help' ? 'helpScroll' : 'scroll';
}

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(max, value));

export function reduceReviewView(view: ReviewView, action: ViewAction): ReviewView {
  switch (action.type) {
    case 'scroll': {
      const key = scrollKeyOf(view, action.confirming);
      return { ...view, [key]: clamp(view[key] + action.by, 0, Math.max(0, action.max)) };
    }
    case 'scroll_to': {
      const key = scrollKeyOf(view, action.confirming);
      const row = action.where === 'top' ? 0 : action.where === 'bottom' ? action.max : action.where;
      return { ...view, [key]: clamp(row, 0, Math.max(0, action.max)) };
    }
    case 'confirm_shown':
      return { ...view, confirmScroll: 0 };
    case 'toggle_details':
      return { ...view, details: !view.details };
    case 'toggle_help':
      return { ...view, overlay: view.overlay === 'help' ? 'none' : 'help', helpScroll: 0 };
    case 'toggle_list':
      return view.overlay === 'list'
        ? { ...view, overlay: 'none' }
        : { ...view, overlay: 'list', listCursor: Math.max(0, action.position) };
    case 'close_overlay':
      return { ...view, overlay: 'none' };
    case 'list_move':
      return { ...view, listCursor: clamp(view.listCursor + action.by, 0, Math.max(0, action.count - 1)) };
    case 'case_shown':
      // A new case: top of its evidence, overlays closed (a help left open must not hide it).
      return action.fileId === view.fileId
        ? view
        : { ...view, fileId: action.fileId, scroll: 0, overlay: 'none' };
  }
}
