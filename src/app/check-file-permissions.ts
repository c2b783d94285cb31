import fs from 'node:fs/promises';
import path from 'node:path';
import { fileModesFor, type FileModePolicy } from '../private-files.js';
import { quoteForShell } from '../core/text/quote-for-shell.js';

export interface PermissionCheck {
  name: 'permissions';
  status: 'ok' | 'warn';
  detail: string;
}

export interface PermissionTargets {
  /** The config file read, or null. Checked when it holds a secret (a key, a token, a password). */
  configFile: string | null;
  /** The SQLite registry (its -wal and -shm beside it), or null for PostgreSQL or `:memory:`. */
  databaseFile: string | null;
  /** `--log-file` of the runs (its rotated copies beside it too). */
  logFile?: string;
  /** `--archive-dir`, `--quarantine-dir`: the folder and what is inside. */
  folders?: string[];
  /** The site's `fileMode`: what group members may read. */
  fileMode: FileModePolicy;
}

/** Entries looked at inside a folder: enough to tell, few enough to answer within doctor's time. */
const MAX_ENTRIES_PER_FOLDER = 10_000;

/**
 * Warns, with the `chmod` that fixes it, about existing files that hold patient data (or a secret) and that
 * other accounts may read: files the tool made before it made them owner-only, folders a person made, a config
 * file with a key in it (as ssh does for private keys). Only reads: it changes no mode itself.
 */
export async function checkFilePermissions(targets: PermissionTargets): Promise<PermissionCheck[]> {
  const allowed = fileModesFor(targets.fileMode);
  const fix = targets.fileMode === 'group' ? 'g-w,o-rwx' : 'go-rwx';
  const who = targets.fileMode === 'group' ? 'accounts outside its group' : 'other accounts';
  const warnings: string[] = [];
  const checked: string[] = [];

  if (targets.databaseFile) {
    const files = await existing(sqliteFiles(targets.databaseFile));
    if (files.length > 0) checked.push('the database');
    const open = tooOpen(files, allowed.file);
    if (open.length > 0)
      warnings.push(`the database ${describeFiles(open)} readable by ${who}: chmod ${fix} ${paths(open)}`);
  }
  if (targets.configFile && (await holdsSecret(targets.configFile))) {
    checked.push('the config file');
    const open = tooOpen(await existing([targets.configFile]), allowed.file);
    if (open.length > 0) {
      warnings.push(
        `the config file ${describeFiles(open)} readable by ${who}, and it holds a secret: chmod ${fix} ${paths(open)}`,
      );
    }
  }
  if (targets.logFile) {
    const logs = await existing(await logFiles(targets.logFile));
    if (logs.length > 0) checked.push('the log');
    const open = tooOpen(logs, allowed.file);
    if (open.length > 0)
      warnings.push(`the log ${describeFiles(open)} readable by ${who}: chmod ${fix} ${paths(open)}`);
  }
  for (const folder of targets.folders ?? []) {
    const found = await openEntries(folder, allowed);
    if (!found) continue;
    checked.push(folder);
    if (found.self || found.inside > 0) {
      const parts = [
        ...(found.self
          ? [`the folder ${quoteForShell(folder)} (mode ${octal(found.self)}) is open to ${who}`]
          : []),
        ...(found.inside > 0
          ? [
              `${found.inside === 1 && !found.truncated ? '1 file or folder inside' : `${found.inside}${found.truncated ? '+' : ''} files or folders inside`} ` +
                `${quoteForShell(folder)} ${found.inside === 1 && !found.truncated ? 'is' : 'are'} readable by ${who}`,
            ]
          : []),
      ];
      warnings.push(`${parts.join('; ')}: chmod -R ${fix} ${quoteForShell(folder)}`);
    }
  }
  if (warnings.length > 0) return warnings.map((detail) => ({ name: 'permissions', status: 'warn', detail }));
  return [
    {
      name: 'permissions',
      status: 'ok',
      detail:
        checked.length > 0
          ? `${checked.join(', ')}: ${targets.fileMode === 'group' ? 'owner and group only' : 'owner only'}`
          : 'nothing to check yet (no database file, config file with a secret, log or folder given)',
    },
  ];
}

