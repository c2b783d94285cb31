import fs from 'node:fs/promises';
import path from 'node:path';
import type { DiscoveredFile } from '../ingest/discover-files.js';

/**
 * A registered file, found again under its session's folder by the worker that takes it (on any machine
 * that mounts the shared storage at the same path), with the check discovery makes: a symlink whose
 * target left the folder is reported, not read. A file gone meanwhile is left for validation to report.
 * `storedAs`: the name it is kept under in the folder when not its relative path (an upload's).
 */
export async function locateFile(
  sourceDir: string,
  relativePath: string,
  storedAs = relativePath,
): Promise<DiscoveredFile> {
  const root = await fs.realpath(sourceDir).catch(() => sourceDir);
  const absolutePath = path.join(root, storedAs);
  const stat = await fs.lstat(absolutePath).catch(() => null);
  // Size and modification time as discovery records them: what is remembered of a settled file is keyed on them.
  const seen = async () => {
    const target = await fs.stat(absolutePath).catch(() => null);
    return { size: target?.size ?? null, mtimeMs: target?.mtimeMs ?? null };
  };
  if (!stat?.isSymbolicLink()) return { relativePath, absolutePath, outsideSource: false, ...(await seen()) };
  const target = await fs.realpath(absolutePath).catch(() => null);
  const inside = target !== null && (target === root || target.startsWith(root + path.sep));
  return inside
    ? { relativePath, absolutePath, outsideSource: false, ...(await seen()) }
    : { relativePath, absolutePath, outsideSource: true, size: null, mtimeMs: null };
}
