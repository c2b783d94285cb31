// The messages exchanged with a pdf-parse child process. Plain JSON only: they cross a process boundary
// over the IPC channel, so a task is a path and a result is the pages' text.
import type { ExtractionFailure } from './types.js';

/** `path: null` only starts a child (see pdf-parse-extractor.ts): it reads nothing and returns null. */
export type PdfParseTask = { path: string | null };

export type PdfParseTaskResult = { ok: true; pages: number; pageTexts: string[] } | ExtractionFailure;

export const TASK_STARTED = 'pdf-parse:started';

/** Sent by the child when it begins a file, so the timeout counts work, not queueing. */
export type TaskStarted = { type: typeof TASK_STARTED; pid: number };

export function isTaskStarted(message: unknown): message is TaskStarted {
  const candidate = message as Partial<TaskStarted> | null;
  return candidate?.type === TASK_STARTED && typeof candidate.pid === 'number';
}
