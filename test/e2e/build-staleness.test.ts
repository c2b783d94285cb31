import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBuildStale } from '../support/build-cli.js';
import { createTempDir } from '../support/databases.js';

describe('the build the end-to-end tests run', () => {
  let root: string;
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is stale when missing, or when any source is newer than dist/main.js', () => {
    root = createTempDir('tecsalud-build-');
    fs.mkdirSync(path.join(root, 'src', 'commands'), { recursive: true });
    const source = path.join(root, 'src', 'commands', 'ingest.ts');
    fs.writeFileSync(source, 'export {};');
    expect(isBuildStale(root)).toBe(true);
    fs.mkdirSync(path.join(root, 'dist'));
    const entry = path.join(root, 'dist', 'main.js');
    fs.writeFileSync(entry, '');
    fs.utimesSync(source, new Date(1_000_000), new Date(1_000_000));
    fs.utimesSync(entry, new Date(2_000_000), new Date(2_000_000));
    expect(isBuildStale(root)).toBe(false);
    fs.utimesSync(source, new Date(3_000_000), new Date(3_000_000)); // an edit after the build
    expect(isBuildStale(root)).toBe(true);
  });
});
