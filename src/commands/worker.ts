import { Command, Option } from '@commander-js/extra-typings';
import { z } from 'zod';
import { DEFAULT_CONCURRENCY } from '../app/ingest-defaults.js';
import { DEFAULT_EXTRACTOR, EXTRACTORS } from '../app/open-extractor.js';
import { resolveOcrSettings } from '../config/ocr-settings.js';
import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../core/queue/defaults.js';
import { readNumberSetting } from '../config/number-setting.js';
import { ExitCode, UsageError } from '../errors.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { writeJson, writeLine } from './shared/io.js';
import {
  addBackendOptions,
  dbOption,
  EXIT_CODES_HELP,
  examples,
  helpText,
  jsonOption,
  langOption,
} from './shared/options.js';
import { RepeatGate } from '../ui/repeat-gate.js';

/**
 * While the database is away pg-boss retries its maintenance every interval (down to seconds): the worker's
 * own "a backend is down" line already says what happens, so this one is said once, then again at most this often.
 */
const MAINTENANCE_WARNING_EVERY_MINUTES = 10;

export function workerCommand(command = new Command('worker')) {
  return workerOptions(command).action(async (options, command) =>
    finish(command, await worker(options, contextOf(command))),
  );
}

/** The command's options and help, without its action (its handler's types come from here). */
function workerOptions(command: Command) {
  const declared = command
    .description(
      'Take file jobs from the job queue (PostgreSQL) and run each file through the ingest pipeline: the ' +
        'same steps, outcomes and writes as `ingest`. Any number of workers on any number of machines that ' +
        'see the files at the same path share the sessions queued with `ingest DIR --enqueue`.',
    )
    .option(
      '--concurrency <n>',
      'files in flight at once; extraction runs in min(n, cores, 10) processes (default: 2 × min(cores, 10))',
    )
    .option(
      '--until-idle',
      'exit once the queue holds no job (queued, retrying or running): for cron, scripts and tests; a backend ' +
        'still down after queue.untilIdleOutageSeconds (default 120) stops it with 69, failing no file',
    )
    .option(
      '--job-timeout <seconds>',
      `after this long without finishing, a job is taken for abandoned (its worker died) and retried by another ` +
        `worker; keep it above the longest a file may take (default ${DEFAULT_JOB_TIMEOUT_SECONDS})`,
    )
    .addOption(
      new Option(
        '--extractor <name>',
        'pdfium (default), pdf-parse (pure JavaScript, slower) or pdftotext (needs poppler-utils)',
      ).choices(EXTRACTORS),
    )
    .option('--timeout <seconds>', 'per-file text-extraction limit (default 60)')
    .option(
      '--log-file <path>',
      "structured JSON logs (pino), owner-only, reopened on SIGHUP; '-' for stderr",
    )
    .option(
      '--redact',
      'keep patient names out of the log (the default: expediente and content hash identify files)',
    )
    .option('--no-redact', 'let the log name files and patients (for a log only its readers may see)')
    .option('--quiet', 'print nothing but errors')
    .addOption(dbOption())
    .addOption(jsonOption())
    .addOption(langOption())
    .addHelpText(
      'after',
      helpText(
        examples(
          'worker --db postgres://tecsalud@db.hospital.local/tecsalud --vector-store chroma --chroma-url http://chroma:8000',
          'worker --concurrency 4 --log-file /var/log/tecsalud/worker.log',
          'worker --until-idle --json',
        ),
        'SIGTERM or Ctrl-C: the files in flight finish, no new job is taken, then the worker exits (130);' +
          '\na second one exits at once (the jobs in flight are retried by another worker after --job-timeout).',
        EXIT_CODES_HELP,
      ),
    );
  return addBackendOptions(declared);
}

export type WorkerCommandOptions = Partial<
  Omit<ReturnType<ReturnType<typeof workerOptions>['opts']>, 'extractor'>
> & {
  extractor?: string;
};

const optionsSchema = z.object({
  concurrency: z.coerce
    .number({ error: () => '--concurrency must be a whole number from 1 to 64' })
    .int('--concurrency must be a whole number from 1 to 64')
    .min(1, '--concurrency must be at least 1')
    .max(64, '--concurrency must be at most 64')
    .default(DEFAULT_CONCURRENCY),
  jobTimeout: z.coerce
    .number({ error: () => '--job-timeout must be a number of seconds' })
    .int('--job-timeout must be a whole number of seconds')
    .min(5, '--job-timeout must be at least 5 seconds')
    .max(23 * 3600, '--job-timeout must be under 24 hours (pg-boss 10 refuses longer)')
    .default(DEFAULT_JOB_TIMEOUT_SECONDS),
  timeout: z.coerce
    .number({ error: () => '--timeout must be a number of seconds' })
    .positive('--timeout must be a positive number of seconds')
    .default(60),
  extractor: z
    .enum(EXTRACTORS, { error: () => `--extractor must be one of ${EXTRACTORS.join(', ')}` })
    .default(DEFAULT_EXTRACTOR),
});

