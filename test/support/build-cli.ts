import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The newest modification time among the files under `dir` (0 when there are none). */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

/**
 * Whether the compiled entry is older than the sources (or missing), so that tests spawning the built CLI
 * would run yesterday's code: a renamed command would leave them green.
 */
export function isBuildStale(root: string): boolean {
  const entry = path.join(root, 'dist', 'main.js');
  if (!fs.existsSync(entry)) return true;
  return newestMtime(path.join(root, 'src')) > fs.statSync(entry).mtimeMs;
}

/** Compiles src/ to dist/ when it is stale. */
export function buildWhenStale(root: string): void {
  if (!isBuildStale(root)) return;
  execFileSync(
    process.execPath,
    // A full build, as `npm run build` does (~15 s), not an incremental one: TypeScript 5.9's incremental
    // mode ran for over 20 minutes of CPU without finishing here after some edits (reproduced with a saved
    // build info), and its build info, once out of step with dist/ (a build by hand, a stash), made it skip
    // outputs that were stale.
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    { cwd: root, stdio: 'inherit' },
  );
  // tsc leaves an unchanged output untouched: mark the build as current.
  const now = new Date();
  fs.utimesSync(path.join(root, 'dist', 'main.js'), now, now);
}
