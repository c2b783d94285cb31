import { describe, expect, it } from 'vitest';
import type { ExtractionResult } from '../../../src/adapters/extraction/types.js';
import {
  hasUsableText,
  mergeOcrText,
  planOcr,
  unreadScansWithoutOcr,
} from '../../../src/adapters/ocr/plan-ocr.js';
import { ocrFileLimitMs } from '../../../src/adapters/ocr/types.js';

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

  it('auto: a page the extractor found scanned under a stamp of text, though the stamp is usable text', () => {
    const stamp = 'Escaneado por HP ScanJet 2026-11-03 10:22 p.1';
    expect(hasUsableText(stamp)).toBe(true);
    const stamped: ExtractionResult = {
      ok: true,
      text: '',
      pages: 2,
      pageTexts: [BODY, stamp],
      scannedPages: [2],
    };
    expect(planOcr('auto', stamped)).toEqual({ pages: [2], pageTexts: [BODY, stamp], scannedPages: [2] });
    expect(planOcr('off', stamped)).toBeNull();
  });

  it('a page number or a date stamped as text is no text layer', () => {
    expect(hasUsableText('-- 1 of 3 --')).toBe(false);
    expect(hasUsableText('12/03/2024 p. 2')).toBe(false);
    expect(hasUsableText(BODY)).toBe(true);
  });
});

describe('unreadScansWithoutOcr', () => {
  const stamp = 'Escaneado por HP ScanJet 2026-11-03 10:22 p.1';

  it('fails image_only a file whose every page is a scan under a stamp, or has no usable text', () => {
    const stamped: ExtractionResult = {
      ok: true,
      text: '',
      pages: 2,
      pageTexts: [stamp, '  2  '],
      scannedPages: [1],
    };
    expect(unreadScansWithoutOcr(stamped)).toMatchObject({ ok: false, outcome: 'image_only', pages: 2 });
  });

  it('fails image_only a file with pages of text and scanned pages, naming how many and which', () => {
    // Attached on its text pages alone, the patient a scanned page names would never be checked.
    const mixedStamped: ExtractionResult = {
      ok: true,
      text: '',
      pages: 2,
      pageTexts: [BODY, stamp],
      scannedPages: [2],
    };
    expect(unreadScansWithoutOcr(mixedStamped)).toEqual({
      ok: false,
      outcome: 'image_only',
      pages: 2,
      message:
        "1 of the PDF's 2 pages is a scan (page 2), not read with OCR off; it needs OCR before it can be ingested " +
        '(--ocr auto), or the patient the scan names goes unchecked',
    });
    const pageTexts = [BODY, '', '', '', BODY, '', BODY, ''];
    expect(
      unreadScansWithoutOcr({ ok: true, text: BODY, pages: 8, pageTexts, scannedPages: [2, 3, 4, 6, 8] })
        ?.message,
    ).toMatch(
      /^5 of the PDF's 8 pages are scans \(pages 2-4, 6, 8\), not read with OCR off; .* the scans name goes/,
    );
    expect(
      unreadScansWithoutOcr({
        ok: true,
        text: BODY,
        pages: 3,
        pageTexts: [BODY, '', ''],
        scannedPages: [2, 3],
      })?.message,
    ).toMatch(/^2 of the PDF's 3 pages are scans \(pages 2, 3\)/);
  });

  it('leaves a file with no scans (a blank page is none), and one whose scans are not known', () => {
    expect(
      unreadScansWithoutOcr({ ok: true, text: BODY, pages: 2, pageTexts: [BODY, ''], scannedPages: [] }),
    ).toBeNull();
    expect(
      unreadScansWithoutOcr({ ok: true, text: stamp, pages: 1, pageTexts: [stamp], scannedPages: [] }),
    ).toBeNull();
    expect(unreadScansWithoutOcr({ ok: true, text: stamp, pages: 1, pageTexts: [stamp] })).toBeNull();
    expect(unreadScansWithoutOcr(scan)).toBeNull();
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

  it("keeps a thin text layer after the page's OCR text, unless the OCR read it too; a full layer is replaced", () => {
    const stamp = 'Escaneado por HP ScanJet\n2026-11-03 10:22 p.1';
    const fullPage = `${BODY}\n${'Diagnóstico: cefalea tensional. Plan: analgésico y control en dos semanas. '.repeat(20)}`;
    const plan = { pages: [1, 2, 3], pageTexts: [stamp, stamp, fullPage] };
    const merged = mergeOcrText(
      plan,
      [
        { page: 1, text: 'Paciente: CESAR RIOS CORONADO', words: 4, confidenceSum: 360 },
        {
          page: 2,
          text: 'Nota\nEscaneado por HP  ScanJet 2026-11-03 10:22 p.1',
          words: 8,
          confidenceSum: 720,
        },
        { page: 3, text: 'Paciente: GABRIELA HUERTA SOTO', words: 4, confidenceSum: 360 },
      ],
      'tesseract',
    );
    expect(merged.ok && merged.pageTexts).toEqual([
      'Paciente: CESAR RIOS CORONADO\n\nEscaneado por HP ScanJet 2026-11-03 10:22 p.1',
      'Nota\nEscaneado por HP  ScanJet 2026-11-03 10:22 p.1',
      'Paciente: GABRIELA HUERTA SOTO',
    ]);
  });

  it("keeps a scanned page's layer of any length (a typed form) after its OCR text", () => {
    const form = 'Campo: Servicio ____ Cama ____ Alergias ____ Tipo sanguíneo ____ Responsable ____\n'.repeat(
      20,
    );
    const formScan: ExtractionResult = {
      ok: true,
      text: form,
      pages: 1,
      pageTexts: [form],
      scannedPages: [1],
    };
    const merged = mergeOcrText(
      planOcr('auto', formScan)!,
      [{ page: 1, text: 'Paciente: CESAR RIOS CORONADO', words: 4, confidenceSum: 360 }],
      'tesseract',
    );
    const layer = form.replace(/\s+/g, ' ').trim();
    expect(merged.ok && merged.pageTexts).toEqual([`Paciente: CESAR RIOS CORONADO\n\n${layer}`]);
  });

  it('a scan on which OCR reads nothing still fails image_only, saying OCR was tried', () => {
    const merged = mergeOcrText(planOcr('auto', scan)!, [], 'tesseract.js');
    expect(merged).toMatchObject({ ok: false, outcome: 'image_only', pages: 2 });
    expect(!merged.ok && merged.message).toMatch(
      /OCR \(tesseract\.js\) found no readable text on its 2 pages/,
    );
  });
});

describe('ocrFileLimitMs', () => {
  it('is the configured limit for a short scan, and 20 s for each page read for a long one', () => {
    expect(ocrFileLimitMs(600_000, 3)).toBe(600_000);
    expect(ocrFileLimitMs(600_000, 55)).toBe(1_100_000);
    expect(ocrFileLimitMs(1_000, 3)).toBe(60_000);
  });

  it('grows no further than a cap (a worker: its --job-timeout less a minute), never below the configured limit', () => {
    // 55 pages at 20 s would be 1,100 s: a worker's job of 900 s would be run again by another worker meanwhile.
    expect(ocrFileLimitMs(600_000, 55, 840_000)).toBe(840_000);
    expect(ocrFileLimitMs(600_000, 30, 840_000)).toBe(600_000);
    expect(ocrFileLimitMs(600_000, 3, 0)).toBe(600_000);
  });
});
