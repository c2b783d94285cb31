/** Input streams that already have the listener below. */
const guarded = new WeakSet<NodeJS.ReadStream>();

/**
 * Keeps a terminal that hung up (a dropped ssh connection, a closed window) from crashing the process through its
 * input. Node's `setRawMode` on a terminal that is gone does not throw: it emits 'error' (EIO) on the stream, as a
 * read cut by the hang-up does, and an 'error' nobody listens to ends the process at once — a review in the middle
 * of writing a decision, an ingest with files in flight. The terminal's end is handled where it is known (the
 * input's end, SIGHUP); its errors are nothing more to say. Once per stream; the listener stays for good, since
 * raw mode is switched back after the screens are gone too.
 */
export function survivesTerminalHangup(stdin: NodeJS.ReadStream): void {
  if (guarded.has(stdin)) return;
  guarded.add(stdin);
  stdin.on('error', () => undefined);
}
