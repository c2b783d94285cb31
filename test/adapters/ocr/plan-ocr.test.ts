import { describe, expect, it } from 'vitest';
import type { ExtractionResult } from '../../../src/adapters/extraction/types.js';
import { hasUsableText, mergeOcrText, planOcr } from '../../../src/adapters/ocr/plan-ocr.js';

const BODY = 'Paciente: GABRIELA HUERTA SOTO  Expediente: 3000768077';
const mixed: ExtractionResult = { ok: true, text: `${BODY}\n\n`, pages: 3, pageTexts: [BODY, '', '  3  '] };
const scan: ExtractionResult = { ok: false, outcome: 'image_only', message: 'needs OCR', pages: 2 };

describe('planOcr', () => {
  it('auto: only the pages without a usable text layer', () => {
    expect(planOcr('auto', mixed)).toEqual({ pages: [2, 3], pageTexts: [BODY, '', '  3  '] });
  });

  it('auto: nothing for a full text layer', () => {
    expect(planOcr('auto', { ok: true, text: BODY, pages: 1, pageTexts: [BODY] })).toBeNull();
  });

  it('every page of a file without a text layer, in auto and force', () => {
    for (const mode of ['auto', 'force'] as const) {
      expect(planOcr(mode, scan)).toEqual({ pages: [1, 2], pageTexts: ['', ''] });
    }
  });

  it('force: every page, text layer or not', () => {
    expect(planOcr('force', mixed)?.pages).toEqual([1, 2, 3]);
  });

  it('off, and files that are not scans, are left as they are', () => {
    expect(planOcr('off', scan)).toBeNull();
    expect(planOcr('auto', { ok: false, outcome: 'encrypted', message: 'x', pages: 2 })).toBeNull();
    expect(planOcr('force', { ok: false, outcome: 'corrupt', message: 'x' })).toBeNull();
  });

  it('a page number or a date stamped as text is no text layer', () => {
    expect(hasUsableText('-- 1 of 3 --')).toBe(false);
    expect(hasUsableText('12/03/2024 p. 2')).toBe(false);
    expect(hasUsableText(BODY)).toBe(true);
  });
});

describe('mergeOcrText', () => {
  it("puts the OCR'd pages in place and reports the engine, the pages and the mean word confidence", () => {
    const plan = planOcr('auto', mixed)!;
    const merged = mergeOcrText(
      plan,
      [
        { page: 2, text: 'Diagnóstico: migraña', words: 2, confidenceSum: 180 },
        { page: 3, text: '', words: 0, confidenceSum: 0 },
      ],
      'tesseract',
    );
    expect(merged).toEqual({
      ok: true,
      text: `${BODY}\n\nDiagnóstico: migraña\n\n  3`,
      pages: 3,
      pageTexts: [BODY, 'Diagnóstico: migraña', '  3  '],
      ocr: { engine: 'tesseract', pages: [2, 3], meanConfidence: 0.9 },
    });
  });

  it('a scan on which OCR reads nothing still fails image_only, saying OCR was tried', () => {
    const merged = mergeOcrText(planOcr('auto', scan)!, [], 'tesseract.js');
    expect(merged).toMatchObject({ ok: false, outcome: 'image_only', pages: 2 });
    expect(!merged.ok && merged.message).toMatch(/OCR \(tesseract\.js\) found no readable text on its 2 pages/);
  });
});
