/**
 * Files in path order: code-unit order, as the reports list them and `ingest --dry-run` plans them (a new
 * patient is named after the first of its files in this order, see names-in-folder).
 */
export function byRelativePath(a: { relativePath: string }, b: { relativePath: string }): number {
  return a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
}
