import type { Embedder } from './types.js';

export interface BatchingEmbedderOptions {
  /** Most texts per call to the wrapped embedder. */
  maxBatch: number;
  /** How long a request waits for others to join it before the batch is sent. */
  maxWaitMs: number;
}

interface Pending {
  texts: string[];
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
}

/**
 * Gathers the embed calls of files in flight into larger calls to the wrapped embedder — many
 * chunks per request matter for a remote API (round trips, rate limits), not for the local one.
 * Each caller still gets exactly its own vectors, in order, or its own error: a failing batch
 * fails every file in it, and each of those files is recorded as failed on its own.
 */
export function createBatchingEmbedder(inner: Embedder, options: BatchingEmbedderOptions): Embedder {
  let queue: Pending[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length === 0) return;
    const texts = batch.flatMap((p) => p.texts);
    inner.embed(texts).then(
      (vectors) => {
        let offset = 0;
        for (const p of batch) {
          p.resolve(vectors.slice(offset, offset + p.texts.length));
          offset += p.texts.length;
        }
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };

  return {
    id: inner.id,
    dimension: inner.dimension,
    embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return Promise.resolve([]);
      // A request larger than a batch goes alone rather than splitting another caller's request.
      if (texts.length >= options.maxBatch) return inner.embed(texts);
      return new Promise((resolve, reject) => {
        if (queued + texts.length > options.maxBatch) flush();
        queue.push({ texts, resolve, reject });
        queued += texts.length;
        if (queued >= options.maxBatch) flush();
        else timer ??= setTimeout(flush, options.maxWaitMs);
      });
    },
  };
}
