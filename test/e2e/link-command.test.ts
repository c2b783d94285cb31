import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDir } from '../support/databases.js';
import { REPO_ROOT } from '../support/ingest-fixture.js';

describe('npm install links the command into node_modules/.bin (bin/link-command.js, the prepare script)', () => {
  let root: string;
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A checkout's layout: bin/ with the command and the linker, and node_modules/ as npm install leaves it. */
  function checkout(): string {
    root = createTempDir('tecsalud-link-');
    fs.mkdirSync(path.join(root, 'bin'));
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.copyFileSync(
      path.join(REPO_ROOT, 'bin', 'link-command.js'),
      path.join(root, 'bin', 'link-command.js'),
    );
    fs.writeFileSync(
      path.join(root, 'bin', 'tecsalud-batch.js'),
      '#!/usr/bin/env node\nconsole.log("ran");\n',
      {
        mode: 0o755,
      },
    );
    return root;
  }
  const link = () => path.join(root, 'node_modules', '.bin', 'tecsalud-batch');
  const runLinker = () =>
    execFileSync(process.execPath, [path.join(root, 'bin', 'link-command.js')], { cwd: root });

  it('links node_modules/.bin/tecsalud-batch to the checkout’s command', () => {
    checkout();
    runLinker();
    expect(fs.readlinkSync(link())).toBe(path.join('..', '..', 'bin', 'tecsalud-batch.js'));
    expect(execFileSync(link(), { encoding: 'utf8' }).trim()).toBe('ran');
    runLinker(); // again: nothing to do, nothing broken
    expect(fs.realpathSync(link())).toBe(fs.realpathSync(path.join(root, 'bin', 'tecsalud-batch.js')));
  });

  it('replaces a link to something else (another checkout’s command)', () => {
    checkout();
    fs.mkdirSync(path.dirname(link()));
    fs.symlinkSync('/nonexistent/tecsalud-batch.js', link());
    runLinker();
    expect(execFileSync(link(), { encoding: 'utf8' }).trim()).toBe('ran');
  });
});
