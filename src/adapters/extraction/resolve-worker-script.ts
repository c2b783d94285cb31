import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type WorkerScript = { filename: string; execArgv: string[] };

/**
 * Finds a worker module next to the calling module. Built (dist/) it is the compiled `.js`, loaded by
 * plain Node. Run from sources (vitest, tsx) only the `.ts` exists and a child process does not inherit
 * the parent's TypeScript loader, so tsx (a dev dependency, needed only then) is preloaded in it with
 * `--import`, which registers its ESM hooks for the whole child.
 */
export function resolveWorkerScript(baseName: string, nextTo: string | URL): WorkerScript {
  const compiled = fileURLToPath(new URL(`./${baseName}.js`, nextTo));
  if (existsSync(compiled)) return { filename: compiled, execArgv: [] };
  const source = fileURLToPath(new URL(`./${baseName}.ts`, nextTo));
  if (!existsSync(source)) throw new Error(`worker module ${baseName} not found next to ${String(nextTo)}`);
  // Resolved to an absolute URL so the child finds tsx whatever its current directory is.
  const tsxLoader = pathToFileURL(createRequire(nextTo).resolve('tsx')).href;
  return { filename: source, execArgv: ['--import', tsxLoader] };
}
