// One suite over every extractor: they must agree on outcomes for the same files.
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPdfiumExtractor,
  createPdfParseExtractor,
  createPdftotextExtractor,
  isPdftotextAvailable,
  type ExtractionResult,
  type TextExtractor,
} from '../../../src/adapters/extraction/index.js';
import { createTempDir } from '../../support/databases.js';
import {
  FORM_RULES_LINE,
  makeInlineImageScan,
  makeSearchableScan,
  makeTypedFormScan,
  OTHER_PATIENT,
} from '../../support/scans.js';
import { SPANISH_LINE, writeSampleFiles, type SampleFiles } from './support/sample-files.js';

const pdftotext = await isPdftotextAvailable();
if (!pdftotext.available)
  console.warn('pdftotext (poppler-utils) is not installed: skipping its extractor tests');

const EXTRACTORS = [
  { name: 'pdf-parse', available: true, create: () => createPdfParseExtractor({ workers: 2 }) },
  { name: 'pdfium', available: true, create: () => createPdfiumExtractor({ workers: 2 }) },
  {
    name: 'pdftotext',
    available: pdftotext.available,
    create: () => createPdftotextExtractor({ concurrency: 2 }),
  },
];

function failureOf(result: ExtractionResult): { outcome: string; message: string } {
  if (result.ok) throw new Error(`expected a failure, got ${result.pages} page(s) of text`);
  return result;
}

/** A typed form filled in, in 10 pt with the rules left of what was typed: 1,400 letters over 36 lines. */
const FILLED_FORM = [
  'Nombre del paciente: GABRIELA HUERTA SOTO______',
  'Expediente: 3000768077____  Cama: 214-B___',
  'Servicio: Medicina Interna_____  Médico tratante: Dra. Laura Méndez Ruiz____',
];

let files: SampleFiles;
/** Pages that a page-sized picture and their text make a scan or not, read by every extractor below. */
let pages: {
  dir: string;
  /** A letter-size scan under a typed 6 pt form of 1,122 letters, and the same scan under a page of 10 pt text. */
  formScan: string;
  textOverImage: string;
  /** A scanned paper form under its typed labels and rules, and a typed form filled in over a picture. */
  rulesFormScan: string;
  filledFormOverImage: string;
  /** A scan under an invisible text layer of the whole page, or of a few lines. */
  searchableScan: string;
  thinSearchableScan: string;
  /** A page-sized picture drawn inline, under a scanner's stamp, or under a typed form of 1,122 letters. */
  inlineStamped: string;
  inlineTypedForm: string;
};
beforeAll(async () => {
  files = await writeSampleFiles();
  const dir = createTempDir('tecsalud-scanned-pages-');
  const write = (name: string, bytes: Uint8Array): string => {
    fs.writeFileSync(path.join(dir, name), bytes);
    return path.join(dir, name);
  };
  // Print on paper with a page-sized background picture (a form's artwork): text, not a scan.
  const overPicture = async (
    lines: readonly string[],
    leading: number,
    count: number,
  ): Promise<Uint8Array> => {
    const background = await PDFDocument.load(await makeTypedFormScan(OTHER_PATIENT, 0));
    const font = await background.embedFont(StandardFonts.Helvetica);
    for (let line = 0; line < count; line++)
      background
        .getPage(0)
        .drawText(lines[line % lines.length]!, { x: 48, y: 740 - leading * line, size: 10, font });
    return background.save();
  };
  pages = {
    dir,
    formScan: write('form-scan.pdf', await makeTypedFormScan(OTHER_PATIENT, 1122)),
    textOverImage: write('text-over-image.pdf', await overPicture([SPANISH_LINE.slice(0, 95)], 15, 45)),
    // 1,008 letters: with its rules counted, the form covered 10.3 % of the page to pdf.js, 9.0 % to pdftotext.
    rulesFormScan: write(
      'rules-form-scan.pdf',
      await makeTypedFormScan(OTHER_PATIENT, 1000, 21, FORM_RULES_LINE),
    ),
    filledFormOverImage: write('filled-form.pdf', await overPicture(FILLED_FORM, 19, 36)),
    searchableScan: write('searchable-scan.pdf', await makeSearchableScan('full')),
    thinSearchableScan: write('thin-searchable-scan.pdf', await makeSearchableScan('thin')),
    inlineStamped: write('inline-stamped.pdf', await makeInlineImageScan('stamp')),
    inlineTypedForm: write('inline-typed-form.pdf', await makeInlineImageScan('typed-form')),
  };
});
afterAll(async () => {
  await files?.remove();
  if (pages) fs.rmSync(pages.dir, { recursive: true, force: true });
});