interface FileMode {
  file: string;
  mode: number;
}

function sqliteFiles(databaseFile: string): string[] {
  return [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`];
}

async function existing(files: string[]): Promise<FileMode[]> {
  const found: FileMode[] = [];
  for (const file of files) {
    const stat = await fs.stat(file).catch(() => null);
    if (stat?.isFile()) found.push({ file, mode: stat.mode & 0o777 });
  }
  return found;
}

/** The files whose mode lets someone read (or write) beyond what the policy's mode allows. */
function tooOpen(files: FileMode[], allowedMode: number): FileMode[] {
  return files.filter(({ mode }) => extraBits(mode, allowedMode) !== 0);
}

/**
 * The group and other bits of `mode` that `allowed` does not grant: read and write for a file (an execute bit
 * alone reads nothing), all three for a folder.
 */
function extraBits(mode: number, allowed: number, folder = false): number {
  return mode & (folder ? 0o077 : 0o066) & ~allowed;
}

function describeFiles(files: FileMode[]): string {
  const one = ({ file, mode }: FileMode) => `${quoteForShell(file)} (mode ${octal(mode)})`;
  return files.length === 1 ? `${one(files[0]!)} is` : `files ${files.map(one).join(', ')} are`;
}

function paths(files: FileMode[]): string {
  return files.map(({ file }) => quoteForShell(file)).join(' ');
}

/** The log and its rotated copies (`ingest.log.1`, `ingest.log.2.gz`, …). */
async function logFiles(logFile: string): Promise<string[]> {
  const dir = path.dirname(logFile);
  const base = path.basename(logFile);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => name === base || name.startsWith(`${base}.`))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * The folder's own mode when it is too open (0 when not), and how many entries inside are, looking at no
 * more than MAX_ENTRIES_PER_FOLDER of them. Null when the folder does not exist.
 */
async function openEntries(
  folder: string,
  allowed: { file: number; dir: number },
): Promise<{ self: number; inside: number; truncated: boolean } | null> {
  const stat = await fs.stat(folder).catch(() => null);
  if (!stat?.isDirectory()) return null;
  const self = extraBits(stat.mode, allowed.dir, true) !== 0 ? stat.mode & 0o777 : 0;
  let inside = 0;
  let seen = 0;
  const pending = [folder];
  while (pending.length > 0 && seen < MAX_ENTRIES_PER_FOLDER) {
    const dir = pending.pop()!;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES_PER_FOLDER) break;
      const full = path.join(dir, entry.name);
      const entryStat = await fs.lstat(full).catch(() => null);
      if (!entryStat || entryStat.isSymbolicLink()) continue;
      const isDir = entryStat.isDirectory();
      if (isDir) pending.push(full);
      if (extraBits(entryStat.mode, isDir ? allowed.dir : allowed.file, isDir) !== 0) inside++;
    }
  }
  return { self, inside, truncated: seen > MAX_ENTRIES_PER_FOLDER || pending.length > 0 };
}

const SECRET_KEY = /(api[-_]?key|token|password|passwd|secret)$/i;

/** Whether the config file carries a credential: a key, a token, a password, or a URL with a password. */
async function holdsSecret(file: string): Promise<boolean> {
  let json: unknown;
  try {
    json = JSON.parse((await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  const visit = (value: unknown, key: string): boolean => {
    if (typeof value === 'string')
      return (SECRET_KEY.test(key) && value.trim() !== '') || /\/\/[^/@:]+:[^/@]+@/.test(value);
    if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => visit(v, k));
    return false;
  };
  return visit(json, '');
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
