/**
 * The words for a path given to `match` with no file at it: the filename alone was judged, and a mistyped path
 * is said to be one. English (`--json`); the screens translate them (ui/i18n/file-details-es). Apart from
 * match-filenames so that the command can word it without loading the registry's modules.
 */
export function notFoundMessage(given: string): string {
  return `there is no file at '${given}': the filename alone was judged (check the path)`;
}
