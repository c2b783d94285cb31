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

/** Whether a command already wrote its JSON to this process's stdout (a second document would break a reader). */
export function stdoutHoldsJson(): boolean {
  return processStdoutHoldsJson;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
