// The messages exchanged with an extraction child process (pdf-parse or PDFium). Plain data only: they
// cross a process boundary over the IPC channel, so a task is a path and a result is the pages' text.
import type { ExtractionFailure } from './types.js';

/**
 * `path: null` only starts a child (see pooled-extractor.ts): it reads nothing and returns null. `id` names
 * the task in the child's TaskStarted message: a child may hold a second task while it works on one.
 */
export type ExtractionTask = { path: string | null; id?: number };

export type ExtractionTaskResult =
  { ok: true; pages: number; pageTexts: string[]; scannedPages: number[] } | ExtractionFailure;

export const TASK_STARTED = 'extraction:started';

/** Sent by the child when it begins a file, so the timeout counts work, not queueing. */
export type TaskStarted = { type: typeof TASK_STARTED; pid: number; id?: number };

export function isTaskStarted(message: unknown): message is TaskStarted {
  const candidate = message as Partial<TaskStarted> | null;
  return candidate?.type === TASK_STARTED && typeof candidate.pid === 'number';
}

/** Tells the parent that this child begins the task's file (a message outside tinypool's protocol). */
export function reportTaskStarted(task: ExtractionTask): void {
  const started: TaskStarted = {
    type: TASK_STARTED,
    pid: process.pid,
    ...(task.id !== undefined ? { id: task.id } : {}),
  };
  process.send?.(started);
}

/**
 * A child's handler that takes its tasks one after another, in the order the pool sent them (by id). The pool
 * sends a child its next file while it works on one (so that it never waits for the parent between files);
 * tinypool would start both at once. One at a time, a file's timeout counts its own work and memory holds one
 * file. In order, because tinypool may call the handler out of order: each message first awaits the worker
 * module's import, and two that arrive while a module with top-level await still loads can resume in either
 * order — a child that began the file sent second made the first wait for it (in a test, forever: the second
 * was a FIFO fed only once the first was done). So a task starts one macrotask after it arrives, the lowest id
 * among those waiting first.
 */
export function oneTaskAtATime<R>(
  handler: (task: ExtractionTask) => Promise<R>,
): (task: ExtractionTask) => Promise<R> {
  const waiting: { task: ExtractionTask; resolve: (result: R) => void; reject: (error: unknown) => void }[] =
    [];
  let busy = false;
  const startNext = (): void => {
    if (busy || waiting.length === 0) return;
    waiting.sort((a, b) => (a.task.id ?? 0) - (b.task.id ?? 0));
    const { task, resolve, reject } = waiting.shift()!;
    busy = true;
    handler(task)
      .then(resolve, reject)
      .finally(() => {
        busy = false;
        startNext();
      });
  };
  return (task) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ task, resolve, reject });
      setImmediate(startNext);
    });
}
