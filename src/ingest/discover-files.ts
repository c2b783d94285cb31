import fsCallback from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { isSkippedHidden } from '../core/filename/hidden-entry.js';
import { UsageError } from '../errors.js';
import { NOT_UTF8, rawNamesByShownName, showNotUtf8Bytes } from './look-alike-names.js';

export interface DiscoveredFile {
  /** Relative to the source folder, with `/` separators. */
  relativePath: string;
  absolutePath: string;
  /**
   * Set when the entry is a symlink whose target lies outside the source folder, or sits in a folder whose
   * real location does: it is reported, never read, moved or renamed.
   */
  outsideSource: boolean;
  /** As found (stat, following a symlink inside the folder); null when it could not be read. */
  size: number | null;
  mtimeMs: number | null;
}

/** A sub-folder the walk could not read (permissions): its files were not looked at. */
export interface UnreadableFolder {
  /** Relative to the source folder, ending in `/`. */
  relativePath: string;
  reason: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  /** Sub-folders that could not be listed: failed entries of the session, never silently skipped. */
  unreadableFolders: UnreadableFolder[];
  /** Symlinks to folders outside the source folder: reported, not followed. */
  outsideFolders: string[];
  /**
   * Hidden and system entries skipped (see isSkippedHidden): folders ending in `/` (`.snapshot/`, `@eaDir/`),
   * never looked into, and files (`.DS_Store`). Empty with `includeHidden`: they are walked and listed then.
   */
  skippedHidden: string[];
  /**
   * Set when a --glob matched no file of a folder that holds some: how many it holds (as a run without the glob
   * would find them). A pattern that never matches ingests nothing, night after night, without a word.
   */
  filesNotMatchingGlob?: number;
}

export interface DiscoverOptions {
  sourceDir: string;
  /** fast-glob pattern relative to the source folder; default every file, recursively. */
  glob?: string;
  /** Files (and hidden folders holding them) left out as if absent: the tool's own (its database, log, config; see own-files.ts). */
  skip?: (absolutePath: string) => boolean;
  /** Walk hidden and system folders and list hidden files as any other (`--include-hidden`). */
  includeHidden?: boolean;
}

/** Files stat'ed at once: enough to keep the disk busy, few enough for the file-descriptor limit. */
export const STAT_CONCURRENCY = 64;

/**
 * Lists the files of a drop folder in a stable order, with their size and modification time. Nothing
 * outside the folder is ever listed or read: a --glob that is absolute or climbs out is refused
 * (checkGlob); symlinks to directories are not followed; a symlink to a file is kept only when its target
 * stays inside the folder, and a file whose folder's real location lies outside is marked, never read.
 * A sub-folder that cannot be listed is reported, not skipped; a named pipe, socket or device is listed
 * (the run refuses it, never opening it).
 */
