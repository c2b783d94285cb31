import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/core/pipeline/events.js';
import { SessionTally } from '../../src/ingest/session-tally.js';

const result = (outcome: FileResult['outcome'], extra: Partial<FileResult> = {}): FileResult => ({
  fileId: outcome,
  relativePath: `${outcome}.pdf`,
  filename: `${outcome}.pdf`,
  outcome,
  processingStatus: 'completed',
  message: null,
  parse: null,
  match: null,
  pages: null,
  chunks: null,
  documentId: null,
  contentSha256: null,
  stageMs: {},
  ...extra,
});

describe('the session tally', () => {
  it('counts each file from what it returned: outcome, patient, pages and chunks of ingested files', () => {
    const tally = new SessionTally(6);
    tally.defer(1);
    tally.record({
      result: result('ingested', { pages: 3, chunks: 4, stageMs: { extract: 1500 } }),
      patient: 'created',
    });
    tally.record({
      result: result('ingested', { pages: 2, chunks: 1, stageMs: { extract: 500 } }),
      patient: 'matched',
    });
    tally.record({ result: result('duplicate'), patient: null });
    tally.record({ result: result('review_required', { pages: 9 }), patient: null });
    tally.record({ result: result('corrupt'), patient: null });
    expect(tally.snapshot()).toEqual({
      totalFiles: 6,
      processedFiles: 5,
      failedFiles: 1,
      createdPatients: 1,
      matchedPatients: 1,
      reviewRequired: 1,
      duplicates: 1,
      deferred: 1,
      notMoved: 0,
      pages: 5,
      chunks: 5,
    });
    expect(tally.stageSeconds).toEqual({ extract: 2 });
    expect(tally.status(false)).toBe('partially_failed');
    expect(tally.status(true)).toBe('failed');
  });

  it('replaces the contribution of a file whose outcome changed since it was counted', () => {
    const tally = new SessionTally(2);
    const ingested = { result: result('ingested', { pages: 3, chunks: 4 }), patient: 'matched' } as const;
    tally.record(ingested);
    tally.replace(ingested, { result: result('review_required', { pages: 3 }), patient: null });
    expect(tally.snapshot()).toMatchObject({
      processedFiles: 1,
      reviewRequired: 1,
      matchedPatients: 0,
      pages: 0,
      chunks: 0,
    });
    // A patient the file created stays created (the registry keeps it), whatever its file's end.
    const created = { result: result('ingested', { pages: 1, chunks: 1 }), patient: 'created' } as const;
    tally.record(created);
    tally.replace(created, { result: result('review_required'), patient: 'created' });
    expect(tally.snapshot()).toMatchObject({
      processedFiles: 2,
      reviewRequired: 2,
      createdPatients: 1,
      pages: 0,
    });
  });

  it('calls a session failed when every file it attempted failed, completed when none did', () => {
    const failed = new SessionTally(2);
    failed.defer(1);
    failed.record({ result: result('encrypted'), patient: null });
    expect(failed.status(false)).toBe('failed');
    const clean = new SessionTally(1);
    clean.record({ result: result('ingested'), patient: 'matched' });
    expect(clean.status(false)).toBe('completed');
    expect(clean.counts()).toMatchObject({ processedFiles: 1, matchedPatients: 1 });
  });
});
