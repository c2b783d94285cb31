/**
 * Whether `text` can be (the start of) one of the tool's ids — sessions, files and documents are UUIDs,
 * contents are sha256 hex — as `sessions`, `status --files` and `patients show` print them. The
 * repositories look ids up with LIKE 'prefix%' after dropping LIKE's wildcards, so a blank prefix, or
 * one of only `%` or `_`, would otherwise match every row: `cleanup ' ' --purge` took the only session.
 */
export function isIdPrefix(text: string): boolean {
  return /^[0-9a-f-]+$/i.test(text.trim());
}
