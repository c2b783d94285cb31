/** Why a file over --max-files was left for the next run, as the run records it and the dry run plans it. */
export function deferredMessage(maxFiles: number): string {
  const files = maxFiles === 1 ? '1 file that needs' : `${maxFiles} files that need`;
  return `over the limit of ${files} work per session (--max-files); run again to ingest it`;
}
