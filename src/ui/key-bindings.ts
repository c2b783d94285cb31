import type { ReviewAction } from '../app/review-walk.js';

/** Every key of the review screen, in one place: the help panel and the input handler both read it. */
export const REVIEW_KEYS: readonly { keys: string; description: string }[] = [
  { keys: '1–9', description: 'attach the document to that candidate' },
  { keys: 'n', description: 'create a new patient from the filename' },
  { keys: 'r', description: 'reject: set the file aside, not ingested' },
  { keys: 's', description: 'skip for now (stays pending)' },
  { keys: 'u', description: 'undo the last decision of this sitting' },
  { keys: '?', description: 'show or hide this help' },
  { keys: 'q', description: 'quit (decisions so far are kept)' },
];

export const REVIEW_KEY_HINT = '1-9 attach · n new · r reject · s skip · u undo · ? help · q quit';

/** Maps a key press (as Ink's useInput reports it) to a review action; null for keys with no meaning. */
export function reviewActionForKey(input: string, key: { ctrl?: boolean } = {}): ReviewAction | null {
  // Ink reads keys in raw mode, so Ctrl-C arrives here rather than as SIGINT: it quits like q.
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (/^[1-9]$/.test(input)) return { type: 'attach', candidate: Number(input) };
  switch (input) {
    case 'n':
      return { type: 'new_patient' };
    case 'r':
      return { type: 'reject' };
    case 's':
      return { type: 'skip' };
    case 'u':
      return { type: 'undo' };
    case '?':
    case 'h':
      return { type: 'toggle_help' };
    case 'q':
      return { type: 'quit' };
    default:
      return null;
  }
}
