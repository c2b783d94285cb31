// A child's tasks run one at a time and in the order the pool sent them: tinypool may hand them to the worker
// module out of order while that module still loads (each message awaits its import first).
import { describe, expect, it } from 'vitest';
import { oneTaskAtATime, type ExtractionTask } from '../../../src/adapters/extraction/extraction-task.js';

describe('oneTaskAtATime', () => {
  it('starts the tasks that arrived together by id, whatever order they arrived in', async () => {
    const started: (number | undefined)[] = [];
    const run = oneTaskAtATime(async (task: ExtractionTask) => {
      started.push(task.id);
      return task.id;
    });
    // As when two messages resume from the worker module's import in the wrong order.
    const results = await Promise.all([run({ path: 'b.pdf', id: 2 }), run({ path: 'a.pdf', id: 1 })]);
    expect(started).toEqual([1, 2]);
    expect(results).toEqual([2, 1]);
  });

  it('runs one task at a time: the next starts when the one before has ended, failed or not', async () => {
    const events: string[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const run = oneTaskAtATime(async (task: ExtractionTask) => {
      events.push(`start ${task.id}`);
      if (task.id === 1) {
        await first;
        events.push('end 1');
        throw new Error('the first file failed');
      }
      events.push(`end ${task.id}`);
      return task.id;
    });
    const one = run({ path: 'a.pdf', id: 1 });
    const two = run({ path: 'b.pdf', id: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start 1']);
    release();
    await expect(one).rejects.toThrow('the first file failed');
    expect(await two).toBe(2);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
