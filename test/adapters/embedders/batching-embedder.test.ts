import { describe, expect, it } from 'vitest';
import { createBatchingEmbedder } from '../../../src/adapters/embedders/batching-embedder.js';
import type { Embedder } from '../../../src/adapters/embedders/types.js';

function recordingEmbedder(fail?: (texts: string[]) => boolean) {
  const calls: string[][] = [];
  const embedder: Embedder = {
    id: 'test-v1',
    dimension: 1,
    embed: async (texts) => {
      calls.push(texts);
      if (fail?.(texts)) throw new Error('server said no');
      return texts.map((t) => new Float32Array([t.length]));
    },
  };
  return { embedder, calls };
}

describe('createBatchingEmbedder', () => {
  it('joins concurrent requests into one call and gives each caller its own vectors in order', async () => {
    const { embedder, calls } = recordingEmbedder();
    const batching = createBatchingEmbedder(embedder, { maxBatch: 10, maxWaitMs: 5 });
    const [a, b, c] = await Promise.all([
      batching.embed(['a', 'bb']),
      batching.embed(['ccc']),
      batching.embed(['dddd', 'eeeee']),
    ]);
    expect(calls).toEqual([['a', 'bb', 'ccc', 'dddd', 'eeeee']]);
    expect(a!.map((v) => v[0])).toEqual([1, 2]);
    expect(b!.map((v) => v[0])).toEqual([3]);
    expect(c!.map((v) => v[0])).toEqual([4, 5]);
  });

  it('sends full batches: a caller’s texts span two requests, and each gets its own vectors in order', async () => {
    const { embedder, calls } = recordingEmbedder();
    const batching = createBatchingEmbedder(embedder, { maxBatch: 3, maxWaitMs: 5 });
    const results = await Promise.all([
      batching.embed(['a', 'bb']),
      batching.embed(['ccc', 'dddd']),
      batching.embed(['eeeee', 'ffffff', 'ggggggg', 'hhhhhhhh']),
    ]);
    expect(calls).toEqual([
      ['a', 'bb', 'ccc'],
      ['dddd', 'eeeee', 'ffffff'],
      ['ggggggg', 'hhhhhhhh'],
    ]);
    expect(results.map((vectors) => vectors.map((v) => v[0]))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7, 8],
    ]);
  });

  it('sends a full batch at once, without waiting for the window', async () => {
    const { embedder, calls } = recordingEmbedder();
    // A window no test would wait for: only a full batch can send these.
    const batching = createBatchingEmbedder(embedder, { maxBatch: 4, maxWaitMs: 3_600_000 });
    const vectors = await Promise.all([batching.embed(['a', 'bb']), batching.embed(['ccc', 'dddd'])]);
    expect(calls).toEqual([['a', 'bb', 'ccc', 'dddd']]);
    expect(vectors.flat().map((v) => v[0])).toEqual([1, 2, 3, 4]);
  });

  it('counts in its backlog the texts accepted and not yet answered', async () => {
    let answer: (() => void) | null = null;
    const inner: Embedder = {
      id: 'test-v1',
      dimension: 1,
      embed: (texts) =>
        new Promise((resolve) => {
          answer = () => resolve(texts.map(() => new Float32Array([0])));
        }),
    };
    const batching = createBatchingEmbedder(inner, { maxBatch: 2, maxWaitMs: 3_600_000 });
    expect(batching.backlog).toBe(0);
    const pending = batching.embed(['a', 'b']);
    expect(batching.backlog).toBe(2);
    answer!();
    await pending;
    expect(batching.backlog).toBe(0);
  });

  it('rejects every caller of a failed batch, and later batches still work', async () => {
    let failing = true;
    const { embedder } = recordingEmbedder(() => failing);
    const batching = createBatchingEmbedder(embedder, { maxBatch: 10, maxWaitMs: 5 });
    const results = await Promise.allSettled([batching.embed(['a']), batching.embed(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    failing = false;
    expect((await batching.embed(['c']))[0]![0]).toBe(1);
    expect(batching.backlog).toBe(0);
  });

  it('fails a caller whose texts span a failed request and a good one, once', async () => {
    const { embedder, calls } = recordingEmbedder((texts) => texts.includes('bad'));
    const batching = createBatchingEmbedder(embedder, { maxBatch: 2, maxWaitMs: 5 });
    const results = await Promise.allSettled([batching.embed(['bad', 'x']), batching.embed(['y', 'z'])]);
    expect(calls).toEqual([
      ['bad', 'x'],
      ['y', 'z'],
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const spanning = await Promise.allSettled([batching.embed(['p']), batching.embed(['bad', 'q'])]);
    expect(spanning.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
