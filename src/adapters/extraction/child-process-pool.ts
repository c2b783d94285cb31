import { Tinypool } from 'tinypool';
import { resolveWorkerScript } from './resolve-worker-script.js';

/**
 * A tinypool of `processes` child processes running the worker module `workerName` (next to `nextTo`), one
 * file each at a time: what both extractors run their work in.
 */
export function createChildProcessPool(options: {
  workerName: string;
  nextTo: string | URL;
  processes: number;
  /** Node flags for the children, before those the worker script itself needs. */
  execArgv?: string[];
  /** Variables added to the children's environment (the parent's is inherited). */
  env?: Record<string, string>;
}): Tinypool {
  const script = resolveWorkerScript(options.workerName, options.nextTo);
  return new Tinypool({
    runtime: 'child_process',
    filename: script.filename,
    execArgv: [...(options.execArgv ?? []), ...script.execArgv],
    env: { ...inheritedEnv(), ...options.env },
    minThreads: options.processes,
    maxThreads: options.processes,
    concurrentTasksPerWorker: 1,
    // V8's serializer copies the page texts as they are; JSON escapes and re-parses every one (7 % of the
    // ingest process's CPU, paired runs).
    serialization: 'advanced',
  });
}

/** tinypool forks its children with only the env it is given: they get the parent's, as fork() would. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  return env;
}
