import { emptyTotals } from '../core/pipeline/events.js';
import { createLogListener } from '../ingest/log-listener.js';
import { openPipelineLogger } from '../ingest/pipeline-logger.js';
import type { WorkerListener } from '../queue/worker-events.js';

export interface WorkerLog {
  listener: WorkerListener;
  stopped(error: unknown): void;
  flush(): void;
}

/**
 * A worker's `--log-file`: one JSON line per file outcome (the same lines as `ingest`'s log, with the
 * session id), and one per worker event (started, a backend down, a file given up, a session finished).
 */
export async function openWorkerLog(
  destination: string,
  options: { cwd: string; redact: boolean },
): Promise<WorkerLog> {
  const logger = await openPipelineLogger(destination, { cwd: options.cwd });
  return {
    listener: (event) => {
      switch (event.type) {
        case 'file_finished': {
          const where = { session_id: event.sessionId, file_id: event.result.fileId, attempt: event.attempt };
          createLogListener(
            {
              info: (object, message) => logger.info({ ...object, ...where }, message),
              warn: (object, message) => logger.warn({ ...object, ...where }, message),
              error: (object, message) => logger.error({ ...object, ...where }, message),
            },
            options,
          )({ type: 'file_finished', result: event.result, totals: emptyTotals() });
          break;
        }
        case 'service_down':
        case 'job_retrying':
          logger.warn(withoutPath(event, options.redact), event.type.replace('_', ' '));
          break;
        case 'file_given_up':
          logger.error(withoutPath(event, options.redact), 'file given up');
          break;
        default: {
          const { type, ...fields } = event;
          logger.info({ event: type, ...snakeCase(fields) }, type.replace('_', ' '));
        }
      }
    },
    stopped: (error) =>
      logger.error({ event: 'worker_failed', error: (error as Error).message }, 'worker stopped'),
    flush: () => logger.flush(),
  };
}

function snakeCase(fields: object): object {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      value,
    ]),
  );
}

/** Paths carry patient names: kept out of a redacted log. */
function withoutPath(event: { type: string; relativePath?: string }, redact: boolean): object {
  const { relativePath, type, ...rest } = event;
  return { event: type, ...snakeCase(rest), ...(redact ? {} : { path: relativePath }) };
}