export async function discoverFiles(options: DiscoverOptions): Promise<Discovery> {
  const root = await fs.realpath(options.sourceDir);
  const glob = options.glob ?? '**/*';
  await checkGlob(glob, root);
  const unreadable: { dir: string; error: NodeJS.ErrnoException }[] = [];
  const entries = await fg(glob, {
    cwd: root,
    onlyFiles: false,
    markDirectories: true,
    followSymbolicLinks: false,
    objectMode: true,
    // Hidden entries are listed, so that none vanishes unreported; a hidden folder is listed but not walked.
    dot: true,
    // The walk's readdir: a folder it may not list is recorded (and walked past) instead of ending the walk,
    // as `suppressErrors` would do silently.
    fs: { readdir: recordingReaddir(unreadable, root, options.includeHidden === true) },
  });
  const rootUnreadable = unreadable.find((entry) => path.resolve(root, entry.dir) === root);
  if (rootUnreadable) {
    throw new UsageError(
      `cannot read the folder '${options.sourceDir}': ${describeErrno(rootUnreadable.error)}`,
      'check its permissions',
    );
  }
  const realParents = new Map<string, Promise<string | null>>();
  const realParent = (dir: string) => {
    let real = realParents.get(dir);
    if (!real) realParents.set(dir, (real = fs.realpath(dir).catch(() => null)));
    return real;
  };
  const inside = (target: string | null) =>
    target !== null && (target === root || target.startsWith(root + path.sep));

  const files: DiscoveredFile[] = [];
  const outsideFolders: string[] = [];
  const hidden = (entry: { path: string }) =>
    !options.includeHidden &&
    isSkippedHidden(lastSegment(entry.path.replace(/\/$/, '')), entry.path.endsWith('/') ? 'folder' : 'file');
  const skippedHidden = entries
    .filter(hidden)
    // The tool's own (its database in `.tecsalud/`) is neither input nor a stray entry: not counted.
    .filter((entry) => !options.skip?.(path.join(root, entry.path.replace(/\/$/, ''))))
    .map((entry) => entry.path)
    .sort(compare);
  const candidates = (
    await Promise.all(
      entries.filter((entry) => !entry.path.endsWith('/') && !hidden(entry)).map(lookAlikesOf(root)),
    )
  ).flat();
  for (let i = 0; i < candidates.length; i += STAT_CONCURRENCY) {
    const found = await Promise.all(
      candidates
        .slice(i, i + STAT_CONCURRENCY)
        .map(async (entry): Promise<DiscoveredFile | string | null> => {
          const absolutePath = path.join(root, entry.path);
          if (options.skip?.(absolutePath)) return null;
          const folderInside = inside(await realParent(path.dirname(absolutePath)));
          // A named pipe, socket or device under a PDF's name is listed as a file is: the run refuses it from its
          // stat (`unreadable`, never opened, see refuseNotRegularFile), as it refuses a link to one. Left out here,
          // it vanished from the run without a word.
          if (entry.dirent.isFile() || isSpecialFile(entry.dirent)) {
            if (!folderInside) return outside(entry.path, absolutePath);
            const stat = await fs.stat(entry.fsPath ?? absolutePath).catch(() => null);
            return {
              relativePath: entry.path,
              absolutePath,
              outsideSource: false,
              size: stat?.size ?? null,
              mtimeMs: stat?.mtimeMs ?? null,
            };
          }
          if (!entry.dirent.isSymbolicLink()) return null;
          const target = await fs.realpath(entry.fsPath ?? absolutePath).catch(() => null);
          const stat = target ? await fs.stat(target).catch(() => null) : null;
          if (stat?.isDirectory()) return inside(target) ? null : `${entry.path}/`;
          if (!folderInside || !inside(target)) return outside(entry.path, absolutePath);
          return {
            relativePath: entry.path,
            absolutePath,
            outsideSource: false,
            size: stat?.size ?? null,
            mtimeMs: stat?.mtimeMs ?? null,
          };
        }),
    );
    for (const item of found) {
      if (typeof item === 'string') outsideFolders.push(item);
      else if (item) files.push(item);
    }
  }
  files.sort((a, b) => compare(a.relativePath, b.relativePath));
  const unreadableFolders = unreadable
    .map(({ dir, error }) => ({
      relativePath: `${path.relative(root, path.resolve(root, dir)).split(path.sep).join('/')}/`,
      reason: describeErrno(error),
    }))
    .sort((a, b) => compare(a.relativePath, b.relativePath));
  const discovery: Discovery = {
    files,
    unreadableFolders,
    outsideFolders: outsideFolders.sort(compare),
    skippedHidden,
  };
  if (
    options.glob !== undefined &&
    files.length === 0 &&
    unreadableFolders.length === 0 &&
    outsideFolders.length === 0
  ) {
    // A pattern that names folders takes none of their files: never what was meant.
    const folders = entries
      .filter((entry) => entry.path.endsWith('/') && !hidden(entry))
      .map((entry) => entry.path);
    if (folders.length > 0) {
      const [first] = folders.sort(compare);
      throw new UsageError(
        `--glob '${options.glob}' matches ${folders.length === 1 ? 'a folder' : `${folders.length} folders`} ('${first}'), not files: nothing would be taken`,
        `write '${first}**' for the files in it (a pattern is relative to the folder being ingested)`,
      );
    }
    // A pattern into a hidden or system folder (`.respaldo/**`) asks for files a run skips unless told.
    if (!options.includeHidden) {
      const hiddenOnly = await discoverFiles({ ...options, includeHidden: true });
      if (hiddenOnly.files.length > 0) {
        throw new UsageError(
          `--glob '${options.glob}' matches only files in hidden or system folders ('${hiddenOnly.files[0]!.relativePath}'), which a run skips`,
          'add --include-hidden to take them',
        );
      }
    }
    const all = await discoverFiles({ ...options, glob: undefined });
    if (all.files.length > 0) discovery.filesNotMatchingGlob = all.files.length;
  }
  return discovery;
}

/** An entry of the walk: its path as shown, and the bytes of its name when that is not what is shown. */
interface WalkedEntry {
  path: string;
  dirent: EntryKind;
  fsPath?: Buffer;
}

/** What the walk's entries (a Dirent, or an lstat's Stats) tell of their kind. */
type EntryKind = Pick<
  fsCallback.Dirent,
  'isFile' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'
>;

/** A named pipe, a socket or a device: no folder, no link, and no regular file either. */
function isSpecialFile(dirent: EntryKind): boolean {
  return dirent.isFIFO() || dirent.isSocket() || dirent.isCharacterDevice() || dirent.isBlockDevice();
}

