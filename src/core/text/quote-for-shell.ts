/** A path or word as a POSIX shell takes it back, for a command a message tells a person to run. */
export function quoteForShell(text: string): string {
  return /^[\w./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