/**
 * `worker`: runs until SIGTERM (or, with --until-idle, until the queue is empty), printing what matters
 * to an operator: start, sessions finished, backends down, files given up, and a closing line.
 */
export async function worker(options: WorkerCommandOptions, context: CommandContext): Promise<number> {
  // pg-boss 10 refuses a job expiry of a day or more.
  if (options.concurrency !== undefined)
    readNumberSetting(options.concurrency, '--concurrency', { kind: 'whole', min: 1, max: 64 });
  if (options.jobTimeout !== undefined)
    readNumberSetting(options.jobTimeout, '--job-timeout', { kind: 'whole', min: 5, max: 23 * 3600 });
  if (options.timeout !== undefined)
    readNumberSetting(options.timeout, '--timeout', { kind: 'decimal', min: 0, minExclusive: true });
  const parsed = optionsSchema.safeParse({
    concurrency: options.concurrency,
    jobTimeout: options.jobTimeout,
    timeout: options.timeout,
    extractor: options.extractor,
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const settings = parsed.data;
  const { io } = context;
  const [
    { runWorker },
    { openWorkerLog },
    { operatorDetail, workerEventLine },
    { messagesFor, resolveLanguage },
  ] = await Promise.all([
    import('../app/run-worker.js'),
    import('../app/worker-log.js'),
    import('./shared/worker-lines.js'),
    import('../ui/i18n/messages.js'),
  ]);
  // The operator's lines in the language `ingest` would speak here (--lang, LC_ALL / LANG); the log and
  // --json stay English, read by programs and IT staff.
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  const messages = messagesFor(lang);
  // A backend's errors and hints in Spanish as serve's lines say them (the tables load only then).
  const translate =
    lang === 'es' ? (await import('../ui/i18n/serve-log-es.js')).translateServeLogText : undefined;
  const log = options.logFile
    ? await openWorkerLog(options.logFile, {
        cwd: context.cwd,
        // Names stay out of the log unless --no-redact says otherwise (as `ingest`'s).
        redact: options.redact !== false,
        fileMode: context.config?.fileMode,
        lang,
      })
    : null;
  const quiet = Boolean(options.quiet) || options.logFile === '-';
  const say = (line: string) => {
    if (!quiet) writeLine(io.stderr, line);
  };
  const maintenanceWarnings = new RepeatGate(MAINTENANCE_WARNING_EVERY_MINUTES * 60_000);
  let signal = context.signal;
  let interrupts: { signal: AbortSignal; dispose(): void } | null = null;
  if (!signal) {
    const { handleInterrupts } = await import('../ui/handle-interrupts.js');
    interrupts = handleInterrupts({
      onFirst: (name) => say(messages.worker.stopping(name)),
      // The terminal it was started from closed: stop as SIGTERM does, unless SIGHUP is logrotate's.
      hangup: !log?.reopensOnHangup,
    });
    signal = interrupts.signal;
  }
  try {
    const summary = await runWorker(
      context,
      context.config!,
      {
        concurrency: settings.concurrency,
        untilIdle: Boolean(options.untilIdle),
        jobTimeoutSeconds: settings.jobTimeout,
        extractor: settings.extractor,
        timeoutSeconds: settings.timeout,
        // OCR as `ingest` resolves it from the environment and the config file (TECSALUD_OCR, "ocr").
        ocr: resolveOcrSettings({ env: context.env }, context.config?.ocr),
        signal,
      },
      {
        listener: (event) => {
          log?.listener(event);
          const line = workerEventLine(event, messages, translate);
          if (line) say(line);
        },
        extractor: context.extractor,
        onQueueError: (error) => {
          const passed = maintenanceWarnings.pass();
          if (passed)
            say(
              messages.worker.queueMaintenanceFailed(
                operatorDetail(error.message, messages, translate),
                passed.heldBack,
                MAINTENANCE_WARNING_EVERY_MINUTES,
              ),
            );
        },
      },
    );
    if (options.json) writeJson(io, summary);
    return summary.interrupted ? ExitCode.Interrupted : ExitCode.Success;
  } catch (error) {
    log?.stopped(error);
    throw error;
  } finally {
    interrupts?.dispose();
    log?.close();
  }
}
