import fs from 'node:fs';

/** A JSON-lines file (a `--log-file`), one object per non-empty line. */
export function readJsonLines(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
