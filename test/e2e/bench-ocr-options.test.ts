// The OCR bench's command line, as a developer meets it: `npm run bench:ocr -- --help` lists the options
// (it threw parseArgs's "Unknown option '--help'" with a stack trace), and a mistyped option says which.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runBench(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/ocr.bench.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run bench:ocr options', () => {
  it('--help lists the options, --ink-grey among them, and exits 0', () => {
    const run = runBench(['--help']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/--ink-grey G/);
    expect(run.stdout).toMatch(/--engines LIST/);
  }, 60_000);

  it('a mistyped option is named in one line, without a stack trace, exit 64', () => {
    const run = runBench(['--ink-gray', '0.88']);
    expect(run.status).toBe(64);
    expect(run.stderr.trim()).toBe("bench:ocr: Unknown option '--ink-gray'; see npm run bench:ocr -- --help");
  }, 60_000);
});
