import { Tinypool } from 'tinypool';
import { resolveWorkerScript } from './resolve-worker-script.js';

/**
 * Loaded before anything else in every child: Ctrl-C in a terminal signals the whole foreground process
 * group, children included, and a child that died of it failed the file in flight ("exited unexpectedly")
 * while the ingest meant to let that file finish. The ingest alone decides what a Ctrl-C stops; its
 * children end when it closes the pool (SIGTERM, then SIGKILL). tinypool forks without `detached`, so
 * ignoring the signal is how a child keeps out of it; tools a child runs are started `detached` (their
 * own process group) for the same reason.
 *
 * SIGTERM the same: `systemctl stop`, `timeout` or `kill -- -PGID` send it to the whole group, and the ingest
 * lets its files in flight finish, which a child dying under them (or one idle, as the next file is sent to
 * it: "write EPIPE") would fail. So a child ends on SIGTERM only once the pool has said, with CLOSE_SIGNAL
 * sent just before tinypool's own SIGTERM, that it is closing it (a lower-numbered signal, delivered first
 * when both are pending); tinypool's SIGKILL a second later stays the backstop. A child whose ingest is gone
 * (a second signal exits it at once) sees its channel close and goes too.
 */
const CLOSE_SIGNAL = 'SIGUSR2';
const CHILD_SIGNAL_MANNERS = [
  "process.on('SIGINT', () => {});",
  'let closing = false;',
  `process.on('${CLOSE_SIGNAL}', () => { closing = true; });`,
  "process.on('SIGTERM', () => { if (closing) process.exit(0); });",
  "process.once('disconnect', () => process.exit(0));",
].join('\n');
const SIGNAL_MANNERS_MODULE = `data:text/javascript,${encodeURIComponent(CHILD_SIGNAL_MANNERS)}`;

/**
 * A tinypool of `processes` child processes running the worker module `workerName` (next to `nextTo`): what
 * both extractors run their work in. A child holds up to `tasksPerChild` tasks (default 1), which its worker
 * module takes one at a time (see oneTaskAtATime).
 */
export function createChildProcessPool(options: {
  workerName: string;
  nextTo: string | URL;
  processes: number;
  /** Node flags for the children, before those the worker script itself needs. */
  execArgv?: string[];
  /** Variables added to the children's environment (the parent's is inherited). */
  env?: Record<string, string>;
  tasksPerChild?: number;
}): Tinypool {
  const script = resolveWorkerScript(options.workerName, options.nextTo);
  return new Tinypool({
    runtime: 'child_process',
    filename: script.filename,
    execArgv: ['--import', SIGNAL_MANNERS_MODULE, ...(options.execArgv ?? []), ...script.execArgv],
    env: { ...inheritedEnv(), ...options.env },
    minThreads: options.processes,
    maxThreads: options.processes,
    concurrentTasksPerWorker: options.tasksPerChild ?? 1,
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

/** How long the children are given to take CLOSE_SIGNAL in before tinypool's SIGTERM. */
const CLOSE_NOTICE_MS = 20;

/** Ends the pool's children: tells each it is being closed (see CLOSE_SIGNAL), then lets tinypool end them. */
export async function closeChildProcessPool(pool: Tinypool): Promise<void> {
  for (const child of pool.threads) {
    try {
      process.kill(child.threadId, CLOSE_SIGNAL);
    } catch {
      // Already gone.
    }
  }
  // tinypool unrefs its children: a child it has to SIGKILL (one that took the SIGTERM first) is waited for
  // with nothing else keeping this process's event loop alive, which then ended with the run's summary
  // unprinted and exit code 13 (an unsettled top-level await). Held open until every child is gone.
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    await new Promise((resolve) => setTimeout(resolve, CLOSE_NOTICE_MS));
    await pool.destroy();
  } finally {
    clearInterval(keepAlive);
  }
}
