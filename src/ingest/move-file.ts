import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ensurePrivateDir, fileModesFor, type FileModePolicy } from '../private-files.js';

/**
 * Moves `source` to `targetRoot/relativePath` atomically and without ever overwriting: the file
 * appears at its destination complete or not at all (a hard link is atomic and fails when the
 * name exists), and a taken name gets a ` (2)`, ` (3)`… suffix. Across file-systems it copies to a
 * temporary name in the destination folder first. Returns the final path.
 *
 * The moved file and the folders created for it are owner-only (`fileMode` 'group': group-readable too),
 * whatever the drop folder's modes and the umask: the archive holds every patient's PDFs.
 */
export async function moveWithoutOverwrite(
  source: string,
  targetRoot: string,
  relativePath: string,
  fileMode?: FileModePolicy,
): Promise<string> {
  const wanted = path.join(targetRoot, relativePath);
  await ensurePrivateDir(path.dirname(wanted), fileMode);
  const mode = fileModesFor(fileMode).file;
  // A hard link shares the file's mode: set it before the file appears in the archive. A file this user
  // does not own cannot be chmod-ed (nor, often, hard-linked): it is copied into a file of its own instead.
  // A symlink (kept when its target is inside the drop folder) moves as the link it is: chmod would follow it.
  const link =
    (await fs.lstat(source)).isSymbolicLink() ||
    (await fs.chmod(source, mode).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPERM') return false;
        throw error;
      },
    ));
  const { dir, name, ext } = path.parse(wanted);
  for (let n = 1; n < 1000; n++) {
    const target = n === 1 ? wanted : path.join(dir, `${name} (${n})${ext}`);
    try {
      await linkOrCopy(source, target, { link, mode });
      await fs.unlink(source);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not find a free name for ${wanted}`);
}

/** Links `source` as `target`, or copies it when it may not be linked (not ours) or cannot (another file-system). */
async function linkOrCopy(source: string, target: string, options: { link: boolean; mode: number }): Promise<void> {
  if (options.link) {
    try {
      await fs.link(source, target);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    }
  }
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  try {
    // Written with its final mode from the first byte: no moment where others can read a partial copy.
    await pipeline(createReadStream(source), createWriteStream(temporary, { flags: 'wx', mode: options.mode }));
    await fs.chmod(temporary, options.mode);
    await fs.link(temporary, target);
  } finally {
    await fs.unlink(temporary).catch(() => undefined);
  }
}
