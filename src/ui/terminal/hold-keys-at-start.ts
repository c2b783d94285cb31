import { isatty } from 'node:tty';
import { terminalForeground } from './foreground.js';
import { holdTypeAheadFromStart, terminalAmong } from './type-ahead.js';

/** The commands that hold the keys typed on a terminal while they run: they take over the hold begun here. */
const HOLDING_COMMANDS = new Set(['ingest', 'review']);

/** Options that print a text and exit: no command runs. */
const PRINT_ONLY = new Set(['-h', '--help', '-V', '--version']);

/**
 * The program's first step (bin/tecsalud-batch.js runs it before the entry's modules load, which takes a while on
 * a loaded machine, every key typed meanwhile echoed): `ingest` and `review` on a terminal hold the keys from
 * here (see holdTypeAheadFromStart). Without a terminal on stdin (cron, a pipe), or in the background (a job
 * started with `&`, which raw mode would stop), nothing changes.
 */
export function holdKeysAtStart(argv: readonly string[]): void {
  if (!isatty(0) || !holdsKeysFromStart(argv) || terminalForeground() !== 'foreground') return;
  holdTypeAheadFromStart(process.stdin, terminalAmong(process.stdout, process.stderr));
}

/** Whether the command `argv` runs holds the keys typed (on a terminal) from the program's start. */
export function holdsKeysFromStart(argv: readonly string[]): boolean {
  return HOLDING_COMMANDS.has(commandOf(argv) ?? '');
}

/**
 * The command named in `argv`, as commander finds it: the first word that is not an option (`--lang es` may come
 * before it); null for `--help` or `--version`, which run none.
 */
function commandOf(argv: readonly string[]): string | null {
  const words = argv.slice(2, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (words.some((word) => PRINT_ONLY.has(word))) return null;
  for (let at = 0; at < words.length; at++) {
    const word = words[at]!;
    if (word === '--lang') at++;
    else if (!word.startsWith('-')) return word;
  }
  return null;
}
