import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ensurePrivateDir, fileModesFor, type FileModePolicy } from '../private-files.js';
import { realPathAsFarAsItExists } from '../real-path.js';
import { NOT_UTF8, rawNameShownAs, showNotUtf8Bytes } from './look-alike-names.js';
import { isProcessAlive } from '../process-alive.js';
import { specialFileKind } from '../special-file-kind.js';

/** The longest file name (one path component) Linux and macOS file-systems take, in bytes. */
const NAME_MAX_BYTES = 255;

/**
 * How long a partial copy a killed run left behind must have been untouched before a later run removes it:
 * a copy under way is written continuously (see removeStalePartials).
 */
const STALE_PARTIAL_MS = 60_000;

/**
 * The file changed after the run read it, or while it was being copied: it may still be being written (a
 * scanner, an SMB or scp upload while the nightly run starts). Read half-written it fails as corrupt, empty
 * or not a PDF, and moving it would hand the rest of the copy to a file in the quarantine (same
 * file-system) or to an unlinked one (another file-system: lost). Left in place, it is read again by the next
 * run (what is remembered of a file is keyed on its size and time).
 */
export class FileStillBeingWritten extends Error {
  constructor(when: 'since_read' | 'while_copied') {
    super(
      when === 'since_read'
        ? 'it changed after it was read (its size or time is not what they were), so it may still be being written'
        : 'it changed while it was being copied, so it may still be being written',
    );
    this.name = 'FileStillBeingWritten';
  }
}

/**
 * The file left the drop folder between the run reading it and moving it (a person took it out, another tool
 * moved it): there is nothing to move, and Node's `ENOENT: no such file or directory, lstat …` would not say so.
 */
export class FileNoLongerThere extends Error {
  constructor() {
    super('it is no longer in the drop folder: it was moved or deleted after the run read it');
    this.name = 'FileNoLongerThere';
  }
}

/**
 * The file to move is a named pipe, a socket or a device (or a link to one): copying it to another file-system,
 * or comparing it with a file already at the destination, would open it, and opening a pipe waits for a writer
 * that never comes, hanging the run with its lock held. It is left where it is.
 */
export class NotRegularFile extends Error {
  constructor(kind: string) {
    super(`it is ${kind}, not a regular file: not moved`);
    this.name = 'NotRegularFile';
  }
}

/**
 * Moves `source` to `targetRoot/relativePath` atomically and without ever overwriting: the file
 * appears at its destination complete or not at all (a hard link is atomic and fails when the
 * name exists), and a taken name gets a ` (2)`, ` (3)`… suffix, the name shortened when the suffix would
 * make it too long — unless the file there holds the same bytes: then the move was done (by a run killed
 * before it removed the original), and only the original is removed. Across file-systems it copies to a temporary name in the destination folder first.
 * Returns the final path.
 *
 * The destination never leaves `targetRoot`: a relative path that climbs out, or a folder inside it that
 * is a link to elsewhere, is refused before any folder is created.
 *
 * The moved file and the folders created for it are owner-only (`fileMode` 'group': group-readable too),
 * whatever the drop folder's modes and the umask: the archive holds every patient's PDFs.
 *
 * With `asRead`, the size and modification time the file had when the run found it, a file that no longer
 * has them is refused with FileStillBeingWritten, and so is one that changes while it is copied, before the
 * original is removed.
 */
