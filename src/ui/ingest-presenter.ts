import type { PipelineListener } from '../core/pipeline/events.js';
import type { ReviewWalk } from '../app/review-walk.js';
import type { ReviewSittingEnd } from './render-review.js';
import type { TypeAhead } from './terminal/type-ahead.js';
import { messagesFor, type Lang } from './i18n/messages.js';
import { createPlainProgressListener } from './progress/plain-progress-listener.js';

export interface IngestPresenterOptions {
  json: boolean;
  nonInteractive: boolean;
  /** --quiet, or logs on stderr: no progress output at all. */
  quiet?: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  lang?: Lang;
  /** Ctrl-C read as a key, by the dashboard or among the held keys (raw mode): the run's interrupt handling. */
  onInterruptKey?: () => void;
  /**
   * Keys held since the command started, on a terminal: the dashboard and the review take them over; without
   * them they stay held to the end.
   */
  typeAhead?: TypeAhead;
}

/** Whether `createIngestPresenter` will show the Ink dashboard (a terminal, interactive, not quiet). */
export function showsDashboard(options: {
  json?: boolean;
  nonInteractive?: boolean;
  quiet?: boolean;
  stdout: NodeJS.WritableStream;
}): boolean {
  return !options.quiet && isTty(options.stdout) && !options.json && !options.nonInteractive;
}

/** How `ingest` shows its progress: one of three subscribers to the same pipeline events. */
export interface IngestPresenter {
  kind: 'ink' | 'bar' | 'plain' | 'none';
  listener: PipelineListener | undefined;
  /** First Ctrl-C (or SIGTERM, or SIGHUP): say that the run is winding down, and what the signal leaves to do. */
  interrupted(signal?: NodeJS.Signals): void;
  /** Second Ctrl-C, just before the process exits: the last frame says "interrupted". */
  interruptedNow(): Promise<void>;
  /**
   * Shows a review walk in the same Ink app and resolves when the admin quits it. Present only for Ink
   * with a keyboard: elsewhere the reviews stay pending for `tecsalud-batch review`.
   */
  review?: (walk: ReviewWalk, reviewer: string) => Promise<ReviewSittingEnd>;
  /** Releases the terminal; safe to call twice. */
  finish(): Promise<void>;
}

/**
 * Ink when stdout is a terminal and the run is interactive (not --json, not --non-interactive);
 * else a cli-progress bar when stderr is a terminal; else the plain progress line (none with --json).
 */
export async function createIngestPresenter(options: IngestPresenterOptions): Promise<IngestPresenter> {
  // The dashboard's language for the lines printed without it too (a Spanish-speaking admin's cron mail).
  const messages = messagesFor(options.lang ?? 'en');
  // No key sent SIGHUP or SIGTERM: "press Ctrl-C again" would be advice for a terminal that may be gone.
  const stopping = (signal?: NodeJS.Signals) =>
    signal === 'SIGHUP' || signal === 'SIGTERM'
      ? messages.progress.stoppingOn(signal)
      : messages.progress.interrupted;
  // Without the dashboard the keys stay held for the whole run (see holdTypeAhead): Ctrl-C read as a key still
  // stops it, and Ctrl-Z, which the terminal no longer turns into a stop, is refused as the dashboard refuses it.
  const answerHeldKeys = (sayNoSuspend: (text: string) => void) =>
    options.typeAhead?.answerKeys({
      onInterrupt: options.onInterruptKey,
      onSuspend: () => sayNoSuspend(messages.dashboard.noSuspend),
    });
  if (options.quiet) {
    answerHeldKeys((text) => options.stderr.write(`${text}\n`));
    return {
      kind: 'none',
      listener: undefined,
      interrupted: (signal) => options.stderr.write(`\n${stopping(signal)}\n`),
      interruptedNow: async () => undefined,
      finish: async () => undefined,
    };
  }
  if (showsDashboard(options)) {
    const { startIngestUi } = await import('./ingest-app.js');
    const stdin = options.stdin ?? process.stdin;
    const ui = startIngestUi({
      stdout: options.stdout as NodeJS.WriteStream,
      stdin,
      env: options.env,
      lang: options.lang,
      onInterrupt: options.onInterruptKey,
      typeAhead: options.typeAhead,
    });
    return {
      kind: 'ink',
      listener: ui.listener,
      interrupted: ui.markStopping,
      interruptedNow: ui.interruptNow,
      ...(stdin.isTTY === true ? { review: ui.review } : {}),
      finish: ui.finish,
    };
  }
  if (isTty(options.stderr)) {
    const { createCliProgressListener } = await import('./progress/cli-progress-listener.js');
    const bar = createCliProgressListener(options.stderr as NodeJS.WriteStream, messages);
    answerHeldKeys(bar.log);
    return {
      kind: 'bar',
      listener: bar.listener,
      interrupted: (signal) => bar.log(stopping(signal)),
      interruptedNow: async () => bar.stop(),
      finish: async () => bar.stop(),
    };
  }
  answerHeldKeys((text) => options.stderr.write(`${text}\n`));
  return {
    kind: options.json ? 'none' : 'plain',
    listener: options.json ? undefined : createPlainProgressListener(options.stderr, messages),
    interrupted: (signal) => options.stderr.write(`\n${stopping(signal)}\n`),
    interruptedNow: async () => undefined,
    finish: async () => undefined,
  };
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true;
}
