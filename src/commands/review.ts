import { Command, Option } from '@commander-js/extra-typings';
import type { ContentCheckDetails } from '../core/content/types.js';
import type { MatchingDetails } from '../core/matching/types.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { BatchFile } from '../db/schema.js';
import { ExitCode, UsageError } from '../errors.js';
import { wrapWords } from '../ui/format.js';
import type { Messages } from '../ui/i18n/messages.js';
import { holdTypeAhead, type TypeAhead } from '../ui/terminal/type-ahead.js';
import { contextOf, finish, type CommandContext } from './context.js';
import { terminalColumns, writeJson, writeLine, type CommandIo } from './shared/io.js';
import { addBackendOptions, dbOption, examples, helpText, langOption, userOption } from './shared/options.js';

export function reviewCommand(command = new Command('review')) {
  return reviewOptions(command).action(async (session, options, command) =>
    finish(command, await review(session, options, contextOf(command))),
  );
}

/** The command's arguments, options and help, without its action (its handler's types come from here). */
function reviewOptions(command: Command) {
  const declared = command
    .description(
      'Walk the review-required files one by one in the terminal: the parsed filename, the candidate ' +
        'patients with their scores and reasons, and the first lines of the text. Keys: 1-9 attach, ' +
        'n new patient, r reject, s skip, u undo, ? help, q quit (decisions so far are kept). ' +
        'Without a terminal, or with --json, lists the pending reviews. A rejected file stays rejected on ' +
        'later runs (by its content) until `review --reopen ID`.',
    )
    .argument('[session]', 'session id or its first characters (default: every session)')
    .addOption(userOption('who reviews'))
    .addOption(dbOption())
    .addOption(new Option('--json', 'list the pending reviews as JSON on stdout (no interaction)'))
    .option('--collection <name>', 'vector collection (default: the one the session was ingested into)')
    .option(
      '--reopen <id>',
      'lift a rejection: a rejected file id, or the first characters of its content hash',
    )
    .addOption(langOption())
    .addHelpText(
      'after',
      helpText(
        examples(
          'review',
          'review 3f2a9c1e --user jlopez',
          'review --json > pending.json',
          'review --reopen 7c41e09a',
        ),
        `Exit codes: ${ExitCode.Success} no reviews left pending, ${ExitCode.ReviewPending} some still pending, ` +
          `${ExitCode.Interrupted} ended by Ctrl-C (decisions so far are kept).`,
      ),
    );
  return addBackendOptions(declared);
}

/** `review --json`'s `terminal_review.reason_code` when stdin or stdout is not a terminal (stable: scripts test it). */
export const REVIEW_NEEDS_TERMINAL = 'no_terminal';

export type ReviewOptions = ReturnType<ReturnType<typeof reviewOptions>['opts']>;

/**
 * `review [SESSION]`: walks the review-required files in the terminal (Ink), or lists them (`--json`,
 * or when there is no terminal). Exit code 2 while reviews remain pending, 0 when none do.
 */
export async function review(
  sessionPrefix: string | undefined,
  options: ReviewOptions,
  context: CommandContext,
): Promise<number> {
  const { io, stdin } = context;
  const walkMayFollow =
    options.reopen === undefined && !options.json && isTty(io.stdout) && stdin.isTTY === true;
  // `review &`: raw mode from the background stops the job with nothing said; it says why it waits first. A job
  // that cannot wait (no shell left to bring it back) lists the reviews as without a terminal.
  const foreground = walkMayFollow && (await waitUntilForeground(options, context));
  // On a terminal the walk may follow: from now on (before the modules and the database load) keys typed
  // ahead are neither echoed nor left for the shell.
  const typeAhead = foreground ? holdTypeAhead(stdin, io.stdout) : null;
  try {
    return await reviewHoldingKeys(sessionPrefix, options, context, typeAhead, walkMayFollow && !foreground);
  } finally {
    await typeAhead?.release();
  }
}