export async function moveWithoutOverwrite(
  source: string,
  targetRoot: string,
  relativePath: string,
  fileMode?: FileModePolicy,
  { asRead }: { asRead?: { size: number | null; mtimeMs: number | null } } = {},
): Promise<string> {
  // A name that is not UTF-8 is moved by its bytes, under the same bytes: never under the name Node shows.
  const raw = path.basename(source).includes(NOT_UTF8) ? await rawNameOf(source) : null;
  // One of look-alikes (see look-alike-names.ts) is shown with its bytes where it went too.
  const lookAlike = raw !== null && raw.toString() !== path.basename(source);
  const from: string | Buffer = raw
    ? Buffer.concat([Buffer.from(path.dirname(source) + path.sep), raw])
    : source;
  const before = await fs.lstat(from).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new FileNoLongerThere() : error;
  });
  // Never opened: a pipe's open waits for a writer (a link to one is followed here, as a copy would follow it).
  const found = before.isSymbolicLink() ? await fs.stat(from).catch(() => null) : before;
  if (found && !found.isFile() && !found.isDirectory()) throw new NotRegularFile(specialFileKind(found));
  if (asRead && asRead.size !== null && asRead.mtimeMs !== null) {
    // As the run found it (following a link inside the folder, as the walk does).
    const now = before.isSymbolicLink() ? await fs.stat(from) : before;
    if (now.size !== asRead.size || now.mtimeMs !== asRead.mtimeMs)
      throw new FileStillBeingWritten('since_read');
  }
  const root = path.resolve(targetRoot);
  const wanted = path.resolve(root, relativePath);
  if (!isInside(wanted, root)) throw new Error(`'${relativePath}' would leave ${root}`);
  await ensurePrivateDir(root, fileMode);
  const realRoot = await fs.realpath(root);
  // Links inside the archive must not carry the file (or the folders made for it) elsewhere either.
  const { existing, realExisting, real: dir } = realPathAsFarAsItExists(path.dirname(wanted));
  if (realExisting !== realRoot && !isInside(realExisting, realRoot)) {
    throw new Error(`'${path.relative(root, existing)}' inside ${root} leads to ${realExisting}, outside it`);
  }
  await ensurePrivateDir(dir, fileMode);
  await removeStalePartials(dir);
  const mode = fileModesFor(fileMode).file;
  // A hard link shares the file's mode: set it before the file appears in the archive. A file this user
  // does not own cannot be chmod-ed (nor, often, hard-linked): it is copied into a file of its own instead.
  // A symlink (kept when its target is inside the drop folder) moves as the link it is: chmod would follow it.
  const link =
    before.isSymbolicLink() ||
    (await fs.chmod(from, mode).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPERM') return false;
        throw error;
      },
    ));
  const { name, ext } = path.parse(wanted);
  // The source's own name, links in its folders resolved: an archive that is the drop folder under another
  // name (a link to it) would "find the same bytes" at the source's own path, and removing the original
  // would remove the only copy.
  const realSourceDir = await fs.realpath(path.dirname(source));
  const realSource = raw
    ? Buffer.concat([Buffer.from(realSourceDir + path.sep), raw])
    : path.join(realSourceDir, path.basename(source));
  for (let n = 1; n < 1000; n++) {
    const suffix = n === 1 ? '' : ` (${n})`;
    const rawTarget = raw ? fitRawName(raw, suffix) : null;
    const target: string | Buffer = rawTarget
      ? Buffer.concat([Buffer.from(dir + path.sep), rawTarget])
      : path.join(dir, fitName(name, suffix, ext));
    // What the report shows (a name that is not UTF-8 as the source was shown: the file has the bytes).
    const shown = rawTarget && lookAlike ? path.join(dir, showNotUtf8Bytes(rawTarget)) : target.toString();
    if (Buffer.from(target).equals(Buffer.from(realSource))) {
      throw new Error(`the destination ${shown} is the file itself: ${root} is its own folder`);
    }
    try {
      await linkOrCopy(from, target, dir, { link, mode, before });
      await fs.unlink(from);
      return shown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // This very file is already there: a run killed after linking or copying it, before removing the original.
      if (!before.isSymbolicLink() && (await holdsTheSameBytes(target, from, before))) {
        await fs.unlink(from);
        return shown;
      }
    }
  }
  throw new Error(`could not find a free name for ${wanted}`);
}

/** A copy under way across file-systems: `.tecsalud-PID-RANDOM.partial`, in the destination folder. */
const PARTIAL_NAME = /^\.tecsalud-(\d+)-[0-9a-f]{8}\.partial$/;
/** Folders this process has already swept of partial copies. */
const swept = new Set<string>();

/**
 * Removes the partial copies a killed run left in `dir` (once per folder and process): those of a process
 * no longer alive here, untouched for STALE_PARTIAL_MS — a copy under way is written continuously, and
 * on shared storage one of another host's live process, whose pid means nothing here, is never that old.
 */
async function removeStalePartials(dir: string): Promise<void> {
  if (swept.has(dir)) return;
  swept.add(dir);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = PARTIAL_NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isProcessAlive(Number(pid))) continue;
    const partial = path.join(dir, name);
    const stat = await fs.lstat(partial).catch(() => null);
    if (stat?.isFile() && Date.now() - stat.mtimeMs > STALE_PARTIAL_MS)
      await fs.unlink(partial).catch(() => undefined);
  }
}

/** Whether `target` is `source` (a hard link) or a regular file of the same size and bytes. */
async function holdsTheSameBytes(
  target: string | Buffer,
  source: string | Buffer,
  sourceStat: Stats,
): Promise<boolean> {
  const stat = await fs.lstat(target).catch(() => null);
  if (!stat?.isFile() || stat.size !== sourceStat.size) return false;
  if (stat.dev === sourceStat.dev && stat.ino === sourceStat.ino) return true;
  const [a, b] = await Promise.all([fs.readFile(target), fs.readFile(source)]);
  return a.equals(b);
}

