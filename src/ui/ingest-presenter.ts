import type { PipelineListener } from '../core/pipeline/events.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { BackendConfig } from '../config/load-config.js';

export interface IngestPresenterOptions {
  json: boolean;
  nonInteractive: boolean;
  /** --quiet, or logs on stderr: no progress output at all. */
  quiet?: boolean;
  /** The run's backends, so that settling a review stores where the ingest stored. */
  backends?: BackendConfig;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
  /** The plain progress line: the fallback when neither stream is a terminal. */
  plain: () => PipelineListener;
}

export interface ReviewOutcome {
  pending: number;
  summary: string;
}

/** How `ingest` shows its progress: one of three subscribers to the same pipeline events. */
export interface IngestPresenter {
  kind: 'ink' | 'bar' | 'plain' | 'none';
  listener: PipelineListener | undefined;
  /** First Ctrl-C: say that the run is winding down. */
  interrupted(): void;
  /**
   * Walks the session's reviews in the same Ink app (Ink only, with a keyboard). Returns how many
   * reviews are still pending afterwards and a line saying what was decided, or null when there was
   * no interactive review.
   */
  settleReviews(database: OpenDatabase, sessionId: string, reviewer: string): Promise<ReviewOutcome | null>;
  /** Releases the terminal; safe to call twice. */
  finish(): Promise<void>;
}

export const STOPPING_MESSAGE =
  'Interrupted: no new files are started; the files in flight finish. ' +
  'Press Ctrl-C again to stop at once (unfinished files stay pending for the next run).';

/**
 * Ink when stdout is a terminal and the run is interactive (not --json, not --non-interactive);
 * else a cli-progress bar when stderr is a terminal; else the plain progress line (none with --json).
 */
export async function createIngestPresenter(options: IngestPresenterOptions): Promise<IngestPresenter> {
  if (options.quiet) {
    return {
      kind: 'none',
      listener: undefined,
      interrupted: () => options.stderr.write(`\n${STOPPING_MESSAGE}\n`),
      settleReviews: async () => null,
      finish: async () => undefined,
    };
  }
  const stdoutTty = isTty(options.stdout);
  if (stdoutTty && !options.json && !options.nonInteractive) {
    const { startIngestUi } = await import('./ingest-app.js');
    const ui = startIngestUi({
      stdout: options.stdout as NodeJS.WriteStream,
      stdin: options.stdin ?? process.stdin,
      env: options.env,
    });
    return {
      kind: 'ink',
      listener: ui.listener,
      interrupted: ui.markStopping,
      settleReviews: async (database, sessionId, reviewer) => {
        const stdin = options.stdin ?? process.stdin;
        if (stdin.isTTY !== true) return null;
        const [{ ReviewService }, { ReviewWalk }, { openSearchAdapters }] = await Promise.all([
          import('../review/review-service.js'),
          import('../review/review-walk.js'),
          import('../commands/shared/adapters.js'),
        ]);
        const service = new ReviewService({
          database,
          reviewer,
          openVectors: (collection) =>
            openSearchAdapters({ database, backends: options.backends, collection }),
        });
        const pending = await service.listPending(sessionId);
        if (pending.length === 0) return null;
        const walk = new ReviewWalk(
          service,
          pending.map((file) => file.id),
        );
        try {
          await ui.review(walk, reviewer);
        } finally {
          await service.close();
        }
        const left = (await service.listPending(sessionId)).length;
        const t = walk.getState().tally;
        return {
          pending: left,
          summary:
            `  After review: ${t.attached} attached, ${t.created} new patients, ${t.rejected} rejected, ` +
            `${t.skipped} skipped · ${left} still waiting for review`,
        };
      },
      finish: ui.finish,
    };
  }
  if (isTty(options.stderr)) {
    const { createCliProgressListener } = await import('./progress/cli-progress-listener.js');
    const bar = createCliProgressListener(options.stderr as NodeJS.WriteStream);
    return {
      kind: 'bar',
      listener: bar.listener,
      interrupted: () => bar.log(STOPPING_MESSAGE),
      settleReviews: async () => null,
      finish: async () => bar.stop(),
    };
  }
  return {
    kind: options.json ? 'none' : 'plain',
    listener: options.json ? undefined : options.plain(),
    interrupted: () => options.stderr.write(`\n${STOPPING_MESSAGE}\n`),
    settleReviews: async () => null,
    finish: async () => undefined,
  };
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true;
}
