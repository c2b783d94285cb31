// PDFium's WebAssembly heap is outside Node's --max-old-space-size: its ceiling is enforced by refusing the
// heap's growth. A file that needs more fails as too_large_memory and the child goes on with a fresh engine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPdfiumExtractor, type ExtractionResult } from '../../../src/adapters/extraction/index.js';
import { makeManyTextObjectsPdf, makeTextPdf } from './support/make-pdfs.js';

let dir: string;
let manyObjects: string;
let small: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pdfium-memory-'));
  manyObjects = join(dir, 'many-objects.pdf');
  small = join(dir, 'small.pdf');
  // ~110 KB on disk; PDFium needs far more than 128 MB for its million text objects.
  await writeFile(manyObjects, makeManyTextObjectsPdf(1_000_000));
  await writeFile(small, await makeTextPdf({ pages: ['Alta médica.'] }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const outcomeOf = (result: ExtractionResult): string => (result.ok ? 'ok' : result.outcome);

it(
  'reports a file that outgrows the WebAssembly heap ceiling as too_large_memory, and the next file extracts',
  { tags: ['slow'] },
  async () => {
    const extractor = createPdfiumExtractor({ workers: 1, maxMemoryMb: 128 });
    try {
      const results = [];
      for (const path of [manyObjects, small, manyObjects, small])
        results.push(await extractor.extract(path));
      expect(results.map(outcomeOf)).toEqual(['too_large_memory', 'ok', 'too_large_memory', 'ok']);
      const [tooLarge, next] = results;
      if (tooLarge && !tooLarge.ok) expect(tooLarge.message).toMatch(/memory limit \(128 MB\)/);
      if (next?.ok) expect(next.text).toBe('Alta médica.');
    } finally {
      await extractor.close();
    }
  },
);
