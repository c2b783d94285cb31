// An extraction engine (pdf.js through pdf-parse, or PDFium) in a pool of child processes: each child reads
// one file at a time and holds the next (TASKS_PER_CHILD), with a per-file timeout and a per-child memory
// ceiling. Worker threads share their process:
// Node enforces a thread's heap limit only on a best-effort basis, and a PDF that makes pdf.js build one
// huge string aborted the whole process ("FATAL ERROR: Reached heap limit", nodejs/node#47224). A child's
// death costs that child alone.
import { describeChildExit, type ChildExit } from './describe-child-exit.js';
import { describeFailure } from './describe-failure.js';
import { isTaskStarted, type ExtractionTask, type ExtractionTaskResult } from './extraction-task.js';
import { closeChildProcessPool, createChildProcessPool } from './child-process-pool.js';
import { joinPageTexts } from './text-layer.js';
import type { ExtractionResult, ExtractOptions, TextExtractor } from './types.js';

export type PooledExtractorOptions = {
  /** The extractor's name, recorded with each session. */
  name: string;
  /** The child's module, next to this one: it answers an ExtractionTask with an ExtractionTaskResult. */
  workerName: string;
  workers: number;
  /** Per-file limit, counted from when a child starts the file (queueing excluded). */
  timeoutMs: number;
  /** Per-child V8 old-generation ceiling in MB (--max-old-space-size); the worker may add its own. */
  maxMemoryMb: number;
  /** Variables added to the children's environment: how a worker learns its settings before any task. */
  env?: Record<string, string>;
};

// tinypool's message when a child dies under a task (out of memory, a native crash, killed from outside).
const CHILD_EXITED = 'Worker exited unexpectedly';

// Why a task was stopped from here, as the reasons of its abort signal.
const TIMED_OUT = Symbol('timed out');
const STARTUP_FAILED = Symbol('start-up failed');
const RESEND = Symbol('resend');

/** Stops a child at once; tinypool sees it exit, fails what it held and forks a fresh one. */
function killChild(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: tinypool has seen it exit, or is about to.
  }
}

// Children that die with no file in a row before the files waiting for them are failed (see below).
const MAX_IDLE_DEATHS = 3;

/**
 * Tasks a child holds: the file it works on and the next one. The next file is already in the child when it
 * finishes one, so it never waits for this process, whose thread may be busy for tens of milliseconds (a
 * group's write, the next file's matching) before it could hand one over: idle children cost an ingest on
 * 2 cores about a tenth of its time. The child takes them one at a time (oneTaskAtATime).
 */
const TASKS_PER_CHILD = 2;

/**
 * How often a file waiting in a child that died under another file (stopped at its timeout, crashed) is
 * sent again: it was never started, so the death is not its own.
 */
const MAX_RESENDS = MAX_IDLE_DEATHS;

/** What is known about the file a child is working on, by the child's pid. */
type RunningFile = { exit?: ChildExit };

/** The file whose time limit made this process kill a child, by the child's pid. */
type KilledFor = Map<number, RunningFile>;

