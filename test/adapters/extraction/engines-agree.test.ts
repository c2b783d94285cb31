// PDFium must be a drop-in for pdf-parse: the same text (accents, line order, page breaks) on the generated
// clinical PDFs, and the same outcome on every problem PDF, committed or made by the tests' helpers.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPdfiumExtractor,
  createPdfParseExtractor,
  type ExtractionResult,
  type TextExtractor,
} from '../../../src/adapters/extraction/index.js';
import { writeSampleFiles, type SampleFiles } from './support/sample-files.js';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures');
const pdfsIn = (dir: string): string[] =>
  readdirSync(join(FIXTURES, dir))
    .filter((name) => name.endsWith('.pdf'))
    .sort()
    .map((name) => join(FIXTURES, dir, name));

let files: SampleFiles;
let pdfParse: TextExtractor;
let pdfium: TextExtractor;
beforeAll(async () => {
  files = await writeSampleFiles();
  pdfParse = createPdfParseExtractor({ workers: 1 });
  pdfium = createPdfiumExtractor({ workers: 1 });
});
afterAll(async () => {
  await Promise.all([pdfParse?.close(), pdfium?.close()]);
  await files?.remove();
});

const summary = (result: ExtractionResult) =>
  result.ok ? { ok: true, pages: result.pages } : { ok: false, outcome: result.outcome, pages: result.pages };

async function both(path: string): Promise<[ExtractionResult, ExtractionResult]> {
  return Promise.all([pdfParse.extract(path), pdfium.extract(path)]);
}

describe('PDFium against pdf-parse', { tags: ['slow'] }, () => {
  it('reads the same text from every generated clinical PDF in fixtures/sample', async () => {
    const sample = pdfsIn('sample');
    let compared = 0;
    for (const path of sample) {
      const [expected, actual] = await both(path);
      expect(summary(actual), path).toEqual(summary(expected));
      if (!expected.ok || !actual.ok) continue;
      expect(actual.text, path).toBe(expected.text);
      expect(actual.pageTexts, path).toEqual(expected.pageTexts?.map((page) => page.trimEnd()));
      compared++;
    }
    // Every readable PDF (accents and Ñ included); the empty and the broken one must fail alike (above).
    expect(compared).toBe(sample.length - 2);
  });

  it('gives the same outcome on every problem PDF', async () => {
    const problems = [
      ...pdfsIn('problem-pdfs'),
      files.encrypted,
      files.imageOnly,
      files.corruptContent,
      files.badFlate,
      files.truncated,
      files.notPdf,
      files.missing,
      files.dir,
    ];
    for (const path of problems) {
      const [expected, actual] = await both(path);
      expect(expected.ok, path).toBe(false);
      // Page counts may differ: pdf.js gives none when it fails at once, PDFium counts the pages it opened.
      expect(summary(actual).outcome, path).toBe(summary(expected).outcome);
    }
  });
});
