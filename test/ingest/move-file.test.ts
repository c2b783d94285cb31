import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveWithoutOverwrite } from '../../src/ingest/move-file.js';
import { createTempDir } from '../support/databases.js';

let root: string;
beforeEach(() => (root = createTempDir('tecsalud-move-')));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('moveWithoutOverwrite', () => {
  it('keeps the relative path and never overwrites an existing file', async () => {
    const source = path.join(root, 'drop', 'a', 'f.pdf');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, 'new');
    const archive = path.join(root, 'archive');
    fs.mkdirSync(path.join(archive, 'a'), { recursive: true });
    fs.writeFileSync(path.join(archive, 'a', 'f.pdf'), 'old');
    const moved = await moveWithoutOverwrite(source, archive, 'a/f.pdf');
    expect(moved).toBe(path.join(archive, 'a', 'f (2).pdf'));
    expect(fs.readFileSync(path.join(archive, 'a', 'f.pdf'), 'utf8')).toBe('old');
    expect(fs.readFileSync(moved, 'utf8')).toBe('new');
    expect(fs.existsSync(source)).toBe(false);
  });
});
