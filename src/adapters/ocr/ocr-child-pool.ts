// A small pool of long-lived OCR child processes, one file each at a time. Its own pool rather than the
// text extraction's: OCR takes seconds a page where a text layer takes milliseconds a file, so it gets its
// own, smaller number of processes and never occupies the ones text-layer files need. Each child leads a
// process group of its own, so that stopping it also stops the tesseract or pdftoppm it may be running.
import { fork, type ChildProcess } from 'node:child_process';
import { resolveWorkerScript } from '../extraction/resolve-worker-script.js';
import { isOcrChildMessage, type OcrParentMessage, type OcrTask, type OcrTaskResult } from './ocr-task.js';

export type ChildOutcome =
  | { kind: 'result'; result: OcrTaskResult }
  /** The child died under the task: stopped from here (a timeout), out of memory, or a crash. */
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string };

export interface RunHooks {
  /** A child took the task. */
  onStart?: () => void;
  /** The child began this page. */
  onPage?: (page: number) => void;
  /** The child reads this page again (whitened or turned). */
  onReading?: (page: number) => void;
  /** Aborting drops the task while it waits, or stops its child while it runs. */
  signal?: AbortSignal;
  /** Aborting drops the task only while it waits for a child (rejects with the reason). */
  queueSignal?: AbortSignal;
}

interface Job {
  task: OcrTask;
  hooks: RunHooks;
  resolve: (outcome: ChildOutcome) => void;
  reject: (reason: unknown) => void;
  dropWaiting: () => void;
}

/** What a child wrote on stderr last: enough to explain a crash. */
const STDERR_TAIL = 2000;

export class OcrChildPool {
  private readonly idle: ChildProcess[] = [];
  private readonly waiting: Job[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly stderrTails = new WeakMap<ChildProcess, string>();

  constructor(
    private readonly options: {
      processes: number;
      /** V8 heap ceiling per child; the whole process (WebAssembly, canvases, tools) may use twice this. */
      maxMemoryMb: number;
    },
  ) {}

  run(task: OcrTask, hooks: RunHooks = {}): Promise<ChildOutcome> {
    return new Promise((resolve, reject) => {
      const job: Job = { task, hooks, resolve, reject, dropWaiting: () => undefined };
      const signals = [hooks.signal, hooks.queueSignal].filter((s): s is AbortSignal => s !== undefined);
      const aborted = signals.find((s) => s.aborted);
      if (aborted) return reject(aborted.reason);
      for (const signal of signals) this.watchWhileWaiting(signal, job);
      job.dropWaiting = () => {
        for (const signal of signals) this.unwatch(signal, job);
      };
      this.waiting.push(job);
      this.dispatch();
    });
  }

  /**
   * One abort listener per signal, however many jobs wait on it: the run's Ctrl-C signal is every page's
   * queueSignal, and a listener per waiting page made Node warn of a leak (MaxListenersExceededWarning on
   * stderr, even under --quiet) once more than ten pages waited.
   */
  private readonly waitingBySignal = new Map<AbortSignal, { jobs: Set<Job>; listener: () => void }>();

  private watchWhileWaiting(signal: AbortSignal, job: Job): void {
    let watched = this.waitingBySignal.get(signal);
    if (!watched) {
      const jobs = new Set<Job>();
      const listener = () => {
        this.waitingBySignal.delete(signal);
        for (const dropped of jobs) {
          const at = this.waiting.indexOf(dropped);
          if (at < 0) continue;
          this.waiting.splice(at, 1);
          dropped.dropWaiting();
          dropped.reject(signal.reason);
        }
      };
      watched = { jobs, listener };
      this.waitingBySignal.set(signal, watched);
      signal.addEventListener('abort', listener, { once: true });
    }
    watched.jobs.add(job);
  }

  private unwatch(signal: AbortSignal, job: Job): void {
    const watched = this.waitingBySignal.get(signal);
    if (!watched) return;
    watched.jobs.delete(job);
    if (watched.jobs.size > 0) return;
    signal.removeEventListener('abort', watched.listener);
    this.waitingBySignal.delete(signal);
  }

  /** Stops every child; call once no task runs any more. */
  async close(): Promise<void> {
    for (const job of this.waiting.splice(0)) {
      job.dropWaiting();
      job.reject(new Error('the OCR pool is closed'));
    }
    const exits = [...this.children].map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null || child.signalCode !== null
            ? resolve()
            : child.once('exit', () => resolve()),
        ),
    );
    for (const child of this.children) {
      child.ref(); // idle children are unreferenced: waiting for their exit must keep this process up
      if (child.connected) child.disconnect();
      else stopGroup(child);
    }
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const child =
        this.idle.pop() ?? (this.children.size < this.options.processes ? this.fork() : undefined);
      if (!child) return;
      const job = this.waiting.shift()!;
      job.dropWaiting();
      this.start(child, job);
    }
  }

  private fork(): ChildProcess {
    const script = resolveWorkerScript('ocr-worker', import.meta.url);
    const child = fork(script.filename, [], {
      execArgv: [`--max-old-space-size=${this.options.maxMemoryMb}`, ...script.execArgv],
      env: { ...process.env, TECSALUD_OCR_MEMORY_LIMIT_MB: String(2 * this.options.maxMemoryMb) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Its own process group: see stopGroup. Also spares it the terminal's Ctrl-C, which the ingest
      // handles itself (files being read finish).
      detached: true,
    });
    this.children.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTails.set(
        child,
        ((this.stderrTails.get(child) ?? '') + chunk.toString('utf8')).slice(-STDERR_TAIL),
      );
    });
    child.once('exit', () => {
      this.children.delete(child);
      const at = this.idle.indexOf(child);
      if (at >= 0) this.idle.splice(at, 1);
      this.dispatch();
    });
    // A child that cannot be forked or messaged reports through its exit.
    child.on('error', () => undefined);
    return child;
  }

  private start(child: ChildProcess, job: Job): void {
    child.ref();
    child.channel?.ref();
    const { hooks } = job;
    const stop = () => stopGroup(child);
    const finish = (outcome: ChildOutcome) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      hooks.signal?.removeEventListener('abort', stop);
      job.resolve(outcome);
    };
    const onMessage = (message: unknown) => {
      if (!isOcrChildMessage(message)) return;
      if (message.type === 'ocr:page') return hooks.onPage?.(message.page);
      if (message.type === 'ocr:reading') return hooks.onReading?.(message.page);
      finish({ kind: 'result', result: message.result });
      if (child.connected) {
        child.unref();
        child.channel?.unref();
        this.idle.push(child);
      }
      this.dispatch();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish({ kind: 'exit', code, signal, stderr: this.stderrTails.get(child) ?? '' });
    child.on('message', onMessage);
    child.on('exit', onExit);
    hooks.signal?.addEventListener('abort', stop, { once: true });
    hooks.onStart?.();
    if (hooks.signal?.aborted) return stop();
    child.send({ type: 'ocr:task', task: job.task } satisfies OcrParentMessage);
  }
}

/** Kills the child and whatever it started (the group it leads). */
function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
