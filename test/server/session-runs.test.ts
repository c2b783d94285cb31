import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ProcessHooks, ProcessSessionResult, SessionProcessing } from '../../src/app/process-session.js';
import { SessionRuns } from '../../src/server/session-runs.js';

/**
 * A run that closes its session and then takes a moment to let go of its lock and backends (a lost database's
 * connections time out): whatever the client read in that moment, its next process call must start a run.
 */
function runsOf(outcomes: (() => Promise<ProcessSessionResult>)[]) {
  const calls: ProcessHooks[] = [];
  const processing = {
    process: (_sessionId: string, hooks: ProcessHooks) => {
      calls.push(hooks);
      return outcomes[calls.length - 1]!();
    },
  } as unknown as SessionProcessing;
  const runs = new SessionRuns(processing, new AbortController().signal, pino({ level: 'silent' }));
  return { runs, calls };
}

const finished = (status: string) =>
  ({ type: 'session_finished', sessionId: 's', status, totals: {}, seconds: 1 }) as never;

describe('a process call for a session whose run is under way', () => {
  it('joins it while it runs, and gets its outcome', async () => {
    let fail = (_error: Error) => {};
    const { runs, calls } = runsOf([() => new Promise((_resolve, reject) => (fail = reject))]);
    const first = runs.start('s');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const joined = runs.start('s');
    fail(new Error('lost the connection'));
    await expect(first).rejects.toThrow('lost the connection');
    await expect(joined).rejects.toThrow('lost the connection');
    expect(calls).toHaveLength(1);
  });

  it('starts a new run once the run has closed the session, after that run lets go', async () => {
    let fail = (_error: Error) => {};
    const again = { status: 'completed' } as unknown as ProcessSessionResult;
    const { runs, calls } = runsOf([
      () => new Promise((_resolve, reject) => (fail = reject)),
      () => Promise.resolve(again),
    ]);
    const first = runs.start('s');
    first.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The session is `failed` in the registry ("process it again"); the run still holds the lock.
    calls[0]!.listener!(finished('failed'));
    const second = runs.start('s');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toHaveLength(1);
    fail(new Error('lost the connection'));
    await expect(second).resolves.toBe(again);
    expect(calls).toHaveLength(2);
    expect(runs.isRunning('s')).toBe(false);
  });
});
