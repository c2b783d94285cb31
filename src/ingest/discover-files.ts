import fs from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';

export interface DiscoveredFile {
  /** Relative to the source folder, with `/` separators. */
  relativePath: string;
  absolutePath: string;
  /** Set when the entry is a symlink whose target lies outside the source folder. */
  outsideSource: boolean;
}

export interface DiscoverOptions {
  sourceDir: string;
  /** fast-glob pattern relative to the source folder; default every file, recursively. */
  glob?: string;
}

/**
 * Lists the files of a drop folder in a stable order. Symlinks to directories are not followed;
 * a symlink to a file is kept only when its target stays inside the folder (else it is reported,
 * not read), so a link cannot pull another patient's files into the batch.
 */
export async function discoverFiles(options: DiscoverOptions): Promise<DiscoveredFile[]> {
  const root = await fs.realpath(options.sourceDir);
  const entries = await fg(options.glob ?? '**/*', {
    cwd: root,
    onlyFiles: false,
    markDirectories: true,
    followSymbolicLinks: false,
    objectMode: true,
    dot: false,
    suppressErrors: true,
  });
  const files: DiscoveredFile[] = [];
  for (const entry of entries) {
    if (entry.path.endsWith('/')) continue;
    const absolutePath = path.join(root, entry.path);
    if (entry.dirent.isFile()) {
      files.push({ relativePath: entry.path, absolutePath, outsideSource: false });
    } else if (entry.dirent.isSymbolicLink()) {
      const target = await fs.realpath(absolutePath).catch(() => null);
      const stat = target ? await fs.stat(target).catch(() => null) : null;
      if (stat?.isDirectory()) continue;
      const inside = target !== null && (target === root || target.startsWith(root + path.sep));
      files.push({ relativePath: entry.path, absolutePath, outsideSource: !inside });
    }
  }
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return files;
}
