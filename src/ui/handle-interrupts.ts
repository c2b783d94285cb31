import { ExitCode } from '../errors.js';

export interface InterruptHandlers {
  signal: AbortSignal;
  /** Ctrl-C pressed as a key (a raw-mode screen reads it instead of the terminal sending SIGINT). */
  trigger(): void;
  /** Removes the handlers (call when the run is over). */
  dispose(): void;
}

/**
 * Ctrl-C manners for a long run. The first SIGINT/SIGTERM aborts the signal: the run stops taking new
 * files and lets those in flight finish (each file's final write is one transaction, so nothing is
 * half-written). A second signal exits at once with 130: files in flight simply stay pending.
 */
export function handleInterrupts(options: {
  onFirst: (signal: NodeJS.Signals) => void;
  /** Runs before the exit (e.g. to leave the dashboard saying "interrupted"); the exit waits for it. */
  onSecond?: () => Promise<void> | void;
  exit?: (code: number) => void;
}): InterruptHandlers {
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort();
      options.onFirst(signal);
      return;
    }
    let last: Promise<void> | void;
    try {
      last = options.onSecond?.();
    } catch {
      last = undefined;
    }
    void Promise.resolve(last)
      .catch(() => undefined)
      .then(() => exit(ExitCode.Interrupted));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  let disposed = false;
  return {
    signal: controller.signal,
    trigger: () => {
      if (!disposed) handler('SIGINT');
    },
    dispose: () => {
      disposed = true;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
