import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { FileResult, SessionTotals } from '../../src/core/pipeline/events.js';
import { createPlainProgressListener } from '../../src/ui/progress/plain-progress-listener.js';

const totals = (processedFiles: number): SessionTotals => ({
  totalFiles: 3,
  processedFiles,
  failedFiles: 0,
  createdPatients: 0,
  matchedPatients: processedFiles,
  reviewRequired: 0,
  duplicates: 0,
  deferred: 0,
  notMoved: 0,
  pages: processedFiles,
  chunks: processedFiles,
});

const ingested = (relativePath: string) =>
  ({ relativePath, outcome: 'ingested', message: null }) as unknown as FileResult;

describe('the plain progress lines (cron mail)', () => {
  it('print the final counts once when a write group reports its files with the totals already whole', () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const listener = createPlainProgressListener(stderr);
    listener({ type: 'session_started', totalFiles: 3, sourceDir: '/drop' } as never);
    // The group committer records three files at once; their file_finished events all carry 3/3.
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf'])
      listener({ type: 'file_finished', result: ingested(name), totals: totals(3) });
    expect(text.match(/3\/3 files/g)).toHaveLength(1);
  });
});
