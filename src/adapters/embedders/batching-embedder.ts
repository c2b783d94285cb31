import type { Embedder } from './types.js';

/**
 * How long a text waits for others to join its request, unless configured (embedding.batchWindowMs). A file
 * waits without holding its slot, so the window costs only how soon its result comes; and it bounds the
 * requests a slow trickle of files makes to one a second, where a quota counts requests per minute.
 */
export const DEFAULT_BATCH_WINDOW_MS = 1000;

export interface BatchingEmbedderOptions {
  /** Texts per call to the wrapped embedder: every request carries exactly this many while there is work. */
  maxBatch: number;
  /** The longest a text waits for others to join its request before a partial batch is sent anyway. */
  maxWaitMs: number;
}

/** One caller's `embed`: its vectors arrive in parts when its texts span two requests. */
interface Caller {
  vectors: Float32Array[];
  /** Texts not yet answered. */
  missing: number;
  settled: boolean;
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
}

/** A run of one caller's texts inside the batch being gathered. */
interface Part {
  caller: Caller;
  /** Where the part's texts start in the caller's own list. */
  offset: number;
  texts: string[];
}

/**
 * Gathers the embed calls of the files in flight into full requests to the wrapped embedder: under a remote
 * API's quota, requests per minute are the budget, so each request should carry the batch limit. Texts are
 * sent as soon as a full batch is gathered (a caller's texts may span two requests), or when the first text
 * waiting has waited `maxWaitMs`, so that no file is held back longer than that. Each caller still gets
 * exactly its own vectors, in order, or its own error: a failing request fails every file with texts in it,
 * and each of those files is recorded as failed on its own.
 *
 * `backlog` (texts accepted and not yet answered) lets the ingest free a file's slot while it waits here,
 * so that more files join the batch, without letting the files waiting on a slow service pile up.
 */
export function createBatchingEmbedder(
  inner: Embedder,
  options: BatchingEmbedderOptions,
): Embedder & { readonly backlog: number } {
  const maxBatch = Math.max(1, Math.floor(options.maxBatch));
  let gathering: Part[] = [];
  let gathered = 0;
  let backlog = 0;
  let timer: NodeJS.Timeout | null = null;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const parts = gathering;
    gathering = [];
    gathered = 0;
    if (parts.length === 0) return;
    const texts = parts.flatMap((part) => part.texts);
    const answered = () => (backlog -= texts.length);
    inner.embed(texts).then(
      (vectors) => {
        answered();
        let at = 0;
        for (const { caller, offset, texts: own } of parts) {
          for (let i = 0; i < own.length; i++) caller.vectors[offset + i] = vectors[at + i]!;
          at += own.length;
          caller.missing -= own.length;
          if (caller.missing === 0 && !caller.settled) {
            caller.settled = true;
            caller.resolve(caller.vectors);
          }
        }
      },
      (error: unknown) => {
        answered();
        for (const { caller } of parts) {
          if (caller.settled) continue;
          caller.settled = true;
          caller.reject(error);
        }
      },
    );
  };

  return {
    id: inner.id,
    dimension: inner.dimension,
    get backlog() {
      return backlog;
    },
    embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        const caller: Caller = {
          vectors: new Array<Float32Array>(texts.length),
          missing: texts.length,
          settled: false,
          resolve,
          reject,
        };
        backlog += texts.length;
        let offset = 0;
        while (offset < texts.length) {
          const take = Math.min(maxBatch - gathered, texts.length - offset);
          gathering.push({ caller, offset, texts: texts.slice(offset, offset + take) });
          gathered += take;
          offset += take;
          if (gathered >= maxBatch) send();
        }
        if (gathered > 0) timer ??= setTimeout(send, options.maxWaitMs);
      });
    },
  };
}
