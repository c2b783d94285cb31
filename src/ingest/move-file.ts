import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Moves `source` to `targetRoot/relativePath` atomically and without ever overwriting: the file
 * appears at its destination complete or not at all (a hard link is atomic and fails when the
 * name exists), and a taken name gets a ` (2)`, ` (3)`… suffix. Across file-systems it copies to a
 * temporary name in the destination folder first. Returns the final path.
 */
export async function moveWithoutOverwrite(
  source: string,
  targetRoot: string,
  relativePath: string,
): Promise<string> {
  const wanted = path.join(targetRoot, relativePath);
  await fs.mkdir(path.dirname(wanted), { recursive: true });
  const { dir, name, ext } = path.parse(wanted);
  for (let n = 1; n < 1000; n++) {
    const target = n === 1 ? wanted : path.join(dir, `${name} (${n})${ext}`);
    try {
      await linkOrCopy(source, target);
      await fs.unlink(source);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not find a free name for ${wanted}`);
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await fs.link(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
    await fs.copyFile(source, temporary, fs.constants.COPYFILE_EXCL);
    try {
      await fs.link(temporary, target);
    } finally {
      await fs.unlink(temporary).catch(() => undefined);
    }
  }
}
