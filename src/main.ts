import { CommanderError } from 'commander';
import { ExitCode, ExitWithCode, UserError } from './errors.js';
import { buildProgram } from './cli.js';

/** The one place that maps errors to exit codes and messages. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (error) {
    return reportError(error);
  }
}

export function reportError(error: unknown): number {
  if (error instanceof ExitWithCode) return error.exitCode;
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
