import { Command, Option } from '@commander-js/extra-typings';
import fs from 'node:fs';
import path from 'node:path';
import { checkPathSetting, homeFolder } from '../config/path-setting.js';
import type { IngestSessionResult } from '../app/ingest-session.js';
import type { Messages } from '../ui/i18n/messages.js';
import type { TypeAhead } from '../ui/terminal/type-ahead.js';
import type { ResolvedIngestOptions } from './ingest-options.js';
import { UnknownTypeCodes } from '../ui/unknown-type-codes.js';
import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import { filesLeftForNextRun } from '../core/pipeline/events.js';
import { DEFAULT_STILL_WRITING_SECONDS } from '../core/pipeline/still-being-written.js';
import { ExitCode, UsageError } from '../errors.js';
import { exitCodeFor } from './shared/batch-exit-code.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { terminalColumns, writeJson, writeJsonError, writeLine } from './shared/io.js';
import { wrapWords } from '../ui/format.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { addOcrAndContentOptions, ocrAndContentSourcesOf } from './shared/ocr-content-options.js';
import { extractorOption } from './shared/pipeline-options.js';
import { maxFileSizeOption } from './shared/max-file-size.js';
import {
  addBackendOptions,
  dbOption,
  EXIT_CODES_HELP,
  examples,
  helpText,
  jsonOption,
  langOption,
  userOption,
} from './shared/options.js';

