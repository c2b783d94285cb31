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

/** Compiles src/ to dist/ when it is stale; incremental, so an edit costs seconds, not a full build. */
export function buildWhenStale(root: string): void {
  if (!isBuildStale(root)) return;
  execFileSync(
    process.execPath,
    // Incremental as `npm run build` is (tsconfig.json): one build info for both, beside the outputs, so that
    // deleting dist/ deletes it (else tsc believes the deleted outputs current and emits nothing), a second
    // worktree sharing node_modules keeps its own, and a build by hand is not mistaken for an older one.
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    { cwd: root, stdio: 'inherit' },
  );
  // tsc leaves an unchanged output untouched: mark the build as current.
  const now = new Date();
  fs.utimesSync(path.join(root, 'dist', 'main.js'), now, now);
}
