import { CommanderError } from 'commander';
import { ExitCode, UserError } from './errors.js';
import { runProgram } from './cli.js';
import { stdoutHoldsJson } from './commands/shared/io.js';

/** The one place that maps errors to exit codes and messages. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenTheReaderGoesAway();
  try {
    return await runProgram(argv);
  } catch (error) {
    const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
    return reportError(error, { json: options.includes('--json') });
  }
}

export function reportError(error: unknown, { json = false }: { json?: boolean } = {}): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help / version text).
    const code = error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
    if (json && code !== ExitCode.Success) writeJsonError(error.message.replace(/^error: /, ''), null, code);
    return code;
  }
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    if (json) writeJsonError(error.message, error.hint ?? null, error.exitCode);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error (please report it): ${detail}\n`);
  return ExitCode.Internal;
}

/**
 * With `--json`, stdout holds only JSON: a command refused before it printed its report says why there too,
 * so that a script reading stdout gets an object to look at instead of nothing to parse. Not after a report
 * was printed (one JSON document per run).
 */
function writeJsonError(message: string, hint: string | null, exitCode: number): void {
  if (stdoutHoldsJson()) return;
  process.stdout.write(`${JSON.stringify({ error: { message, hint, exit_code: exitCode } }, null, 2)}\n`);
}

/**
 * `tecsalud-batch search … | head` closes the pipe early: that is the reader's choice, not an error,
 * so the process ends quietly (as `cat` does) instead of printing a stack trace.
 */
function exitQuietlyWhenTheReaderGoesAway(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw error;
    });
  }
}