function isInside(candidate: string, root: string): boolean {
  return candidate.startsWith(root + path.sep);
}

/**
 * A file whose name cannot be moved: not UTF-8, and its bytes cannot be told (another entry of its folder
 * shows the same, or it is gone). It stays where it is; the message says why and how to rename it.
 */
export class NameNotUtf8 extends Error {
  constructor(readonly why: 'ambiguous' | 'gone') {
    super(
      why === 'ambiguous'
        ? 'its name is not valid UTF-8 and another file of its folder shows the same name, so it cannot be told apart'
        : 'its name is not valid UTF-8 and no file of its folder has that name any more',
    );
    this.name = 'NameNotUtf8';
  }
}

/**
 * The bytes of the name of `shownPath`, a file whose name is not valid UTF-8 (a Latin-1 'Ñ' from a Windows
 * export): the one entry of its folder, read as bytes, that shows as that name (see look-alike-names.ts).
 * (Discovery never enters a folder whose own name is not UTF-8: only the last segment can be.)
 */
async function rawNameOf(shownPath: string): Promise<Buffer> {
  const raw = await rawNameShownAs(path.dirname(shownPath), path.basename(shownPath));
  if (!Buffer.isBuffer(raw)) throw new NameNotUtf8(raw);
  return raw;
}

/**
 * A name that is not UTF-8, with `suffix` before its extension: its bytes kept as they are (a person renames
 * it with convmv, which needs them), the stem cut at the end when the whole would not fit NAME_MAX_BYTES.
 */
function fitRawName(raw: Buffer, suffix: string): Buffer {
  if (suffix === '') return raw;
  const dot = raw.lastIndexOf(0x2e);
  const [stem, ext] = dot > 0 ? [raw.subarray(0, dot), raw.subarray(dot)] : [raw, Buffer.alloc(0)];
  const added = Buffer.from(suffix);
  const room = NAME_MAX_BYTES - added.length - ext.length;
  return Buffer.concat([stem.subarray(0, Math.max(1, room)), added, ext]);
}

/**
 * `stem + suffix + ext`, the stem cut (on a character boundary) so that the whole fits NAME_MAX_BYTES. The
 * cut is made inside the patient's name, before the filename's last two fields (`…_6001467010_CONS`): the
 * document number and type are what tell an archived copy from the others, so they stay whole.
 */
function fitName(stem: string, suffix: string, ext: string): string {
  const room = NAME_MAX_BYTES - Buffer.byteLength(suffix + ext);
  if (Buffer.byteLength(stem) <= room) return stem + suffix + ext;
  const lastField = stem.lastIndexOf('_');
  const tailStart = lastField > 0 ? stem.lastIndexOf('_', lastField - 1) : -1;
  const tail =
    tailStart > 0 && Buffer.byteLength(stem.slice(tailStart)) <= room / 2 ? stem.slice(tailStart) : '';
  let head = [...stem.slice(0, stem.length - tail.length)];
  const headRoom = room - Buffer.byteLength(tail);
  while (Buffer.byteLength(head.join('')) > headRoom) head = head.slice(0, -1);
  return head.join('') + tail + suffix + ext;
}

/**
 * Links `source` as `target` (in the folder `dir`), or copies it when it may not be linked (not ours) or
 * cannot (another file-system).
 */
async function linkOrCopy(
  source: string | Buffer,
  target: string | Buffer,
  dir: string,
  options: { link: boolean; mode: number; before: Stats },
): Promise<void> {
  if (options.link) {
    try {
      await fs.link(source, target);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    }
  }
  // A short temporary name: the file's own may already be as long as the file-system allows.
  const temporary = path.join(dir, `.tecsalud-${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  try {
    // Written with its final mode from the first byte: no moment where others can read a partial copy.
    await pipeline(
      createReadStream(source),
      createWriteStream(temporary, { flags: 'wx', mode: options.mode }),
    );
    await fs.chmod(temporary, options.mode);
    // A writer still appending would go on into a file that is about to be unlinked: keep the original.
    const after = await fs.lstat(source);
    if (after.size !== options.before.size || after.mtimeMs !== options.before.mtimeMs)
      throw new FileStillBeingWritten('while_copied');
    await fs.link(temporary, target);
  } finally {
    await fs.unlink(temporary).catch(() => undefined);
  }
}
