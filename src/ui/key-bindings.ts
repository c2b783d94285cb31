import type { ReviewAction } from '../app/review-walk.js';

/** A key as Ink's useInput reports it (the fields the screens use). */
export interface KeyPress {
  ctrl?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
}

/** What the review screen's own state does with a key (scrolling, overlays); see review-view.ts. */
export type ReviewViewKey =
  | { type: 'scroll'; by: 'line' | 'page'; direction: 1 | -1 }
  | { type: 'scroll_to'; where: 'top' | 'bottom' }
  | { type: 'toggle_details' }
  | { type: 'toggle_help' }
  | { type: 'toggle_list' }
  | { type: 'close_overlay' }
  | { type: 'list_move'; by: number }
  | { type: 'list_open' };

/** A key's meaning: a walk action, a screen action, Ctrl-C, or nothing. */
export type ReviewKey =
  | { kind: 'walk'; action: ReviewAction }
  | { kind: 'view'; action: ReviewViewKey }
  | { kind: 'interrupt' }
  | { kind: 'suspend' }
  | null;

export interface ReviewKeyMode {
  /** A risky attach waits for `y`: the arrows and PgUp/PgDn/Home/End scroll it, any other key cancels it. */
  confirming: boolean;
  overlay: 'none' | 'help' | 'list';
}

/**
 * Every key of the review, in one place (the help overlay's descriptions are in i18n/messages.ts, in the
 * same order). Ink reads keys in raw mode, so Ctrl-C arrives here rather than as SIGINT.
 */
export function reviewKey(pressed: string, pressedKey: KeyPress, mode: ReviewKeyMode): ReviewKey {
  if (ctrlCPresses(pressed, pressedKey) > 0) return { kind: 'interrupt' };
  if (ctrlZ(pressed, pressedKey)) return { kind: 'suspend' };
  const { input, key, times } = firstKeyOf(pressed, pressedKey);
  const scroll = scrollKey(input, key);
  if (mode.confirming) {
    // Its reasons may not fit a small terminal: scrolling to read them must not cancel it.
    if (scroll && input !== 'g' && input !== 'G' && input !== ' ') return { kind: 'view', action: scroll };
    return {
      kind: 'walk',
      action: input === 'y' || input === 'Y' ? { type: 'confirm' } : { type: 'cancel' },
    };
  }
  if (mode.overlay === 'help') {
    if (scroll) return { kind: 'view', action: scroll };
    if (input === '?' || input === 'h' || input === 'q' || key.escape || key.return)
      return { kind: 'view', action: { type: 'close_overlay' } };
    return null;
  }
  if (mode.overlay === 'list') {
    // Moving the cursor decides nothing: `j` held down (read as "jjjj") moves as many rows.
    if (key.upArrow || input === 'k') return { kind: 'view', action: { type: 'list_move', by: -times } };
    if (key.downArrow || input === 'j') return { kind: 'view', action: { type: 'list_move', by: times } };
    if (key.pageUp) return { kind: 'view', action: { type: 'list_move', by: -10 } };
    if (key.pageDown) return { kind: 'view', action: { type: 'list_move', by: 10 } };
    // Hundreds of cases wait after a large run: the ends are one key away, as in the case's text.
    if (key.home || input === 'g') return { kind: 'view', action: { type: 'list_move', by: -Infinity } };
    if (key.end || input === 'G') return { kind: 'view', action: { type: 'list_move', by: Infinity } };
    if (key.return) return { kind: 'view', action: { type: 'list_open' } };
    if (input === 'l' || input === 'q' || key.escape)
      return { kind: 'view', action: { type: 'close_overlay' } };
    return null;
  }
  if (scroll) return { kind: 'view', action: scroll };
  if (key.leftArrow) return { kind: 'walk', action: { type: 'previous' } };
  if (key.rightArrow) return { kind: 'walk', action: { type: 'next' } };
  if (/^[1-9]$/.test(input)) return { kind: 'walk', action: { type: 'attach', candidate: Number(input) } };
  switch (input) {
    case 'n':
      return { kind: 'walk', action: { type: 'new_patient' } };
    case 'r':
      return { kind: 'walk', action: { type: 'reject' } };
    case 's':
      return { kind: 'walk', action: { type: 'skip' } };
    case 'u':
      return { kind: 'walk', action: { type: 'undo' } };
    case 'q':
      return { kind: 'walk', action: { type: 'quit' } };
    case 'd':
      return { kind: 'view', action: { type: 'toggle_details' } };
    case 'l':
      return { kind: 'view', action: { type: 'toggle_list' } };
    case '?':
    case 'h':
      return { kind: 'view', action: { type: 'toggle_help' } };
    default:
      return null;
  }
}

function scrollKey(input: string, key: KeyPress): ReviewViewKey | null {
  if (key.upArrow) return { type: 'scroll', by: 'line', direction: -1 };
  if (key.downArrow) return { type: 'scroll', by: 'line', direction: 1 };
  if (key.pageUp) return { type: 'scroll', by: 'page', direction: -1 };
  if (key.pageDown || input === ' ') return { type: 'scroll', by: 'page', direction: 1 };
  if (key.home || input === 'g') return { type: 'scroll_to', where: 'top' };
  if (key.end || input === 'G') return { type: 'scroll_to', where: 'bottom' };
  return null;
}

/**
 * The dashboard captures every key (nothing is echoed or kept for the review); only Ctrl-C means something,
 * how many times it was pressed (the second one exits at once), and Ctrl-Z (which it answers with a notice).
 */
export function dashboardKey(
  input: string,
  key: KeyPress,
): { kind: 'interrupt'; times: number } | { kind: 'suspend' } | null {
  const times = ctrlCPresses(input, key);
  if (times > 0) return { kind: 'interrupt', times };
  return ctrlZ(input, key) ? { kind: 'suspend' } : null;
}

/** Ctrl-Z: in raw mode a key (0x1a), not the terminal's SIGTSTP. */
function ctrlZ(input: string, key: KeyPress): boolean {
  return (key.ctrl === true && input === 'z') || input.includes('\u001a');
}

/**
 * Keys pressed faster than the process reads them (or while it was busy) come from Ink as one text: "rr"
 * matched no key and a deliberate press did nothing, and "yy" on a confirmation cancelled it. One key
 * repeated acts once (the repeats were pressed before its result was on screen, and are dropped as any key
 * typed ahead is); `times` says how often, for the list's cursor, which decides nothing. Different keys together are typing or a paste, never a decision: a pasted "3000576011"
 * must not attach to candidate 3; they stay dropped.
 */
function firstKeyOf(input: string, key: KeyPress): { input: string; key: KeyPress; times: number } {
  const [first, ...rest] = [...input];
  if (first === undefined || rest.length === 0) return { input, key, times: 1 };
  if (rest.some((char) => char !== first)) return { input: '', key: {}, times: 1 };
  if (first === '\r' || first === '\n') return { input: '', key: { ...key, return: true }, times: 1 };
  return { input: first, key, times: rest.length + 1 };
}

/**
 * How many Ctrl-C one input holds. Ink passes on what one read of the terminal got: keys pressed while the
 * process was busy (a decision or a file being written) come together, and Ink reports "\x03\x03" as
 * text rather than as Ctrl-C, which then did nothing at all.
 */
function ctrlCPresses(input: string, key: KeyPress): number {
  if (key.ctrl && input === 'c') return 1;
  return [...input].filter((char) => char === '\u0003').length;
}
