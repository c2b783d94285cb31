import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWhenStale, isBuildStale } from '../support/build-cli.js';
import { createTempDir } from '../support/databases.js';

describe('the build the end-to-end tests run', { tags: ['slow'] }, () => {
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

  it('builds again after dist/ was deleted (tsc keeps its incremental state beside its outputs)', () => {
    root = createTempDir('tecsalud-build-');
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'main.ts'), 'export const built = 1;\n');
    fs.writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'nodenext', target: 'es2022' },
        include: ['src'],
      }),
    );
    fs.symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
    buildWhenStale(root);
    expect(fs.existsSync(path.join(root, 'dist', 'main.js'))).toBe(true);
    fs.rmSync(path.join(root, 'dist'), { recursive: true });
    buildWhenStale(root);
    expect(fs.existsSync(path.join(root, 'dist', 'main.js'))).toBe(true);
  });
});