export function ingestCommand(command = new Command('ingest')) {
  return ingestOptions(command).action(async (dir, options, command) =>
    finish(command, await ingest(dir, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function ingestOptions(command: Command) {
  const reading = command
    .description(
      'Walk DIR recursively and run every file through parse → match patient → extract text → chunk → ' +
        'embed and/or store. Every file ends in a recorded state with a reason; re-running is safe.',
    )
    .argument('<dir>', 'folder with the PDFs')
    .addOption(
      new Option(
        '--type <type>',
        'processing type: vectorized (vectors only), complete (full text only) or both',
      )
        .choices(['vectorized', 'complete', 'both'] as const)
        .default('both' as const),
    )
    .addOption(userOption('who uploads the batch'))
    .option('--glob <pattern>', "only files matching this pattern, relative to DIR (default '**/*')")
    .option(
      '--include-hidden',
      'take hidden and system entries (.snapshot/, .Trash-1000/, @eaDir/, .DS_Store, Thumbs.db) as any other; ' +
        'by default they are skipped and counted (config includeHidden)',
    )
    .option('--no-include-hidden', 'skip them even when the config file says includeHidden')
    .option(
      '--concurrency <n>',
      'files in flight at once; extraction runs in min(n, cores, 10) processes (default: 2 × min(cores, 10))',
    )
    .addOption(maxFileSizeOption())
    .option(
      '--max-files <n>',
      'most files that need work per run (files done, duplicates, files waiting for review do not count); the rest wait for the next run (default 1000)',
    )
    .option('--chunk-size <chars>', 'characters per chunk (default 1000)')
    .option('--chunk-overlap <chars>', 'characters shared by consecutive chunks (default 200)')
    .option(
      '--embed-batch-size <n>',
      'chunks per request to a remote embedder, gathered across files (config embedding.batchSize; default 256)',
    )
    .option(
      '--store-batch-size <n>',
      'files written together: one vector-store call and one database transaction (default 32)',
    )
    .option(
      '--auto-threshold <x>',
      `confidence at or above which a match is attached automatically (default ${DEFAULT_THRESHOLDS.auto.toFixed(2)})`,
    )
    .option(
      '--review-threshold <x>',
      `confidence at or above which a match goes to review, below it a new patient (default ${DEFAULT_THRESHOLDS.review.toFixed(2)})`,
    )
    .option('--timeout <seconds>', 'per-file text-extraction limit (default 60)')
    .addOption(extractorOption());
  // OCR and the content check follow the extractor in --help, as `serve` lists them.
  const declared = addOcrAndContentOptions(reading)
    .option('--collection <name>', 'vector collection (default medical_documents)')
    .option('--force', 're-ingest content that was already ingested, replacing its chunks')
    .option(
      '--dry-run',
      'show the parse and match plan, and the files that would fail the checks made before matching (name, size, ' +
        'permissions, first bytes; contents are not read: damaged or password-protected PDFs show up in the run); ' +
        'write nothing',
    )
    .option(
      '--enqueue',
      'register the session and put one job per file on the job queue (PostgreSQL), then return: ' +
        '`tecsalud-batch worker` processes them (--max-files does not apply); exits 3 or 2 as a run does when ' +
        'files settled as found failed or wait for review, never for the files queued',
    )
    .option('--non-interactive', 'never prompt: reviews stay pending for `tecsalud-batch review`')
    .option(
      '--log-file <path>',
      "structured JSON logs (pino), owner-only, reopened on SIGHUP; '-' for stderr",
    )
    .option('--quiet', 'no progress or summary output (errors still go to stderr)')
    .option(
      '--redact',
      'keep patient names out of the log (the default: expediente and content hash identify files)',
    )
    .option('--no-redact', 'let the log name files and patients (for a log only its readers may see)')
    .option(
      '--archive-dir <dir>',
      'move each ingested (or already ingested) file here, keeping its relative path',
    )
    .option('--quarantine-dir <dir>', 'move each file that failed validation here, keeping its relative path')
    .option(
      '--still-writing-seconds <s>',
      'a file that changes while it is read, or a PDF cut short or empty, changed less than this long ago and still growing ' +
        'when watched 2 s, is still being copied in: left for the next run, not failed (0 turns the time check off; ' +
        `default ${DEFAULT_STILL_WRITING_SECONDS})`,
    )
    .addOption(langOption())
    .addOption(dbOption())
    .addOption(jsonOption())
    .addHelpText(
      'after',
      helpText(
        examples(
          'ingest fixtures/sample',
          'ingest /srv/drop --type complete --user jlopez --non-interactive --json > report.json',
          'ingest /srv/drop --non-interactive --quiet --log-file /var/log/tecsalud/ingest.log --archive-dir /srv/archive --quarantine-dir /srv/quarantine',
          'ingest ./incoming --dry-run',
          'ingest /srv/scans --ocr-engine tesseract --ocr-min-confidence 0.8',
          'ingest /srv/drop --extractor pdfium --ocr off',
          'ingest /srv/drop --enqueue --db postgres://tecsalud@db.hospital.local/tecsalud   # then: worker',
        ),
        EXIT_CODES_HELP,
      ),
    );
  return addBackendOptions(declared);
}

/** The flags as commander hands them over; the ones with choices may be any string when called directly. */
export type IngestCommandOptions = Partial<
  Omit<ReturnType<ReturnType<typeof ingestOptions>['opts']>, 'type' | 'extractor' | 'ocr' | 'ocrEngine'>
> & { type?: string; extractor?: string; ocr?: string; ocrEngine?: string };

/**
 * `ingest DIR`: one session over the folder (see app/ingest-session), shown by one of three presenters
 * (Ink dashboard, progress bar, plain lines) and logged; then the JSON report or the summary.
 */
export async function ingest(
  dir: string,
  options: IngestCommandOptions,
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  // `ingest "~/drop"` (quoted, or from a crontab variable): no folder '~' here, and the shell expanded nothing.
  if (dir.startsWith('~') && !fs.existsSync(path.resolve(context.cwd, dir))) {
    checkPathSetting(dir, 'DIR', homeFolder(context.env));
  }
  const { resolveIngestOptions } = await import('./ingest-options.js');
  const resolved = resolveIngestOptions({
    ...options,
    dir,
    cwd: context.cwd,
    signal: context.signal,
    stillWritingSeconds: options.stillWritingSeconds ?? String(DEFAULT_STILL_WRITING_SECONDS),
    ...ocrAndContentSourcesOf(context),
    embedBatchSizeConfig: context.config?.embedding.batchSize,
    includeHiddenConfig: context.config?.includeHidden,
  });
  // The config file and the log are this run's own: never input, even inside DIR (the database is added later).
  resolved.ownFiles = [
    ...(context.config?.file ? [path.resolve(context.cwd, context.config.file)] : []),
    ...(options.logFile && options.logFile !== '-' ? [path.resolve(context.cwd, options.logFile)] : []),
  ];
  if (options.dryRun && options.enqueue) {
    throw new UsageError('--dry-run and --enqueue do not go together', 'drop one of them');
  }
  if (options.dryRun) {
    const { planIngest } = await import('../app/plan-ingest.js');
    const plan = await planIngest(context, resolved);
    const [{ printIngestPlan }, { messagesFor, resolveLanguage }] = await Promise.all([
      import('./ingest-plan-output.js'),
      import('../ui/i18n/messages.js'),
    ]);
    printIngestPlan(
      io,
      plan,
      Boolean(options.json),
      messagesFor(resolveLanguage({ flag: options.lang, env: context.env })),
    );
    // A plan that could be made is a success (a folder or database it cannot read exits 64): what the run would
    // meet is in its counts and lines. 3 or 2 here would read, to a script and to cron, as a run that failed.
    return ExitCode.Success;
  }
  if (options.enqueue) {
    const { enqueue } = await import('./ingest-enqueue.js');
    return enqueue(options, resolved, context);
  }
  // On a terminal, from now on (before the modules, the database and the folder's listing) keys typed are neither
  // echoed (onto the dashboard's first line, or the progress bar's) nor left for the shell, which would run an
  // `rm -rf x` typed during the run once it ends. Without one (cron, a pipe) stdin is left alone, and so it is for a
  // run in the background (`ingest DIR > run.log 2>&1 &`): raw mode would stop it there. Where the foreground is
  // unknown (no /proc), keys are held only for the dashboard, which takes the terminal anyway.
  const quiet = Boolean(options.quiet) || options.logFile === '-';
  const holdsKeys =
    context.stdin.isTTY === true && (await holdsKeysOnThisTerminal({ ...options, quiet, stdout: io.stdout }));
  const typeAhead = holdsKeys
    ? await import('../ui/terminal/type-ahead.js').then(({ holdTypeAhead, terminalAmong }) =>
        holdTypeAhead(context.stdin, terminalAmong(io.stdout, io.stderr), {
          // Read as a key while held: still the interrupt it is in a terminal's ordinary mode.
          onInterrupt: () => process.kill(process.pid, 'SIGINT'),
        }),
      )
    : undefined;
  try {
    return await ingestHoldingKeys(options, resolved, context, quiet, typeAhead);
  } finally {
    await typeAhead?.release();
  }
}

/** Whether a run with stdin on a terminal holds its keys: in the terminal's foreground, or for the dashboard. */
async function holdsKeysOnThisTerminal(
  options: Omit<IngestCommandOptions, 'quiet'> & { quiet: boolean; stdout: NodeJS.WritableStream },
): Promise<boolean> {
  const { terminalForeground } = await import('../ui/terminal/foreground.js');
  const foreground = terminalForeground();
  if (foreground !== 'unknown') return foreground === 'foreground';
  const { showsDashboard } = await import('../ui/ingest-presenter.js');
  return showsDashboard(options);
}

/** `ingest DIR` itself, once its options are resolved (`typeAhead` held when it runs in a terminal's foreground). */
async function ingestHoldingKeys(
  options: IngestCommandOptions,
  resolved: ResolvedIngestOptions,
  context: CommandContext,
  quiet: boolean,
  typeAhead: TypeAhead | undefined,
): Promise<number> {
  const { io } = context;
  const [
    { runIngestSession },
    { openIngestLogFile },
    { createIngestPresenter },
    { messagesFor, resolveLanguage },
  ] = await Promise.all([
    import('../app/ingest-session.js'),
    import('./shared/ingest-log-file.js'),
    import('../ui/ingest-presenter.js'),
    import('../ui/i18n/messages.js'),
  ]);
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  const log = await openIngestLogFile(options, context, lang);
  const presenter = await createIngestPresenter({
    json: Boolean(options.json),
    nonInteractive: Boolean(options.nonInteractive),
    // Log lines on stderr and a progress display on the same terminal would garble each other.
    quiet,
    typeAhead,
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: context.stdin,
    env: context.env,
    lang,
    // The dashboard reads keys (nothing typed is echoed or kept for the review): Ctrl-C comes as a key.
    onInterruptKey: () => interrupts?.trigger(),
  });
  // Ctrl-C: the first stops taking new files, the second exits at once (see handleInterrupts), the session
  // recorded as interrupted, as the dashboard's last frame says (the next run resumes it), and the folder's
  // run lock released.
  let sessionId: string | null = null;
  const markInterrupted = async () => {
    const { recordForcedExit } = await import('../app/sessions.js');
    await recordForcedExit(context, { sessionId, sourceDir: resolved.sourceDir }).catch(() => undefined);
  };
  let interrupts: { signal: AbortSignal; trigger(): void; dispose(): void } | null = null;
  if (!context.signal) {
    const { handleInterrupts } = await import('../ui/handle-interrupts.js');
    interrupts = handleInterrupts({
      onFirst: (signal) => presenter.interrupted(signal),
      // The terminal closed (ssh dropped): stop as Ctrl-C does, unless SIGHUP is logrotate's for the log file.
      hangup: !log?.reopensOnHangup,
      onSecond: async () => {
        await Promise.all([presenter.interruptedNow(), markInterrupted()]);
        // No summary follows a stop at once: say at least which session the next run finishes.
        const line = messagesFor(lang).summary.interruptedNow(sessionId?.slice(0, 8) ?? null);
        for (const row of wrapWords(line, terminalColumns(io.stderr))) writeLine(io.stderr, row);
        // A script reading --json gets an object to look at, as for any other failure (English, as --json is).
        if (options.json)
          writeJsonError(
            io,
            {
              message: messagesFor('en').summary.interruptedNow(sessionId),
              hint: null,
              exitCode: ExitCode.Interrupted,
            },
            { session_id: sessionId, status: 'interrupted' },
          );
      },
    });
    resolved.signal = interrupts.signal;
  }
  const review = presenter.review;
  let reviewTerminalClosed = false;
  let reviewInterrupted = false;
  const unknownTypeCodes = new UnknownTypeCodes();
  let result: IngestSessionResult;
  try {
    result = await runIngestSession(context, context.config!, resolved, {
      listener: (event) => {
        if (event.type === 'session_started') sessionId = event.sessionId;
        log?.listener(event);
        unknownTypeCodes.listener(event);
        presenter.listener?.(event);
      },
      // The run is over when the review starts: Ctrl-C is the review's own (it ends the sitting).
      review: review
        ? async (walk, reviewer) => {
            interrupts?.dispose();
            const sitting = await review(walk, reviewer);
            reviewTerminalClosed = sitting.terminalClosed;
            reviewInterrupted = sitting.interrupted;
          }
        : undefined,
      collectResults: Boolean(options.json),
      extractor: context.extractor,
    });
    if (result.stopped) log?.stopped(result.stopped);
    if (result.registryEmptyAtStart !== undefined && result.totals.createdPatients > 0)
      log?.registryWasEmpty(result.registryEmptyAtStart, result.totals.createdPatients);
  } catch (error) {
    log?.stopped(error);
    throw error;
  } finally {
    interrupts?.dispose();
    await presenter.finish();
    log?.close();
  }
  await printResult(
    context,
    options,
    {
      ...result,
      unknownTypeCodes: unknownTypeCodes.counts,
      unknownTypeCodesRecorded: unknownTypeCodes.recorded,
    },
    messagesFor(lang),
  );
  if (reviewTerminalClosed && result.reviewed && result.reviewed.stillPending > 0)
    writeLine(
      io.stderr,
      messagesFor(lang).reviewTerminalClosed(result.reviewed.stillPending, result.session.id.slice(0, 8)),
    );
  // A backend went down: the session and the files done are reported above; the error and its hint follow
  // (exit 69), and the files not done wait for the next run.
  if (result.stopped) throw result.stopped;
  // Its review ended by Ctrl-C: 130, as the dashboard's Ctrl-C and `review`'s.
  if (reviewInterrupted) return ExitCode.Interrupted;
  return exitCodeFor(
    result.reviewed
      ? {
          ...result,
          totals: { ...result.totals, reviewRequired: result.reviewed.stillPending, alreadyWaiting: 0 },
        }
      : result,
  );
}

async function printResult(
  context: CommandContext,
  options: IngestCommandOptions,
  result: IngestSessionResult & {
    unknownTypeCodes: ReadonlyMap<string, number>;
    unknownTypeCodesRecorded: number;
  },
  messages: Messages,
) {
  const { io } = context;
  if (options.json) {
    const { toFileJson, toSessionJson } = await import('./shared/report-json.js');
    writeJson(io, {
      ...toSessionJson(
        { ...result.session, alreadyWaiting: result.totals.alreadyWaiting ?? 0 },
        result.seconds,
      ),
      resumed: result.resumed,
      deferred: result.totals.deferred,
      // Files still being copied in when the run read them: not failed; the next run reads them.
      still_being_written: result.totals.stillBeingWritten ?? 0,
      // Files under a transfer's name its tool renamed once complete: done under the final name (not ingested twice).
      renamed_by_transfer: result.totals.renamedByTransfer ?? 0,
      not_moved_files: result.totals.notMoved,
      // As the summary's "left for the next run": deferred, still being written, or not finished by a stopped run
      // (those are listed in `files` as `interrupted`, with what finishes them).
      left_for_next_run: filesLeftForNextRun(result.totals),
      // Hidden and system entries of DIR skipped (folders end in '/'): not files of the session.
      skipped_hidden: result.skippedHidden?.length ?? 0,
      skipped_hidden_paths: result.skippedHidden ?? [],
      // The --glob matched none of the folder's files (present only then): how many the folder holds.
      ...(result.filesNotMatchingGlob ? { files_not_matching_glob: result.filesNotMatchingGlob } : {}),
      // The registry held no patient when the run began: every patient of it was made from a filename.
      registry_empty_at_start: result.registryEmptyAtStart !== undefined,
      pages: result.totals.pages,
      chunks: result.totals.chunks,
      unknown_type_codes: Object.fromEntries(result.unknownTypeCodes),
      stage_seconds: Object.fromEntries(
        Object.entries(result.stageSeconds).map(([stage, seconds]) => [
          stage,
          Math.round(seconds * 1000) / 1000,
        ]),
      ),
      files: result.files.map(toFileJson),
    });
  } else if (!options.quiet) {
    const { formatIngestSummary } = await import('../ui/ingest-summary.js');
    for (const line of formatIngestSummary({ ...result, glob: options.glob }, messages))
      for (const row of wrapWords(line, terminalColumns(io.stdout))) writeLine(io.stdout, row);
  } else if (result.registryEmptyAtStart !== undefined && result.totals.createdPatients > 0) {
    // --quiet (the cron line) leaves the summary out, not this: a mistyped --db or an unset TECSALUD_DB files a
    // night's documents into a new, empty registry, exit 0 — cron mails what reaches stderr.
    const warning = messages.summary.registryWasEmpty(
      result.totals.createdPatients,
      sanitizeForTerminal(result.registryEmptyAtStart),
    );
    for (const row of wrapWords(`${messages.summary.warningPrefix}${warning}`, terminalColumns(io.stderr)))
      writeLine(io.stderr, row);
  }
  if (result.interrupted)
    for (const row of wrapWords(
      messages.summary.interrupted(result.session.id.slice(0, 8)),
      terminalColumns(io.stderr),
    ))
      writeLine(io.stderr, row);
}
