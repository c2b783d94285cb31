import type { PipelineListener } from '../core/pipeline/events.js';
import { createLogListener } from '../ingest/log-listener.js';
import { openPipelineLogger } from '../ingest/pipeline-logger.js';

export interface IngestLog {
  /** One JSON line per file outcome and per session event. */
  listener: PipelineListener;
  /** A line saying why the run stopped. */
  stopped(error: unknown): void;
  /** Writes what is buffered; call before exiting. */
  flush(): void;
}

/** `--log-file PATH` (`-` for stderr): the run's structured log, names kept out with `redact`. */
export async function openIngestLog(destination: string, options: { cwd: string; redact: boolean }): Promise<IngestLog> {
  const logger = await openPipelineLogger(destination, { cwd: options.cwd });
  return {
    listener: createLogListener(logger, { redact: options.redact }),
    stopped: (error) => logger.error({ event: 'session_failed', error: (error as Error).message }, 'run stopped'),
    flush: () => logger.flush(),
  };
}
