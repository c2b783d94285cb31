import { afterEach, describe, expect, it, vi } from 'vitest';
import { PassThrough } from 'node:stream';
import type { FileResult, SessionTotals } from '../../src/core/pipeline/events.js';
import {
  createPlainProgressListener,
  OCR_LINE_EVERY_MS,
} from '../../src/ui/progress/plain-progress-listener.js';
import { ES } from '../../src/ui/i18n/messages.js';

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

  describe("a long scan's OCR", () => {
    afterEach(() => vi.useRealTimers());

    it('says the page it is on at most every OCR_LINE_EVERY_MS, in the language asked; a short scan says nothing', () => {
      vi.useFakeTimers();
      for (const [messages, expected] of [
        [undefined, '  OCR of scan.pdf: page 3 of 30 …'],
        [ES, '  OCR de scan.pdf: página 3 de 30 …'],
      ] as const) {
        const stderr = new PassThrough();
        let text = '';
        stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const listener = createPlainProgressListener(stderr, messages);
        const page = (n: number) =>
          listener({
            type: 'file_stage',
            fileId: 'f',
            relativePath: 'scan.pdf',
            stage: 'extract',
            ocrPage: { page: n, pages: 30 },
          });
        page(1);
        vi.advanceTimersByTime(OCR_LINE_EVERY_MS / 2);
        page(2);
        expect(text).toBe('');
        vi.advanceTimersByTime(OCR_LINE_EVERY_MS / 2);
        page(3);
        page(4);
        expect(text).toBe(`${expected}\n`);
      }
    });
  });
});
