// In a file of its own: Node enforces a worker's heap ceiling on a best-effort basis, and should it ever
// abort the process instead, only this file fails, loudly.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPdfParseExtractor } from '../../../src/adapters/extraction/index.js';
import { makeHugeStringPdf, makeTextPdf } from './support/make-pdfs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'extraction-memory-'));
  await writeFile(join(dir, 'huge-string.pdf'), makeHugeStringPdf(8_000_000)); // ~12 KB on disk
  await writeFile(join(dir, 'small.pdf'), await makeTextPdf({ pages: ['Alta médica.'] }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('reports a file that exhausts the worker heap as too_large_memory, and the pool goes on', async () => {
  const extractor = createPdfParseExtractor({ workers: 1, maxMemoryMb: 64 });
  try {
    const result = await extractor.extract(join(dir, 'huge-string.pdf'));
    expect(result).toMatchObject({ ok: false, outcome: 'too_large_memory' });
    if (!result.ok) expect(result.message).toMatch(/memory limit \(64 MB\)/);
    const next = await extractor.extract(join(dir, 'small.pdf'));
    expect(next).toMatchObject({ ok: true, pages: 1 });
    if (next.ok) expect(next.text).toContain('Alta médica.');
  } finally {
    await extractor.close();
  }
});
