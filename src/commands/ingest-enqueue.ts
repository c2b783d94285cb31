import type { ResolvedIngestOptions } from './ingest-options.js';
import type { IngestCommandOptions } from './ingest.js';
import { ExitCode } from '../errors.js';
import type { CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';

/**
 * `ingest DIR --enqueue`: registers the session and its files, queues one job per file and returns; the
 * workers (`tecsalud-batch worker`) process them. Prints the session id to follow with `status`.
 */
export async function enqueue(
  options: IngestCommandOptions,
  resolved: ResolvedIngestOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  if (options.maxFiles !== undefined && !options.quiet) {
    writeLine(
      io.stderr,
      'note: --max-files does not apply to --enqueue: every file is queued, and workers pull them',
    );
  }
  const { enqueueIngestSession } = await import('../app/enqueue-ingest.js');
  const { session, jobs } = await enqueueIngestSession(context, context.config!, resolved);
  if (options.json) {
    const { toSessionJson } = await import('./shared/report-json.js');
    writeJson(io, { ...toSessionJson(session), jobs_queued: jobs });
  } else if (!options.quiet) {
    writeLine(
      io.stdout,
      `Session ${session.id}: ${jobs} file${jobs === 1 ? '' : 's'} queued for the workers.`,
    );
    writeLine(
      io.stdout,
      `  Start workers with \`tecsalud-batch worker\`; follow it with \`tecsalud-batch status ${session.id.slice(0, 8)}\`.`,
    );
  } else {
    writeLine(io.stdout, session.id);
  }
  return ExitCode.Success;
}
