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
    tally.record({ result: result('ingested', { pages: 3, chunks: 4, stageMs: { extract: 1500 } }), patient: 'created' });
    tally.record({ result: result('ingested', { pages: 2, chunks: 1, stageMs: { extract: 500 } }), patient: 'matched' });
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
