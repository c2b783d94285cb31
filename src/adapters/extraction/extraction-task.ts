// The messages exchanged with an extraction child process (pdf-parse or PDFium). Plain data only: they
// cross a process boundary over the IPC channel, so a task is a path and a result is the pages' text.
import type { ExtractionFailure } from './types.js';

/** `path: null` only starts a child (see pooled-extractor.ts): it reads nothing and returns null. */
export type ExtractionTask = { path: string | null };

export type ExtractionTaskResult =
  { ok: true; pages: number; pageTexts: string[]; scannedPages: number[] } | ExtractionFailure;

export const TASK_STARTED = 'extraction:started';

/** Sent by the child when it begins a file, so the timeout counts work, not queueing. */
export type TaskStarted = { type: typeof TASK_STARTED; pid: number };

export function isTaskStarted(message: unknown): message is TaskStarted {
  const candidate = message as Partial<TaskStarted> | null;
  return candidate?.type === TASK_STARTED && typeof candidate.pid === 'number';
}

/** Tells the parent that this child begins a file (a message outside tinypool's protocol). */
export function reportTaskStarted(): void {
  const started: TaskStarted = { type: TASK_STARTED, pid: process.pid };
  process.send?.(started);
}