/** `review` itself: the listing, `--reopen` or the walk (`typeAhead` held when on a terminal). */
async function reviewHoldingKeys(
  sessionPrefix: string | undefined,
  options: ReviewOptions,
  context: CommandContext,
  typeAhead: TypeAhead | null,
  /** In a terminal's background with no way to wait for the foreground: no walk. */
  stuckInBackground = false,
): Promise<number> {
  const { io, stdin } = context;
  const [
    { currentUser },
    { withRegistry },
    { resolveSession },
    { listPendingReviews, openReviewSession, withContentNow },
  ] = await Promise.all([
    import('../app/current-user.js'),
    import('../app/open-registry.js'),
    import('../app/sessions.js'),
    import('../app/review-session.js'),
  ]);
  const reviewer = options.user?.trim() || currentUser();
  const { messagesFor, resolveLanguage } = await import('../ui/i18n/messages.js');
  const lang = resolveLanguage({ flag: options.lang, env: context.env });
  const messages = messagesFor(lang);
  if (options.reopen !== undefined) {
    // Its refusals stay English here: main puts them in the reader's language, and --json keeps the English.
    if (sessionPrefix) throw new UsageError('--reopen takes a file id or content hash, not a session');
    const { reopenRejection } = await import('../app/review-session.js');
    const reopened = await reopenRejection(context, { id: options.reopen, reviewer });
    if (options.json) {
      writeJson(io, {
        content_sha256: reopened.contentSha256,
        filename: reopened.filename,
        file_id: reopened.fileId,
        session_id: reopened.sessionId,
      });
    } else {
      const filename = sanitizeForTerminal(reopened.filename);
      writeLine(
        io.stdout,
        reopened.sessionId
          ? messages.reopened(filename, reopened.sessionId.slice(0, 8))
          : messages.rejectionLifted(filename),
      );
    }
    return ExitCode.Success;
  }
  return withRegistry(context, async (database) => {
    const sessionId = sessionPrefix ? (await resolveSession(database, sessionPrefix)).id : undefined;
    const pending = await listPendingReviews(database, sessionId);
    const interactive = isTty(io.stdout) && stdin.isTTY === true && !stuckInBackground;
    if (options.json) {
      writeJson(io, {
        session_id: sessionId ?? null,
        pending: (await withContentNow(database, pending)).map(({ file, content }) =>
          toPendingJson(file, content),
        ),
        // Whether `review` here could walk them: a script tells "needs a terminal" by its code, not its words.
        terminal_review: interactive
          ? { available: true, reason_code: null }
          : { available: false, reason_code: REVIEW_NEEDS_TERMINAL },
      });
      return pending.length > 0 ? ExitCode.ReviewPending : ExitCode.Success;
    }
    if (pending.length === 0) {
      writeLine(io.stdout, messages.noReviewsPending(sessionId?.slice(0, 8) ?? null));
      return ExitCode.Success;
    }
    if (!interactive) {
      // cron or a pipe: nothing to press keys in. The list says what waits; the refusal, what to do instead.
      printPendingList(io, pending, messages);
      writeLine(io.stderr, `error: ${messages.reviewNeedsTerminal}`);
      writeLine(io.stderr, `${messages.hintLabel}: ${messages.reviewNeedsTerminalHint}`);
      return ExitCode.ReviewPending;
    }
    const session = await openReviewSession({
      database,
      backends: context.config!,
      reviewer,
      sessionId,
      collection: options.collection,
    });
    if (!session) return ExitCode.Success; // settled meanwhile
    const { renderReview } = await import('../ui/render-review.js');
    let outcome;
    let sitting = { interrupted: false, terminalClosed: false };
    typeAhead?.handOver();
    try {
      sitting = await renderReview(session.walk, {
        stdout: io.stdout as NodeJS.WriteStream,
        stdin,
        reviewer,
        env: context.env,
        lang,
      });
    } finally {
      typeAhead?.takeBack();
      outcome = await session.close();
    }
    // The review ran in the alternate screen: the main screen is as it was, and this line goes below it.
    const closing = messagesFor(lang).reviewClosing(outcome.tally, outcome.stillPending);
    for (const row of wrapWords(closing, terminalColumns(io.stdout))) writeLine(io.stdout, row);
    if (sitting.terminalClosed && outcome.stillPending > 0)
      writeLine(
        io.stderr,
        messages.reviewTerminalClosed(outcome.stillPending, sessionId?.slice(0, 8) ?? null),
      );
    // Ctrl-C means 130 here as on the dashboard (a script tells "stopped" from "left pending" by the code).
    if (sitting.interrupted) return ExitCode.Interrupted;
    return outcome.stillPending > 0 ? ExitCode.ReviewPending : ExitCode.Success;
  });
}

/** See waitForForeground: true at once in the foreground (or where it cannot be told). */
async function waitUntilForeground(options: ReviewOptions, context: CommandContext): Promise<boolean> {
  const [{ waitForForeground }, { messagesFor, resolveLanguage }] = await Promise.all([
    import('../ui/terminal/foreground.js'),
    import('../ui/i18n/messages.js'),
  ]);
  const messages = messagesFor(resolveLanguage({ flag: options.lang, env: context.env }));
  const { stderr } = context.io;
  return waitForForeground(() => {
    for (const row of wrapWords(messages.reviewWaitsForForeground, terminalColumns(stderr)))
      writeLine(stderr, row);
  });
}

/** `content`: the cross-check against the registry as it is now (currentContentCheck). */
function toPendingJson(file: BatchFile, content: ContentCheckDetails | null) {
  const details = parseDetails(file.matchingDetails);
  return {
    file_id: file.id,
    session_id: file.batchId,
    filename: file.filename,
    relative_path: file.relativePath,
    expediente: file.expediente,
    document_type: file.documentType,
    numero: file.numero,
    outcome: file.outcome,
    match_confidence: file.matchConfidence,
    reason: details?.reason ?? null,
    suggestions: details?.suggestions ?? [],
    // What the document's own text says (verdict, identity, reasons), as the review screen and the HTTP API show
    // it: the suggestions alone rank the filename's match first even where the text names another patient.
    content,
  };
}

function printPendingList(io: CommandIo, pending: BatchFile[], messages: Messages): void {
  writeLine(io.stdout, messages.pendingTitle(pending.length));
  for (const file of pending) {
    const details = parseDetails(file.matchingDetails);
    writeLine(
      io.stdout,
      `  ${file.batchId.slice(0, 8)}  ${sanitizeForTerminal(file.relativePath)}  ` +
        messages.pendingRow(messages.reason(details?.reason ?? file.outcome ?? null), file.matchConfidence),
    );
  }
}

function parseDetails(json: string | null): Partial<MatchingDetails> | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Partial<MatchingDetails>;
  } catch {
    return null;
  }
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true;
}
