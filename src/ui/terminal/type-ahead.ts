/**
 * Keys typed at the review outside of its screen: while it loads (the database opens, the first case is
 * read) and while it closes. In the terminal's ordinary mode each such key is echoed where the shell's
 * output goes and kept for the shell, which then runs a `1r` or a `q` as a command. Held, the terminal
 * neither echoes nor keeps them: they are read here and dropped (they were meant for the review, which
 * ignores keys it has not shown the case for).
 */
export interface TypeAhead {
  /** Gives the keys to the screen (Ink reads them itself while it is mounted). */
  handOver(): void;
  /** Takes them back once the screen is gone, until release. */
  takeBack(): void;
  /** Drops what is still on its way and gives the terminal back as it was (echo on, stdin paused). */
  release(): Promise<void>;
}

/** How long release waits for keys already typed to arrive: the terminal delivers them within a few ms. */
const DRAIN_MS = 50;

const ERASE_LINE = '\r\u001b[K';

export interface TypeAheadOptions {
  /**
   * Ctrl-C among the held keys (raw mode reads it as a key; the terminal sends no SIGINT): a run that stops
   * on Ctrl-C says what to do with it. Without it, it is dropped with the rest.
   */
  onInterrupt?: () => void;
}

export function holdTypeAhead(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WritableStream,
  options: TypeAheadOptions = {},
): TypeAhead {
  const wasRaw = stdin.isRaw === true;
  const drop = (keys: Buffer | string) => {
    if (options.onInterrupt && String(keys).includes('\u0003')) options.onInterrupt();
  };
  let holding = false;
  const hold = () => {
    if (holding) return;
    holding = true;
    stdin.setRawMode(true);
    stdin.on('data', drop);
    stdin.resume();
  };
  const letGo = (pause: boolean) => {
    if (!holding) return;
    holding = false;
    stdin.off('data', drop);
    // Handed over, stdin keeps reading: Ink takes it as it is (paused, it would never read again).
    if (pause) stdin.pause();
  };
  // Keys typed before this process could take the terminal were echoed on the line the cursor is on (the
  // shell moved to a new line when the command was entered): that line holds only them.
  stdout.write(ERASE_LINE);
  hold();
  let restored = false;
  const restoreOnExit = () => {
    if (!restored) stdin.setRawMode(wasRaw);
  };
  process.on('exit', restoreOnExit);
  return {
    handOver: () => letGo(false),
    takeBack: hold,
    release: async () => {
      if (restored) return;
      hold();
      await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
      letGo(true);
      stdin.setRawMode(wasRaw);
      restored = true;
      process.off('exit', restoreOnExit);
    },
  };
}
