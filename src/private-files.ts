import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Who may read what the tool writes. Everything it writes holds patient data (the registry, the logs, the
 * archived PDFs), so by default only its own user; `group` lets the workers of a site that share storage
 * under one group read it too (config `fileMode`).
 */
export const FILE_MODE_POLICIES = ['owner', 'group'] as const;
export type FileModePolicy = (typeof FILE_MODE_POLICIES)[number];

export interface FileModes {
  file: number;
  dir: number;
}

export function fileModesFor(policy: FileModePolicy = 'owner'): FileModes {
  return policy === 'group' ? { file: 0o640, dir: 0o750 } : { file: 0o600, dir: 0o700 };
}

/**
 * `mkdir -p` that gives each folder it creates exactly the policy's mode, whatever the umask (mkdir's own mode
 * goes through the umask; chmod does not). Folders that already exist are left as they are: they are the
 * site's (`doctor` warns about the ones others can read).
 */
export async function ensurePrivateDir(dir: string, policy?: FileModePolicy): Promise<void> {
  const mode = fileModesFor(policy).dir;
  const outermost = firstMissingFolder(dir);
  const made = outermost !== null && mkdirOnce(outermost, mode);
  const first = await fsp.mkdir(dir, { recursive: true, mode });
  for (const created of [...(made ? [outermost] : []), ...createdFolders(first, dir)])
    await fsp.chmod(created, mode);
}

export function ensurePrivateDirSync(dir: string, policy?: FileModePolicy): void {
  const mode = fileModesFor(policy).dir;
  const outermost = firstMissingFolder(dir);
  const made = outermost !== null && mkdirOnce(outermost, mode);
  const first = fs.mkdirSync(dir, { recursive: true, mode });
  for (const created of [...(made ? [outermost] : []), ...createdFolders(first, dir)])
    fs.chmodSync(created, mode);
}

/** The outermost folder on the way to `dir` that does not exist (null when `dir` exists). */
function firstMissingFolder(dir: string): string | null {
  let missing: string | null = null;
  for (let current = path.resolve(dir); !fs.existsSync(current); current = path.dirname(current)) {
    missing = current;
    if (current === path.dirname(current)) break;
  }
  return missing;
}

/**
 * Makes the outermost missing folder on its own before Node's recursive mkdir runs: that one never returns when
 * a folder that exists answers mkdir with ENOENT (procfs, sysfs, some automounter roots); it makes the parent
 * again and retries for ever at full CPU, with the run's lock held. Here that answer is an error. Any other
 * refusal is left to the recursive mkdir, which words it for the whole path. True when this made the folder.
 */
function mkdirOnce(folder: string, mode: number): boolean {
  try {
    // One system call, sync also for the async caller: it does not wait on anything but the file-system.
    fs.mkdirSync(folder, { mode });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(path.dirname(folder)))
      throw error;
    return false;
  }
}

/**
 * Creates `file` empty with exactly the policy's mode when it does not exist yet (true), and leaves an existing
 * one untouched (false). Open it afterwards as usual: opening an existing file for writing never changes its
 * mode, so `createPrivateFile(p)` then `fs.createWriteStream(p)` writes a private file.
 */
export async function createPrivateFile(file: string, policy?: FileModePolicy): Promise<boolean> {
  const mode = fileModesFor(policy).file;
  let handle: fsp.FileHandle;
  try {
    // Exclusive: of two processes creating it at once, one creates and the other finds it there.
    handle = await fsp.open(file, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
  return true;
}

export function createPrivateFileSync(file: string, policy?: FileModePolicy): boolean {
  const mode = fileModesFor(policy).file;
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** The folders `mkdir -p` created: from the first one it reports down to `dir`. */
function createdFolders(first: string | undefined, dir: string): string[] {
  if (first === undefined) return [];
  const folders: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (current === path.resolve(first) || current === path.dirname(current)) break;
  }
  return folders;
}
