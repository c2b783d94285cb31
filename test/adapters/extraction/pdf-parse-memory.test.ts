// The case that made extraction move from worker threads to child processes. This ~12 KB PDF makes pdf.js
// build one 8-million-character string; with a 128 MB per-thread heap limit the *whole* Node process
// aborted ("FATAL ERROR: Reached heap limit", nodejs/node#47224), so one file killed the batch, and did
// again on every re-run. In its own test file so that, were it to happen again, only this file fails.
// The child's own "FATAL ERROR" report appears on stderr while this runs: that is expected.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPdfParseExtractor, type ExtractionResult } from '../../../src/adapters/extraction/index.js';
import { makeClinicalPage, makeHugeStringPdf, makeTextPdf } from './support/make-pdfs.js';

let dir: string;
let hugeString: string;
let small: string;
let clinical: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'extraction-memory-'));
  hugeString = join(dir, 'huge-string.pdf');
  small = join(dir, 'small.pdf');
  clinical = join(dir, 'clinical.pdf');
  await writeFile(hugeString, makeHugeStringPdf(8_000_000));
  await writeFile(small, await makeTextPdf({ pages: ['Alta médica.'] }));
  await writeFile(clinical, await makeTextPdf({ pages: [1, 2, 3].map(makeClinicalPage) }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const outcomeOf = (result: ExtractionResult): string => (result.ok ? 'ok' : result.outcome);

it(
  'reports a file that exhausts a child’s heap as too_large_memory; this process survives and the next file extracts',
  { tags: ['slow'] },
  async () => {
    const extractor = createPdfParseExtractor({ workers: 1, maxMemoryMb: 128 });
    try {
      const result = await extractor.extract(hugeString);
      expect(result).toMatchObject({ ok: false, outcome: 'too_large_memory' });
      if (!result.ok) expect(result.message).toMatch(/memory limit \(128 MB\)/);
      const next = await extractor.extract(small);
      expect(next).toMatchObject({ ok: true, pages: 1 });
      if (next.ok) expect(next.text).toContain('Alta médica.');
    } finally {
      await extractor.close();
    }
  },
);

it(
  'goes on with the rest of a batch while children die of it, one file each',
  { tags: ['slow'] },
  async () => {
    const extractor = createPdfParseExtractor({ workers: 2, maxMemoryMb: 128 });
    try {
      const batch = [hugeString, clinical, small, hugeString, clinical, small];
      const results = await Promise.all(batch.map((path) => extractor.extract(path)));
      expect(results.map(outcomeOf)).toEqual([
        'too_large_memory',
        'ok',
        'ok',
        'too_large_memory',
        'ok',
        'ok',
      ]);
      expect(results[1]).toMatchObject({ ok: true, pages: 3 });
    } finally {
      await extractor.close();
    }
  },
);
