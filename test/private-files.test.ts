import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPrivateFile,
  createPrivateFileSync,
  ensurePrivateDir,
  ensurePrivateDirSync,
} from '../src/private-files.js';
import { createTempDir } from './support/databases.js';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

let root: string;
beforeEach(() => (root = createTempDir('tecsalud-private-')));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('private files and folders', () => {
  it('gives every folder it creates the mode, and leaves the ones that were there alone', async () => {
    fs.mkdirSync(path.join(root, 'site'), { mode: 0o755 });
    fs.chmodSync(path.join(root, 'site'), 0o755);
    await ensurePrivateDir(path.join(root, 'site', 'a', 'b'));
    ensurePrivateDirSync(path.join(root, 'site', 'c', 'd'), 'group');
    expect(modeOf(path.join(root, 'site'))).toBe(0o755);
    expect([modeOf(path.join(root, 'site', 'a')), modeOf(path.join(root, 'site', 'a', 'b'))]).toEqual([
      0o700, 0o700,
    ]);
    expect([modeOf(path.join(root, 'site', 'c')), modeOf(path.join(root, 'site', 'c', 'd'))]).toEqual([
      0o750, 0o750,
    ]);
    await ensurePrivateDir(path.join(root, 'site', 'a', 'b')); // already there: nothing to do
  });

  it('creates a file with the mode, and never touches one that exists', async () => {
    expect(await createPrivateFile(path.join(root, 'new.log'))).toBe(true);
    expect(createPrivateFileSync(path.join(root, 'shared.db'), 'group')).toBe(true);
    fs.writeFileSync(path.join(root, 'old.log'), 'kept', { mode: 0o644 });
    expect(await createPrivateFile(path.join(root, 'old.log'))).toBe(false);
    expect([modeOf(path.join(root, 'new.log')), modeOf(path.join(root, 'shared.db'))]).toEqual([
      0o600, 0o640,
    ]);
    expect(modeOf(path.join(root, 'old.log'))).toBe(0o644);
    expect(fs.readFileSync(path.join(root, 'old.log'), 'utf8')).toBe('kept');
  });
});
