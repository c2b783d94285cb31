import { describe, expect, it } from 'vitest';
import type { FileResult, PipelineEvent } from '../../src/core/pipeline/events.js';
import {
  initialDashboardState,
  MAX_ERRORS,
  reduceDashboard,
  throughputOf,
  type DashboardState,
} from '../../src/ui/dashboard/dashboard-state.js';
import { fileResult, totals } from './support/pipeline-events.js';

function run(events: [PipelineEvent, number][]): DashboardState {
  return events.reduce(
    (state, [event, now]) => reduceDashboard(state, { type: 'event', event, now }),
    initialDashboardState(),
  );
}

const started: PipelineEvent = {
  type: 'session_started',
  sessionId: 's1',
  sourceDir: '/drop',
  totalFiles: 10,
  processingType: 'both',
};

describe('dashboard reducer', () => {
  it('tracks files in flight with their stage, and drops them when they finish', () => {
    const state = run([
      [started, 0],
      [{ type: 'file_started', fileId: 'a', relativePath: 'a.pdf' }, 10],
      [{ type: 'file_started', fileId: 'b', relativePath: 'b.pdf' }, 20],
      [{ type: 'file_stage', fileId: 'a', relativePath: 'a.pdf', stage: 'extract' }, 30],
    ]);
    expect(state.inFlight).toEqual([
      { fileId: 'a', relativePath: 'a.pdf', stage: 'extract' },
      { fileId: 'b', relativePath: 'b.pdf', stage: 'queued' },
    ]);
    const after = reduceDashboard(state, {
      type: 'event',
      now: 40,
      event: {
        type: 'file_finished',
        result: fileResult('a', 'ingested'),
        totals: totals({ processedFiles: 1 }),
      },
    });
    expect(after.inFlight.map((f) => f.fileId)).toEqual(['b']);
  });

  it('counts stages and outcomes from results, keeping only the latest errors', () => {
    const parsed = { ok: true } as FileResult['parse'];
    const events: [PipelineEvent, number][] = [[started, 0]];
    const results = [
      fileResult('m', 'ingested', {
        parse: parsed,
        match: { status: 'matched' } as FileResult['match'],
        stageMs: { embed: 1 },
      }),
      fileResult('n', 'ingested', { parse: parsed, match: { status: 'new_patient' } as FileResult['match'] }),
      fileResult('r', 'review_required', { parse: parsed }),
      fileResult('d', 'duplicate', { parse: parsed }),
      ...Array.from({ length: MAX_ERRORS + 2 }, (_, i) =>
        fileResult(`f${i}`, 'corrupt', { message: `broken ${i}` }),
      ),
    ];
    results.forEach((result, i) =>
      events.push([{ type: 'file_finished', result, totals: totals({ processedFiles: i + 1 }) }, i + 1]),
    );
    const state = run(events);
    expect(state.counts).toEqual({
      parsed: 4,
      matched: 1,
      newPatients: 1,
      review: 1,
      extracted: 3,
      embedded: 1,
      stored: 2,
      duplicates: 1,
      failed: MAX_ERRORS + 2,
    });
    expect(state.errors).toHaveLength(MAX_ERRORS);
    expect(state.errors.at(-1)).toEqual({
      relativePath: `f${MAX_ERRORS + 1}.pdf`,
      outcome: 'corrupt',
      label: 'corrupt PDF',
      message: `broken ${MAX_ERRORS + 1}`,
    });
  });

  it('takes back the counts of a file reported ingested that went back to review, and shows the totals after', () => {
    const parsed = { ok: true } as FileResult['parse'];
    const ingested = fileResult('a', 'ingested', {
      parse: parsed,
      match: { status: 'matched' } as FileResult['match'],
      stageMs: { embed: 1 },
    });
    const held = fileResult('a', 'review_required', {
      parse: parsed,
      match: { status: 'review_required' } as FileResult['match'],
      processingStatus: 'pending',
      message: 'taken back to review: …',
    });
    const copy = fileResult('b', 'duplicate_other_patient', {
      parse: parsed,
      message: 'identical content …',
    });
    const state = run([
      [started, 0],
      [
        {
          type: 'file_finished',
          result: ingested,
          totals: totals({ processedFiles: 1, matchedPatients: 1 }),
        },
        1,
      ],
      [
        {
          type: 'file_outcome_changed',
          previous: ingested,
          result: held,
          reported: true,
          totals: totals({ processedFiles: 1, reviewRequired: 1 }),
        },
        2,
      ],
      [
        {
          type: 'file_finished',
          result: copy,
          totals: totals({ processedFiles: 2, reviewRequired: 1, failedFiles: 1 }),
        },
        3,
      ],
    ]);
    expect(state.counts).toEqual({
      parsed: 2,
      matched: 0,
      newPatients: 0,
      review: 1,
      extracted: 1,
      embedded: 0,
      stored: 0,
      duplicates: 0,
      failed: 1,
    });
    expect(state.totals).toMatchObject({
      processedFiles: 2,
      reviewRequired: 1,
      failedFiles: 1,
      matchedPatients: 0,
    });
    // Settled by an earlier run of the session: this run's counts never had it; the totals follow.
    const earlier = run([
      [started, 0],
      [
        {
          type: 'file_outcome_changed',
          previous: ingested,
          result: held,
          reported: false,
          totals: totals({ reviewRequired: 1 }),
        },
        1,
      ],
    ]);
    expect(earlier.counts).toEqual(initialDashboardState().counts);
    expect(earlier.totals.reviewRequired).toBe(1);
  });

  it('computes throughput and ETA from the clock and the totals', () => {
    let state = run([[started, 1_000]]);
    expect(throughputOf(state).etaSeconds).toBeNull();
    state = reduceDashboard(state, {
      type: 'event',
      now: 3_000,
      event: {
        type: 'file_finished',
        result: fileResult('a', 'ingested'),
        totals: totals({ processedFiles: 4, pages: 8, deferred: 2 }),
      },
    });
    state = reduceDashboard(state, { type: 'tick', now: 5_000 });
    const tp = throughputOf(state);
    expect(tp.elapsedSeconds).toBe(4);
    expect(tp.filesPerSecond).toBe(1);
    expect(tp.pagesPerSecond).toBe(2);
    expect(tp.target).toBe(8);
    expect(tp.etaSeconds).toBe(4);
  });

  it('shows stopping after Ctrl-C and freezes at the end', () => {
    let state = reduceDashboard(run([[started, 0]]), { type: 'stopping' });
    expect(state.phase).toBe('stopping');
    state = reduceDashboard(state, {
      type: 'event',
      now: 9_000,
      event: {
        type: 'session_finished',
        sessionId: 's1',
        status: 'completed',
        totals: totals({ processedFiles: 10 }),
        seconds: 2.5,
      },
    });
    expect(state.phase).toBe('finished');
    expect(state.status).toBe('interrupted');
    expect(reduceDashboard(state, { type: 'tick', now: 99_000 })).toBe(state);
    expect(throughputOf(state)).toMatchObject({ elapsedSeconds: 2.5, etaSeconds: 0 });
  });
});
