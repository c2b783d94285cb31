/**
 * Where and what: ` at line 3, column 1: expected double-quoted property name`. Node 20 gives only the
 * offset (`in JSON at position N`), later versions the line and column too: both are dropped from the
 * message and the place is counted here, the same on every version.
 */
export function describeJsonError(text: string, message: string): string {
  const stripped = message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/^Unexpected end of JSON input$/, 'it ends before the JSON does (a missing } or ])');
  const what = stripped.charAt(0).toLowerCase() + stripped.slice(1);
  const offset =
    /position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.trimEnd().length : null);
  if (offset === null) return `: ${what}`;
  const before = text.slice(0, Number(offset)).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}: ${what}`;
}
