// The messages exchanged with the pdf-parse worker. Plain data only: results cross a thread boundary.
import type { MessagePort } from 'node:worker_threads';
import type { ExtractionFailure } from './types.js';

export type PdfParseTask = {
  path: string;
  /** The worker posts one message on it when it begins, so the timeout counts work, not queueing. */
  startedPort: MessagePort;
};

export type PdfParseTaskResult = { ok: true; pages: number; pageTexts: string[] } | ExtractionFailure;

export const TASK_STARTED = 'started';
