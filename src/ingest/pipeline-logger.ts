import path from 'node:path';
import type { PipelineLogger } from './log-listener.js';

export interface OpenedLogger extends PipelineLogger {
  /** Writes what is buffered; call before exiting. */
  flush(): void;
}

/**
 * Structured JSON logs (pino) to a file, or to stderr with `-`. Writes are synchronous: a cron job
 * killed mid-run must not lose the lines that say what it had done.
 */
export async function openPipelineLogger(
  destination: string,
  options: { cwd: string },
): Promise<OpenedLogger> {
  const { pino } = await import('pino');
  const stream =
    destination === '-'
      ? pino.destination({ fd: 2, sync: true })
      : pino.destination({
          dest: path.resolve(options.cwd, destination),
          mkdir: true,
          sync: true,
          append: true,
        });
  const logger = pino(
    { base: { pid: process.pid, app: 'tecsalud-batch' }, timestamp: pino.stdTimeFunctions.isoTime },
    stream,
  );
  return {
    info: (object, message) => logger.info(object, message),
    warn: (object, message) => logger.warn(object, message),
    error: (object, message) => logger.error(object, message),
    flush: () => stream.flushSync(),
  };
}
