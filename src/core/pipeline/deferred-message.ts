/** Why a file over --max-files was left for the next run, as the run records it and the dry run plans it. */
export function deferredMessage(maxFiles: number): string {
  return `over the limit of ${maxFiles} files that need work per session (--max-files); run again to ingest it`;
}
