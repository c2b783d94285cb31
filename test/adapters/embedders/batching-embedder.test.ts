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

  it('never exceeds the batch size, and sends an oversized request alone', async () => {
    const { embedder, calls } = recordingEmbedder();
    const batching = createBatchingEmbedder(embedder, { maxBatch: 3, maxWaitMs: 5 });
    await Promise.all([batching.embed(['1', '2']), batching.embed(['3', '4']), batching.embed(['5', '6', '7', '8'])]);
    expect(calls.every((c) => c.length <= 3 || c.length === 4)).toBe(true);
    expect(calls.flat().sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('rejects every caller of a failed batch, and later batches still work', async () => {
    let failing = true;
    const { embedder } = recordingEmbedder(() => failing);
    const batching = createBatchingEmbedder(embedder, { maxBatch: 10, maxWaitMs: 5 });
    const results = await Promise.allSettled([batching.embed(['a']), batching.embed(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    failing = false;
    expect((await batching.embed(['c']))[0]![0]).toBe(1);
  });
});
