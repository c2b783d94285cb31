const ERASE_ROW = '\u001b[2K';
const UP = '\u001b[1A';
const TO_COLUMN_ONE = '\u001b[G';

/**
 * What clears the screen above the cursor for a frame Ink drew before the terminal was narrowed. The terminal
 * re-wraps long rows on a narrowing (tmux and most terminal emulators do): a row as wide as the old terminal now
 * takes two or more, and a frame Ink wrote between the narrowing and its notice was wrapped too. Ink erases as
 * many rows as it wrote, so those extra rows stayed above the new frame, stale headers over it. This erases
 * every row of the screen from the cursor up (row by row: the scrollback keeps what it had, and gets nothing),
 * then goes down `frameLines` rows, so that Ink's own erase on a narrowing (the frame's lines and the cursor's
 * row) ends at the top of the screen, where it draws the new frame.
 */
export function clearAboveNarrowedFrame(frameLines: number, screenRows: number): string {
  const rows = Math.max(1, screenRows);
  const erase = `${`${ERASE_ROW}${UP}`.repeat(rows - 1)}${ERASE_ROW}${TO_COLUMN_ONE}`;
  return frameLines > 0 ? `${erase}\u001b[${frameLines}B` : erase;
}
