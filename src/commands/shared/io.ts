/** Where a command writes. Injected so that tests capture output without touching process streams. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

let processStdoutHoldsJson = false;

export function writeJson(io: CommandIo, value: unknown): void {
  if (io.stdout === process.stdout) processStdoutHoldsJson = true;
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * One JSON document on one line: for a command that goes on running after it (serve), whose reader takes the
 * line as it comes (`read -r`, `head -1`) instead of waiting for the process to end.
 */
export function writeJsonLine(io: CommandIo, value: unknown): void {
  if (io.stdout === process.stdout) processStdoutHoldsJson = true;
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * With `--json`, a command that fails says why on stdout too — `{error: {message, hint, exit_code}}`, then what else
 * its reader needs (`extra`: the session and its status, say) — so that a script reading stdout gets an object to
 * look at instead of nothing to parse. Not after a report was printed (one JSON document per run).
 */
export function writeJsonError(
  io: CommandIo,
  error: { message: string; hint: string | null; exitCode: number },
  extra: Record<string, unknown> = {},
): void {
  if (stdoutHoldsJson()) return;
  writeJson(io, { error: { message: error.message, hint: error.hint, exit_code: error.exitCode }, ...extra });
}

/** Whether a command already wrote its JSON to this process's stdout (a second document would break a reader). */
export function stdoutHoldsJson(): boolean {
  return processStdoutHoldsJson;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** The width of the terminal a stream writes to; undefined for a pipe or a file, whose lines stay whole. */
export function terminalColumns(stream: NodeJS.WritableStream): number | undefined {
  const terminal = stream as Partial<NodeJS.WriteStream>;
  return terminal.isTTY ? terminal.columns : undefined;
}
