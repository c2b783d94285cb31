import { survivesTerminalHangup } from './terminal-input-errors.js';

/**
 * Keys typed at a command outside of its screens: while it starts and loads, while a run without the
 * dashboard goes on, and while it closes. In the terminal's ordinary mode each such key is echoed where the
 * command's output goes and kept for the shell, which then runs a `1r`, a `q` or a whole `rm -rf x` + Enter as
 * a command. Held, the terminal neither echoes nor keeps them: they are read here and dropped (a review ignores
 * keys it has not shown the case for; a run reads none).
 */
export interface TypeAhead {
  /** Gives the keys to the screen (Ink reads them itself while it is mounted). */
  handOver(): void;
  /** Takes them back once the screen is gone, until release. */
  takeBack(): void;
  /** Drops what is still on its way and gives the terminal back as it was (echo on, stdin paused). */
  release(): Promise<void>;
  /** What the held Ctrl-C and Ctrl-Z do from now on (e.g. once the run's display can say something). */
  answerKeys(options: TypeAheadOptions): void;
}

/** How long release waits for keys already typed to arrive: the terminal delivers them within a few ms. */
const DRAIN_MS = 50;

const ERASE_LINE = '\r\u001b[K';
/**
 * Up one row and erase it. Row by row: an erase to the end of the screen from its top is a "clear" to tmux and
 * to some terminals, which keep what it erased in the scrollback.
 */
const ERASE_ROW_ABOVE = '\u001b[A\u001b[2K';
const CTRL_C = '\u0003';
const CTRL_Z = '\u001a';

/**
 * How soon the first keys must be read for their line breaks to be taken as echoed ones: those typed before the
 * hold are waiting to be read when it starts, and are read at once.
 */
const TYPED_BEFORE_MS = 250;

export interface TypeAheadOptions {
  /**
   * Ctrl-C among the held keys (raw mode reads it as a key; the terminal sends no SIGINT): a run that stops
   * on Ctrl-C says what to do with it. Without it, it is dropped with the rest.
   */
  onInterrupt?: () => void;
  /** Ctrl-Z among the held keys (the terminal stops nothing in raw mode): what to say. Without it, dropped. */
  onSuspend?: () => void;
}

interface Hold {
  stdin: NodeJS.ReadStream;
  typeAhead: TypeAhead;
}

/** The first of `streams` that is a terminal (where keys typed were echoed), or null when none is. */
export function terminalAmong(...streams: NodeJS.WritableStream[]): NodeJS.WritableStream | null {
  return streams.find((stream) => (stream as Partial<NodeJS.WriteStream>).isTTY === true) ?? null;
}

/** The hold taken as the program started (holdTypeAheadFromStart), until its command takes it or main ends it. */
let heldFromStart: Hold | null = null;

/**
 * Holds the keys typed from now on. `terminal`: the output stream on the terminal (stdout, else stderr), where
 * keys typed before were echoed; null when neither is one. The hold taken at the program's start on the same
 * stdin is taken over instead: the terminal is already raw, and its keys dropped since.
 */
export function holdTypeAhead(
  stdin: NodeJS.ReadStream,
  terminal: NodeJS.WritableStream | null,
  options: TypeAheadOptions = {},
): TypeAhead {
  if (heldFromStart?.stdin === stdin) {
    const held = heldFromStart;
    heldFromStart = null;
    held.typeAhead.answerKeys(options);
    return held.typeAhead;
  }
  return startHolding(stdin, terminal, options, false).typeAhead;
}

/**
 * The program's first step on a terminal, before its modules load (those take a while on a slow disk, every key
 * typed meanwhile echoed in the terminal's ordinary mode): raw mode at once. Ctrl-C still interrupts. The
 * command that holds keys takes this hold over (holdTypeAhead); one that does not leaves it to
 * releaseTypeAheadFromStart.
 */
export function holdTypeAheadFromStart(
  stdin: NodeJS.ReadStream,
  terminal: NodeJS.WritableStream | null,
): void {
  heldFromStart = startHolding(
    stdin,
    terminal,
    { onInterrupt: () => process.kill(process.pid, 'SIGINT') },
    true,
  );
}

/** Ends the start's hold when no command took it over (`--json`, a refusal, an error); a no-op otherwise. */
export async function releaseTypeAheadFromStart(): Promise<void> {
  const held = heldFromStart;
  heldFromStart = null;
  await held?.typeAhead.release();
}

function startHolding(
  stdin: NodeJS.ReadStream,
  terminal: NodeJS.WritableStream | null,
  initial: TypeAheadOptions,
  fromStart: boolean,
): Hold {
  let options = initial;
  const wasRaw = stdin.isRaw === true;
  const heldAt = Date.now();
  let firstKeys = true;
  const drop = (keys: Buffer | string) => {
    const typed = String(keys);
    if (firstKeys && fromStart && terminal && Date.now() - heldAt < TYPED_BEFORE_MS) {
      eraseEchoedLines(terminal, typed);
    }
    firstKeys = false;
    if (typed.includes(CTRL_C)) options.onInterrupt?.();
    else if (typed.includes(CTRL_Z)) options.onSuspend?.();
  };
  let holding = false;
  const hold = () => {
    if (holding) return;
    holding = true;
    survivesTerminalHangup(stdin);
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
  terminal?.write(ERASE_LINE);
  hold();
  let restored = false;
  const restoreOnExit = () => {
    if (!restored) stdin.setRawMode(wasRaw);
  };
  process.on('exit', restoreOnExit);
  return {
    stdin,
    typeAhead: {
      answerKeys: (own) => {
        options = own;
      },
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
    },
  };
}

/**
 * Keys typed with Enter before the hold, in the terminal's ordinary mode, were echoed on lines of their own
 * above the cursor: that mode reads Enter as "\n" (raw mode, as "\r"), so each "\n" among the keys waiting at the
 * start closes one such line. Those lines are erased. Their width is counted low (a tab as one column), never
 * high: a line too many would erase the command typed at the prompt.
 */
function eraseEchoedLines(terminal: NodeJS.WritableStream, typed: string): void {
  const lines = typed.split('\n').slice(0, -1);
  if (lines.length === 0) return;
  const columns = Math.max(1, (terminal as Partial<NodeJS.WriteStream>).columns ?? 80);
  const rows = lines.reduce((sum, line) => sum + Math.max(1, Math.ceil(echoWidth(line) / columns)), 0);
  terminal.write(`${ERASE_ROW_ABOVE.repeat(rows)}\r`);
}

/** Columns the terminal's echo took for `line`: a control key shows as ^X (two). */
function echoWidth(line: string): number {
  let width = 0;
  for (const char of line) width += char < ' ' && char !== '\t' ? 2 : 1;
  return width;
}