/**
 * The entry, or the look-alikes it stands for: the walk lists one path for several files whose names are not
 * UTF-8 and show alike (see look-alike-names.ts). Each becomes an entry of its own, shown with its bytes
 * (`NU�[D1]EZ…`), so that each gets its own row, outcome and move. One such name alone keeps Node's string.
 */
function lookAlikesOf(root: string) {
  // Each folder read once, however many such names it holds (a whole export can be Latin-1).
  const byFolder = new Map<string, Promise<Map<string, Buffer[]>>>();
  return async (entry: WalkedEntry): Promise<WalkedEntry[]> => {
    const name = lastSegment(entry.path);
    if (!name.includes(NOT_UTF8)) return [entry];
    const folder = path.join(root, path.dirname(entry.path));
    let shown = byFolder.get(folder);
    if (!shown)
      byFolder.set(folder, (shown = rawNamesByShownName(folder).catch(() => new Map<string, Buffer[]>())));
    const raws = (await shown).get(name) ?? [];
    if (raws.length < 2) return [entry];
    const prefix = entry.path.slice(0, entry.path.length - name.length);
    const each = await Promise.all(
      raws.map(async (raw) => {
        const fsPath = Buffer.concat([Buffer.from(folder + path.sep), raw]);
        const dirent = await fs.lstat(fsPath).catch(() => null);
        return dirent ? [{ path: prefix + showNotUtf8Bytes(raw), dirent, fsPath }] : [];
      }),
    );
    return each.flat();
  };
}

/** The last segment of a `/`-separated path. */
function lastSegment(relativePath: string): string {
  return relativePath.slice(relativePath.lastIndexOf('/') + 1);
}

function outside(relativePath: string, absolutePath: string): DiscoveredFile {
  return { relativePath, absolutePath, outsideSource: true, size: null, mtimeMs: null };
}

/**
 * Refuses (exit 64) a --glob that could reach outside the folder: an absolute pattern, a `..` anywhere
 * (also inside braces, `{a,../b}`, or after a globstar, `**\/../x`), or a pattern whose fixed leading part
 * is a symlink to a folder outside. fast-glob's own expansion of the pattern (its tasks' base folders) is
 * what is checked, besides the text.
 */
export async function checkGlob(glob: string, root: string): Promise<void> {
  const refuse = (why: string) =>
    new UsageError(
      `--glob '${glob}' ${why}`,
      "give a pattern relative to the folder being ingested, without '..', e.g. '**/*.pdf' or 'urgencias/**'",
    );
  if (glob.trim() === '') throw refuse('is empty');
  if (path.isAbsolute(glob) || /^[A-Za-z]:[\\/]/.test(glob))
    throw refuse('is absolute: it must stay inside the folder');
  const tasks = fg.generateTasks([glob], { cwd: root });
  for (const task of tasks) {
    for (const pattern of [...task.patterns, task.base]) {
      const unescaped = pattern.replace(/\\(.)/g, '$1');
      if (path.isAbsolute(unescaped)) throw refuse('is absolute: it must stay inside the folder');
      if (unescaped.split(/[/\\{},()|]/).some((segment) => segment === '..')) {
        throw refuse("climbs out of the folder ('..')");
      }
    }
    const base = path.resolve(root, task.base);
    const real = await fs.realpath(base).catch(() => null);
    if (real !== null && real !== root && !real.startsWith(root + path.sep)) {
      throw refuse(`leads out of the folder: '${task.base}' is a link to ${real}`);
    }
  }
}

type ReaddirCallback = (error: NodeJS.ErrnoException | null, entries: fsCallback.Dirent[]) => void;

function recordingReaddir(
  unreadable: { dir: string; error: NodeJS.ErrnoException }[],
  root: string,
  includeHidden: boolean,
) {
  return ((dir: string, options: { withFileTypes: true }, callback: ReaddirCallback) => {
    // A hidden or system folder is counted as one entry and never read: a `.snapshot` or a trash holds copies.
    const relative = path.relative(root, path.resolve(root, dir));
    if (
      !includeHidden &&
      relative !== '' &&
      relative.split(path.sep).some((segment) => isSkippedHidden(segment, 'folder'))
    ) {
      callback(null, []);
      return;
    }
    fsCallback.readdir(dir, options, (error, entries) => {
      // A folder removed during the walk is no failure (fast-glob ignores ENOENT the same way).
      if (error && error.code !== 'ENOENT') {
        unreadable.push({ dir, error });
        callback(null, []);
        return;
      }
      callback(error, entries);
    });
  }) as unknown as typeof fsCallback.readdir;
}

function describeErrno(error: NodeJS.ErrnoException): string {
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied';
  return error.message;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