for (const { name, available, create } of EXTRACTORS) {
  // pdftotext is optional for users; CI installs poppler-utils, so there a missing one fails.
  describe.skipIf(!available && !process.env.CI)(`${name} extractor`, { tags: ['slow'] }, () => {
    let extractor: TextExtractor;
    beforeAll(() => {
      extractor = create();
    });
    afterAll(async () => {
      await extractor?.close();
    });

    it('extracts every page of a text PDF, accents intact and without page markers', async () => {
      const result = await extractor.extract(files.text);
      if (!result.ok) throw new Error(result.message);
      expect(result.pages).toBe(3);
      expect(result.pageTexts).toHaveLength(3);
      expect(result.text.replace(/\s+/g, ' ')).toContain(SPANISH_LINE);
      expect(result.pageTexts?.[2]).toContain('Dra. Muñoz');
      expect(result.text).not.toMatch(/-- \d+ of \d+ --/);
    });

    it('reports a password-protected PDF as encrypted, with a message an administrator can act on', async () => {
      const failure = failureOf(await extractor.extract(files.encrypted));
      expect(failure.outcome).toBe('encrypted');
      expect(failure.message).toMatch(/password-protected.*ask the sender for an unprotected copy/);
    });

    it('reports a PDF with pictures and no text layer as image_only, with its page count', async () => {
      const result = await extractor.extract(files.imageOnly);
      expect(result).toMatchObject({ ok: false, outcome: 'image_only', pages: 2 });
      expect(failureOf(result).message).toMatch(/needs OCR/);
    });

    it('tells a page-sized picture under a stamp or a letterhead of text (a scan) from a short text beside a logo', async () => {
      // The stamp passes for a text layer: without this, --ocr auto never read the scan below it.
      const scan = await extractor.extract(files.stampedScan);
      if (!scan.ok) throw new Error(scan.message);
      expect(scan.pageTexts?.[0]).toContain('Escaneado por HP ScanJet');
      expect(scan.scannedPages).toEqual([1]);
      // A letterhead and footer of more than 200 letters passed for the page's text too: the note in the image
      // was never OCR'd, and the document stored with the letterhead alone.
      const letterhead = await extractor.extract(files.letterheadScan);
      if (!letterhead.ok) throw new Error(letterhead.message);
      expect(letterhead.pageTexts?.[0]).toContain('HOSPITAL SAN JOS');
      expect(letterhead.scannedPages).toEqual([1]);
      const logo = await extractor.extract(files.stampedLogo);
      expect(logo).toMatchObject({ ok: true, pages: 1 });
      expect(logo.ok && logo.scannedPages).toBeUndefined();
      const text = await extractor.extract(files.text);
      expect(text.ok && text.scannedPages).toBeUndefined();
    });

    it('tells a page-sized picture under a typed form of 1,000+ letters (a scan) from a page of text over one', async () => {
      // By its letters the form passed for the page's text: the note in the image was never OCR'd.
      const form = await extractor.extract(pages.formScan);
      if (!form.ok) throw new Error(form.message);
      expect(form.pageTexts?.[0]).toContain('Alergias: ninguna conocida');
      expect(form.scannedPages).toEqual([1]);
      const text = await extractor.extract(pages.textOverImage);
      expect(text).toMatchObject({ ok: true, pages: 1 });
      expect(text.ok && text.scannedPages).toBeUndefined();
    });

    it("takes a scanned paper form under its typed labels and rules for a scan, the rules' underscores aside", async () => {
      // Counted, the underscores passed the form for the page's text to pdf.js (10.3 % of the page) but not
      // to pdftotext (9.0 %): what was written on the paper went unread with one engine and not another.
      const form = await extractor.extract(pages.rulesFormScan);
      if (!form.ok) throw new Error(form.message);
      expect(form.pageTexts?.[0]).toContain('Nombre del paciente: ____');
      expect(form.scannedPages).toEqual([1]);
      // A typed form filled in over a page-sized picture (its artwork) is text, its rules aside or not.
      const filled = await extractor.extract(pages.filledFormOverImage);
      expect(filled).toMatchObject({ ok: true, pages: 1 });
      expect(filled.ok && filled.scannedPages).toBeUndefined();
    });

    it("reads a searchable scan's invisible text layer of a whole page, and takes a thin one for a scan", async () => {
      // A scanner's OCR or ocrmypdf: the page's print as invisible text over its image, OCR'd once already.
      const searchable = await extractor.extract(pages.searchableScan);
      if (!searchable.ok) throw new Error(searchable.message);
      expect(searchable.pageTexts?.[0]).toContain('Paciente: GABRIELA HUERTA SOTO');
      expect(searchable.scannedPages).toBeUndefined();
      // A layer of a few lines says little of the page: the page is OCR'd again.
      const thin = await extractor.extract(pages.thinSearchableScan);
      if (!thin.ok) throw new Error(thin.message);
      expect(thin.pageTexts?.[0]).toContain('Paciente: GABRIELA HUERTA SOTO');
      expect(thin.scannedPages).toEqual([1]);
    });

    it('sees a page-sized picture drawn inline, not as an image object, under a stamp or a typed form', async () => {
      // pdfimages lists such a picture with one cell, "[inline]", for two: pdftotext read past it.
      expect(await extractor.extract(pages.inlineStamped)).toMatchObject({ ok: true, scannedPages: [1] });
      // Under 1,000+ letters, pdftotext looked for images only in a file with an image object.
      expect(await extractor.extract(pages.inlineTypedForm)).toMatchObject({ ok: true, scannedPages: [1] });
    });

    it('tells a page-sized picture without any text among pages of text (a scan) from a blank page', async () => {
      // With OCR off, such a scan went unread: the file was attached on its text pages alone.
      const scan = await extractor.extract(files.textThenScan);
      expect(scan).toMatchObject({ ok: true, pages: 3, scannedPages: [2] });
      const blank = await extractor.extract(files.textThenBlank);
      expect(blank).toMatchObject({ ok: true, pages: 3 });
      expect(blank.ok && blank.scannedPages).toBeUndefined();
    });

    it('reports a garbled content stream as corrupt, not as a scan', async () => {
      expect(failureOf(await extractor.extract(files.corruptContent)).outcome).toBe('corrupt');
    });

    it('reports a truncated PDF and a file that is not a PDF as corrupt', async () => {
      expect(failureOf(await extractor.extract(files.truncated)).outcome).toBe('corrupt');
      const notPdf = failureOf(await extractor.extract(files.notPdf));
      expect(notPdf.outcome).toBe('corrupt');
      expect(notPdf.message).toMatch(/not a PDF/);
    });

    it('reports a missing file and a directory as unreadable', async () => {
      const missing = failureOf(await extractor.extract(files.missing));
      expect(missing.outcome).toBe('unreadable');
      expect(missing.message).toMatch(/ENOENT/);
      expect(failureOf(await extractor.extract(files.dir)).outcome).toBe('unreadable');
    });

    it('keeps working after broken files, extracting many files at once', async () => {
      const paths = [
        files.corruptContent,
        files.text,
        files.truncated,
        files.encrypted,
        files.text,
        files.imageOnly,
      ];
      const results = await Promise.all(paths.map((path) => extractor.extract(path)));
      expect(results.map((r) => (r.ok ? 'ok' : r.outcome))).toEqual([
        'corrupt',
        'ok',
        'corrupt',
        'encrypted',
        'ok',
        'image_only',
      ]);
    });

    it('rejects with the caller’s reason when aborted, and extracts the next file', async () => {
      const controller = new AbortController();
      controller.abort(new Error('batch cancelled'));
      await expect(extractor.extract(files.text, { signal: controller.signal })).rejects.toThrow(
        'batch cancelled',
      );
      expect((await extractor.extract(files.text)).ok).toBe(true);
    });
  });
}
