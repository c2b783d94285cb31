import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The longest file name (one path component) Linux and macOS file-systems take, in bytes. */
const NAME_MAX_BYTES = 255;

/**
 * Moves `source` to `targetRoot/relativePath` atomically and without ever overwriting: the file
 * appears at its destination complete or not at all (a hard link is atomic and fails when the
 * name exists), and a taken name gets a ` (2)`, ` (3)`… suffix, the name shortened when the suffix would
 * make it too long. Across file-systems it copies to a temporary name in the destination folder first.
 * The destination never leaves `targetRoot`: a relative path that climbs out, or a folder inside it that
 * is a link to elsewhere, is refused. Returns the final path.
 */
export async function moveWithoutOverwrite(
  source: string,
  targetRoot: string,
  relativePath: string,
): Promise<string> {
  const root = path.resolve(targetRoot);
  const wanted = path.resolve(root, relativePath);
  if (!isInside(wanted, root)) throw new Error(`'${relativePath}' would leave ${root}`);
  await fs.mkdir(path.dirname(wanted), { recursive: true });
  // Links inside the archive must not carry the file elsewhere either.
  const [realRoot, realDir] = await Promise.all([fs.realpath(root), fs.realpath(path.dirname(wanted))]);
  if (realDir !== realRoot && !isInside(realDir, realRoot)) {
    throw new Error(`'${path.dirname(relativePath)}' inside ${root} leads to ${realDir}, outside it`);
  }
  const dir = path.join(realRoot, path.relative(realRoot, realDir));
  const { name, ext } = path.parse(wanted);
  for (let n = 1; n < 1000; n++) {
    const target = path.join(dir, n === 1 ? fitName(name, '', ext) : fitName(name, ` (${n})`, ext));
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

function isInside(candidate: string, root: string): boolean {
  return candidate.startsWith(root + path.sep);
}

/** `stem + suffix + ext`, the stem cut (on a character boundary) so that the whole fits NAME_MAX_BYTES. */
function fitName(stem: string, suffix: string, ext: string): string {
  const room = NAME_MAX_BYTES - Buffer.byteLength(suffix + ext);
  let cut = stem;
  while (Buffer.byteLength(cut) > room) cut = [...cut].slice(0, -1).join('');
  return cut + suffix + ext;
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await fs.link(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // A short temporary name: the file's own may already be as long as the file-system allows.
    const temporary = path.join(path.dirname(target), `.tecsalud-${process.pid}-${randomBytes(4).toString('hex')}.partial`);
    await fs.copyFile(source, temporary, fs.constants.COPYFILE_EXCL);
    try {
      await fs.link(temporary, target);
    } finally {
      await fs.unlink(temporary).catch(() => undefined);
    }
  }
}
