import { CommanderError } from 'commander';
import { ExitCode, UserError } from './errors.js';
import { runProgram } from './cli.js';

/** The one place that maps errors to exit codes and messages. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyWhenTheReaderGoesAway();
  try {
    return await runProgram(argv);
  } catch (error) {
    return reportError(error);
  }
}

export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help / version text).
    return error.exitCode === 0 ? ExitCode.Success : ExitCode.Usage;
  }
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`internal error (please report it): ${detail}\n`);
  return ExitCode.Internal;
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
