// The repository's top level is part of how the tool behaves, not only how it looks: a stray
// `tecsalud-batch.config.json` there (left by a manual experiment) is read by every command run from a clone,
// so the README's set-up silently ran with a 3 s OCR limit. Only the agreed entries may be tracked at the top.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/ingest-fixture.js';

const ALLOWED_TOP_LEVEL = [
  '.ci',
  '.gitignore',
  '.npmrc',
  'README.md',
  'bin',
  'fixtures',
  'package-lock.json',
  'package.json',
  'src',
  'test',
  'tsconfig.json',
];

describe('the repository layout', () => {
  it('tracks only the agreed top-level entries (no config file a command from a clone would read)', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean)
      .map((file) => file.split('/')[0]!);
    const unexpected = [...new Set(tracked)].filter((entry) => !ALLOWED_TOP_LEVEL.includes(entry));
    expect(unexpected).toEqual([]);
  });
});
