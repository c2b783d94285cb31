import { ExitCode } from '../errors.js';

export interface InterruptHandlers {
  signal: AbortSignal;
  /** Ctrl-C pressed as a key (a raw-mode screen reads it instead of the terminal sending SIGINT). */
  trigger(): void;
  /** Removes the handlers (call when the run is over). */
  dispose(): void;
}

/** The most a second Ctrl-C waits for its last writes (the session's state, the lock's release). */
const FORCED_EXIT_WAIT_MS = 3_000;

/**
 * Ctrl-C manners for a long run. The first SIGINT/SIGTERM aborts the signal: the run stops taking new
 * files and lets those in flight finish (each file's final write is one transaction, so nothing is
 * half-written). A second signal exits at once with 130 (after `onSecond`, waited for a few seconds at most):
 * files in flight simply stay pending.
 *
 * With `hangup`, SIGHUP (the terminal closed: a dropped ssh connection, a closed window) is a first signal
 * too, and only ever that: a hangup arrives more than once (the kernel sends it to the foreground group, the
 * shell to its jobs), and nobody pressed anything to mean "stop at once". Without it, Node's default for
 * SIGHUP kills the run on the spot — no summary, its files in flight unsettled, its session left
 * `processing` and its lock behind. A run whose `--log-file` is reopened on SIGHUP (logrotate) leaves it out.
 */
export function handleInterrupts(options: {
  onFirst: (signal: NodeJS.Signals) => void;
  /** SIGHUP stops the run as the first Ctrl-C does (see above). */
  hangup?: boolean;
  /** Runs before the exit (e.g. to leave the dashboard saying "interrupted"); the exit waits for it. */
  onSecond?: () => Promise<void> | void;
  exit?: (code: number) => void;
  /** How long the exit waits for `onSecond` at most: "at once" must stay so with a database that hangs. */
  forcedExitWaitMs?: number;
}): InterruptHandlers {
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const forcedExitWaitMs = options.forcedExitWaitMs ?? FORCED_EXIT_WAIT_MS;
  let exiting = false;
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort();
      options.onFirst(signal);
      return;
    }
    // A third signal while the second one's last writes wait (a database that does not answer) exits now.
    if (exiting) return exit(ExitCode.Interrupted);
    exiting = true;
    let last: Promise<void> | void;
    try {
      last = options.onSecond?.();
    } catch {
      last = undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, forcedExitWaitMs)));
    void Promise.race([Promise.resolve(last).catch(() => undefined), bound]).then(() => {
      clearTimeout(timer);
      exit(ExitCode.Interrupted);
    });
  };
  const onHangup = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    options.onFirst('SIGHUP');
  };
  // Once the run stopped, a hangup (a late one, or the terminal closing on the summary) lets it end in order.
  const ignoreHangup = () => undefined;
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  if (options.hangup) process.on('SIGHUP', onHangup);
  let disposed = false;
  return {
    signal: controller.signal,
    trigger: () => {
      if (!disposed) handler('SIGINT');
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.off('SIGHUP', onHangup);
      // Interrupted, the run may end before the second Ctrl-C comes: it still means "exit now", with 130 —
      // without a listener Node would die of the signal itself while the report is being written.
      if (controller.signal.aborted) {
        const exitNow = () => exit(ExitCode.Interrupted);
        process.once('SIGINT', exitNow);
        process.once('SIGTERM', exitNow);
        if (options.hangup) process.on('SIGHUP', ignoreHangup);
      }
    },
  };
}
