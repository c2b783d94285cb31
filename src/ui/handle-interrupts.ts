import { ExitCode } from '../errors.js';

export interface InterruptHandlers {
  signal: AbortSignal;
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
  onSecond?: () => void;
  exit?: (code: number) => never;
}): InterruptHandlers {
  const controller = new AbortController();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handler = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort();
      options.onFirst(signal);
      return;
    }
    options.onSecond?.();
    exit(ExitCode.Interrupted);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
