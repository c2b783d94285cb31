/**
 * The program's first step beside holdKeysAtStart: a run given `--log-file PATH` takes SIGHUP for logrotate's
 * "reopen the log" (see handleInterrupts, openIngestLog), but only once its command has loaded — on a loaded
 * machine more than a second after the start, a window in which a rotation's SIGHUP killed a nightly run (129)
 * before its first file. With a log file to reopen, a SIGHUP that early is ignored: the log is opened at its
 * path after it anyway, so nothing of the rotation is lost. Without one, SIGHUP keeps its meaning (the terminal
 * closed) and its default.
 */
export function ignoreHangupUntilLogOpens(argv: readonly string[]): void {
  if (logFileIn(argv)) process.on('SIGHUP', ignore);
}

function ignore(): void {}

/** Whether `argv` gives `--log-file` a path (not '-', stderr, which has nothing to reopen). */
function logFileIn(argv: readonly string[]): boolean {
  const words = argv.slice(2, argv.includes('--') ? argv.indexOf('--') : argv.length);
  return words.some(
    (word, at) =>
      (word === '--log-file' && words[at + 1] !== undefined && words[at + 1] !== '-') ||
      (word.startsWith('--log-file=') && word !== '--log-file=-'),
  );
}