function messageOf(error: unknown): string {
  // Errors thrown in a child arrive as plain objects: only their fields crossed the IPC channel.
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

export function createPooledExtractor(options: PooledExtractorOptions): TextExtractor {
  const workers = Math.max(1, options.workers);
  const { timeoutMs, maxMemoryMb } = options;
  const pool = createChildProcessPool({
    workerName: options.workerName,
    nextTo: import.meta.url,
    processes: workers,
    tasksPerChild: TASKS_PER_CHILD,
    execArgv: [`--max-old-space-size=${maxMemoryMb}`],
    ...(options.env ? { env: options.env } : {}),
  });
  const inFlight = new Set<Promise<ExtractionResult>>();
  let closing: Promise<void> | undefined;

  // A child that dies with no task (while starting, or idle) makes tinypool emit 'error', which would
  // otherwise crash this process. It replaces an idle child, but not one that died while starting: from
  // then on it replaces no dead child at all, and files queued behind them would wait forever. A task
  // with no file starts a child again. Should children keep dying before doing anything (a broken
  // install, a ceiling too low to load the engine), the files waiting are failed rather than left waiting.
  let idleDeaths = 0;
  const unfinished = new Set<AbortController>();
  pool.on('error', () => {
    idleDeaths += 1;
    if (idleDeaths >= MAX_IDLE_DEATHS) {
      idleDeaths = 0;
      for (const stop of unfinished) stop.abort(STARTUP_FAILED);
    } else if (pool.threads.length < workers && !closing) {
      pool.run({ path: null } satisfies ExtractionTask).catch(() => {});
    }
  });

  const running = new Map<number, RunningFile>();
  const killedFor: KilledFor = new Map();
  const watched = new Set<number>();
  // tinypool reports a dead child as a bare "exited unexpectedly"; the exit signal tells an exhausted
  // heap from other crashes. A child's threadId is its pid, and its once() reaches the ChildProcess.
  function watchChild(pid: number): void {
    if (watched.has(pid)) return;
    const child = pool.threads.find((worker) => worker.threadId === pid);
    if (child === undefined) return;
    watched.add(pid);
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      watched.delete(pid);
      // Pids are reused: the record only concerns this child's end, which the files it held see first.
      setImmediate(() => killedFor.delete(pid));
      const file = running.get(pid);
      if (file !== undefined) file.exit = { code, signal };
    });
  }

  // Every task's start comes through one channel, by task id: tinypool keeps one channel per child, and a
  // child holds two tasks.
  let lastTaskId = 0;
  const awaitingStart = new Map<number, (pid: number) => void>();
  const channel = {
    postMessage(message: unknown): void {
      if (isTaskStarted(message) && message.id !== undefined) awaitingStart.get(message.id)?.(message.pid);
    },
  };

  async function extractInChild(
    path: string,
    callerSignal: AbortSignal | undefined,
  ): Promise<ExtractionResult> {
    for (let resends = 0; ; resends++) {
      const result = await runInChild(path, callerSignal, resends < MAX_RESENDS);
      if (result !== RESEND) return result;
    }
  }

  /**
   * One attempt at the file. A timeout kills the child that runs it (tinypool then forks a fresh one): the
   * only way to stop an engine mid-file. The caller's cancellation goes to tinypool as an abort signal, which
   * also keeps the file alone in its child (tinypool gives a busy child no abortable task), as before.
   * RESEND: the file waited in a child that died under another file, and may be sent again.
   */
  async function runInChild(
    path: string,
    callerSignal: AbortSignal | undefined,
    mayResend: boolean,
  ): Promise<ExtractionResult | typeof RESEND> {
    const stop = new AbortController();
    unfinished.add(stop);
    const id = ++lastTaskId;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let pid: number | undefined;
    const file: RunningFile = {};
    awaitingStart.set(id, (startedPid) => {
      if (settled) return;
      pid = startedPid;
      idleDeaths = 0;
      // The child's next file may report its start before this one's result is through.
      running.set(pid, file);
      watchChild(pid);
      timer = setTimeout(() => {
        // The child takes one file at a time: if it already started its next one, this file is done there
        // and its result is on its way (the timer fired before this process read it). Killing it would
        // stop the next file for this one's time.
        if (running.get(startedPid) !== file) return;
        stop.abort(TIMED_OUT);
        killedFor.set(startedPid, file);
        killChild(startedPid);
      }, timeoutMs);
    });
    // Children that keep dying while starting (see above) fail the files still waiting, started by none.
    const startupFailed = new Promise<never>((_, reject) =>
      stop.signal.addEventListener('abort', () => {
        if (stop.signal.reason === STARTUP_FAILED) reject(STARTUP_FAILED);
      }),
    );
    try {
      const task: ExtractionTask = { path, id };
      const run = pool.run(task, { channel, ...(callerSignal ? { signal: callerSignal } : {}) });
      run.catch(() => undefined);
      const result = (await Promise.race([run, startupFailed])) as ExtractionTaskResult;
      if (!result.ok) return result;
      return {
        ok: true,
        text: joinPageTexts(result.pageTexts),
        pages: result.pages,
        pageTexts: result.pageTexts,
        ...(result.scannedPages.length > 0 ? { scannedPages: result.scannedPages } : {}),
      };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (stop.signal.reason === TIMED_OUT) return describeFailure('timeout', { timeoutMs });
      if (stop.signal.reason === STARTUP_FAILED)
        return describeFailure('extraction_error', {
          detail: `the PDF extraction processes exited ${MAX_IDLE_DEATHS} times in a row while starting`,
        });
      const { exit } = file;
      if (pid === undefined && mayResend && messageOf(error) === CHILD_EXITED) return RESEND;
      // Started in a child that this process was already killing for the file before it: the kill and
      // this file's start crossed (both messages were waiting while the timer fired). Not this file's death.
      const killedForFile = pid === undefined ? undefined : killedFor.get(pid);
      if (killedForFile !== undefined && killedForFile !== file && mayResend) return RESEND;
      if (exit !== undefined || messageOf(error) === CHILD_EXITED)
        return describeChildExit(exit, maxMemoryMb);
      return describeFailure('extraction_error', { detail: messageOf(error) });
    } finally {
      settled = true;
      clearTimeout(timer);
      awaitingStart.delete(id);
      unfinished.delete(stop);
      if (pid !== undefined && running.get(pid) === file) running.delete(pid);
    }
  }

  async function extract(path: string, extractOptions: ExtractOptions = {}): Promise<ExtractionResult> {
    if (closing) throw new Error('the PDF extractor is closed');
    extractOptions.signal?.throwIfAborted();
    const extraction = extractInChild(path, extractOptions.signal);
    inFlight.add(extraction);
    try {
      return await extraction;
    } finally {
      inFlight.delete(extraction);
    }
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await Promise.allSettled(inFlight);
      await closeChildProcessPool(pool);
    })();
    return closing;
  }

  return { name: options.name, extract, close };
}
