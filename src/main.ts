import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { CommanderError } from 'commander';
import { ExitCode, UserError } from './errors.js';
import { runProgram } from './cli.js';
import { diskProblemInSpanish, fileSystemProblem } from './core/text/file-system-problem.js';
import { writeJsonError } from './commands/shared/io.js';
import { languageOfArguments, type Lang } from './ui/i18n/language.js';
import { releaseTypeAheadFromStart } from './ui/terminal/type-ahead.js';

/** With `--json`, a command refused before it printed its report says why on stdout too (see writeJsonError). */
const PROCESS_IO = { stdout: process.stdout, stderr: process.stderr };

/** The one place that maps errors to exit codes and messages. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenTheReaderGoesAway(() => languageOfArguments(argv, process.env));
  endWithoutACrashWhenTheTerminalHangsUp();
  try {
    return await runProgram(argv);
  } catch (error) {
    const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
    const lang = languageOfArguments(argv, process.env);
    // The Spanish tables load only for a refusal to put in Spanish: --help and a run that ends well never need them.
    const spanish =
      lang === 'es' && error instanceof UserError ? await import('./ui/i18n/usage-errors-es.js') : null;
    return reportError(error, {
      json: options.includes('--json'),
      lang,
      ...(spanish
        ? { translate: { message: spanish.translateUsageMessage, hint: spanish.translateUsageHint } }
        : {}),
    });
  } finally {
    // Keys held from the start for a command that did not take them (`review --json`, a refusal): the terminal
    // as it was. A command that took them gave it back itself.
    await releaseTypeAheadFromStart();
  }
}

/** stdout or stderr on a disk that refused a write (full, over quota, failing): set once, told at exit. */
let lostOutput: { stream: 'stdout' | 'stderr'; error: NodeJS.ErrnoException } | null = null;

/** Codes of a write the disk under a redirected stdout or stderr refused. */
const DISK_REFUSED = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * The command went on without its output (the work a cron job redirects to a file is not lost for a full disk
 * under that file: an ingest's outcomes are in the database); what was not written is said here, and a command
 * that would have succeeded exits 74 so that a monitor notices. A failure's own code is kept: it says more.
 */
function reportLostOutput(lost: NonNullable<typeof lostOutput>, code: number, lang: Lang): number {
  const why = fileSystemProblem(lost.error) ?? lost.error.message;
  try {
    process.stderr.write(
      lang === 'es'
        ? `error: no se pudo escribir la salida en ${lost.stream} (${diskProblemInSpanish(lost.error) ?? why}): ` +
            'el trabajo del comando está hecho y registrado (`tecsalud-batch status` muestra los resultados de una ' +
            'ingesta); libere espacio allí o envíe la salida a otro lugar\n'
        : `error: could not write the output to ${lost.stream} (${why}): the command's work is done and recorded ` +
            "(`tecsalud-batch status` shows an ingest's outcomes); free space there or send the output elsewhere\n",
    );
  } catch {
    // stderr is the stream lost: the exit code is all that is left to tell.
  }
  return code === ExitCode.Success ? ExitCode.OutputLost : code;
}

/** Puts a refusal's English message and hint in the reader's language. */
interface RefusalTranslator {
  message(text: string): string;
  hint(text: string): string;
}

export function reportError(
  error: unknown,
  {
    json = false,
    lang = 'en',
    translate,
  }: { json?: boolean; lang?: Lang; translate?: RefusalTranslator } = {},
): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help / version text).
    const code = error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
    if (json && code !== ExitCode.Success)
      writeJsonError(PROCESS_IO, {
        message: error.message.replace(/^error: /, ''),
        hint: null,
        exitCode: code,
      });
    return code;
  }
  if (error instanceof UserError) {
    // The person reads their language; --json keeps the English a program compares.
    const message = translate ? translate.message(error.message) : error.message;
    const hint = error.hint && translate ? translate.hint(error.hint) : error.hint;
    process.stderr.write(`error: ${message}\n`);
    if (hint) process.stderr.write(`${lang === 'es' ? 'sugerencia' : 'hint'}: ${hint}\n`);
    if (json)
      writeJsonError(PROCESS_IO, {
        message: error.message,
        hint: error.hint ?? null,
        exitCode: error.exitCode,
      });
    return error.exitCode;
  }
  // A bug, not the user's mistake: the stack stays (it is what the report needs), under a first line in the
  // reader's language that says so; --json still gets its object, as for any other failure.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    lang === 'es'
      ? `error interno (un defecto del programa: por favor repórtelo con este texto): ${detail}\n`
      : `internal error (please report it): ${detail}\n`,
  );
  if (json) {
    const message = error instanceof Error ? error.message : String(error);
    writeJsonError(PROCESS_IO, {
      message: `internal error: ${message}`,
      hint: 'a bug in tecsalud-batch: please report it with the text printed on stderr',
      exitCode: ExitCode.Internal,
    });
  }
  return ExitCode.Internal;
}

/**
 * `tecsalud-batch search … | head` closes the pipe early: that is the reader's choice, not an error,
 * so the process ends quietly (as `cat` does) instead of printing a stack trace.
 */
function exitQuietlyWhenTheReaderGoesAway(language: () => Lang): void {
  // At exit: the failed write's error event may come after the command returned its code.
  process.on('exit', () => {
    if (lostOutput)
      process.exitCode = reportLostOutput(lostOutput, Number(process.exitCode ?? 0), language());
  });
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      // A redirected output on a full disk: the work goes on without it (see reportLostOutput).
      if (error.code !== undefined && DISK_REFUSED.has(error.code)) {
        lostOutput ??= { stream: name, error };
        return;
      }
      // The terminal went away (a dropped ssh connection, a closed window): the work goes on without it, as
      // under nohup — a review finishes the decision it is writing, an ingest its files — and what it records
      // in the database and its log is unaffected.
      if (error.code === 'EIO' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  }
}

/**
 * Node puts the terminal's settings back as it exits, and aborts (SIGABRT) when that terminal hung up
 * meanwhile (its ResetStdio check: tcsetattr fails with EIO). A closed window or a dropped ssh connection
 * is no reason to end in a crash once the work is done; Node skips a descriptor closed before it gets there,
 * and a terminal that hung up is one that no longer answers as a terminal.
 */
function endWithoutACrashWhenTheTerminalHangsUp(): void {
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  if (terminals.length === 0) return;
  process.on('exit', () => {
    for (const fd of terminals) {
      if (isatty(fd)) continue;
      try {
        closeSync(fd);
      } catch {
        // Already closed: nothing for Node to reset either.
      }
    }
  });
}
