import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyPdfError } from '../../../src/adapters/extraction/classify-pdf-error.js';
import {
  classifyPdftotextFailure,
  reportsSyntaxErrors,
} from '../../../src/adapters/extraction/classify-pdftotext-exit.js';
import { describeChildExit } from '../../../src/adapters/extraction/describe-child-exit.js';
import { describeFailure } from '../../../src/adapters/extraction/describe-failure.js';
import { textCoverage } from '../../../src/adapters/extraction/pdf-js-scanned-pages.js';
import {
  drawsInlineImage,
  holdsImage,
  readImageAreas,
  readTextCoverages,
} from '../../../src/adapters/extraction/poppler-scanned-pages.js';
import {
  hasLettersAndDigits,
  hasPdfHeader,
  hasTextLayer,
  hasThinTextLayer,
  isScannedPage,
  joinPageTexts,
  shareWithoutRules,
} from '../../../src/adapters/extraction/text-layer.js';

function named(name: string, message: string, code?: string): Error {
  const error = Object.assign(new Error(message), code === undefined ? {} : { code });
  error.name = name;
  return error;
}

describe('hasTextLayer', () => {
  it('looks past pdf-parse page markers and whitespace', () => {
    expect(hasTextLayer(['\n\n-- 1 of 2 --\n\n', '  \t\n-- 2 of 2 --\n'])).toBe(false);
    expect(hasTextLayer([])).toBe(false);
    expect(hasTextLayer(['', ' Diagnóstico: gastritis\n-- 2 of 2 --'])).toBe(true);
  });

  it('keeps a page whose only text resembles a marker inside a sentence', () => {
    expect(hasTextLayer(['Ver nota -- 1 of 2 -- adjunta'])).toBe(true);
  });
});

describe('hasLettersAndDigits and hasThinTextLayer', () => {
  it('counts letters and digits of any script, accents included, and nothing else', () => {
    expect(hasLettersAndDigits('Núñez 12', 7)).toBe(true);
    expect(hasLettersAndDigits('Núñez 12', 8)).toBe(false);
    // × and ÷ sit among the accented Latin letters, and are none.
    expect(hasLettersAndDigits('ab × ÷ cd', 5)).toBe(false);
    expect(hasLettersAndDigits('αβγ δεζ', 6)).toBe(true);
    expect(hasLettersAndDigits('αβγ δεζ', 7)).toBe(false);
    expect(hasLettersAndDigits('-- / --\n', 1)).toBe(false);
  });

  it("calls a scanner's stamp and a letterhead thin, and neither an empty page nor a page of text", () => {
    expect(hasThinTextLayer('Escaneado por HP ScanJet 2026-11-03 10:22 p.1')).toBe(true);
    const letterhead =
      'HOSPITAL SAN JOSÉ TECSALUD · Av. Ignacio Morones Prieto 3000 Pte., Col. Los Doctores, Monterrey, N.L.\n' +
      'Servicio de Medicina Interna · Consulta Externa · Sistema de Expediente Clínico Electrónico\n'.repeat(
        2,
      ) +
      'Documento confidencial del expediente clínico · Impreso el 12/03/2024 10:22 · Página 1 de 3';
    expect(hasLettersAndDigits(letterhead, 200)).toBe(true);
    expect(hasThinTextLayer(letterhead)).toBe(true);
    expect(hasThinTextLayer('  \n-- 1 of 2 --\n')).toBe(false);
    // A third of a page of print: some 1,100 letters and digits.
    expect(hasThinTextLayer('Diagnóstico: cefalea tensional, sin datos de alarma. '.repeat(25))).toBe(false);
  });
});

describe('isScannedPage', () => {
  const form =
    'Campo: Servicio ____ Cama ____ Alergias ____ Tipo sanguíneo ____ Responsable ____ Tel. ____\n'.repeat(
      20,
    );

  it('takes a page-sized image under a typed form of 1,000+ letters for a scan, as under a letterhead', () => {
    expect(hasThinTextLayer(form)).toBe(false);
    // Measured with PDFium: a 6 pt form of 1,122 letters over a letter-size scan covers 4-5 % of the page.
    expect(isScannedPage(form, { images: 1, text: 0.05 })).toBe(true);
    expect(isScannedPage('Escaneado por HP ScanJet 2026-11-03 10:22 p.1', { images: 1, text: 0 })).toBe(true);
  });

  it('leaves a page of text over a background image, a searchable scan, and a page without a page-sized image', () => {
    // Real text covers 18-28 % of its page; a searchable scan's invisible OCR layer covers it as its print does.
    expect(isScannedPage(form, { images: 1, text: 0.18 })).toBe(false);
    expect(isScannedPage(form, { images: 0.3, text: 0.02 })).toBe(false);
    expect(isScannedPage('', { images: 0.3, text: 0 })).toBe(false);
  });
});

describe("pdf.js's textCoverage", () => {
  it("sums the text items' boxes as a share of the page, ignoring items without a size", () => {
    expect(textCoverage([{ width: 100, height: 10 }, { width: -50, height: 10 }, {}], [0, 0, 100, 200])).toBe(
      0.075,
    );
    expect(textCoverage([{ width: 100, height: 10 }], [0, 0, 0, 0])).toBe(0);
  });

  it("leaves out a form's rules, by their share of each item's characters", () => {
    const item = { str: 'Nombre: ________', width: 100, height: 10 };
    expect(textCoverage([item], [0, 0, 100, 200])).toBe(0.025);
  });
});

describe('shareWithoutRules', () => {
  it('takes out underscores, box-drawing characters and leaders of three or more dots, dashes or equals signs', () => {
    expect(shareWithoutRules('Cama: 214-B')).toBe(1);
    expect(shareWithoutRules('Nombre: ________')).toBe(0.5);
    expect(shareWithoutRules('____/____/________')).toBe(2 / 18);
    expect(shareWithoutRules('Total:........12')).toBe(0.5);
    expect(shareWithoutRules('┌──────┐')).toBe(0);
    expect(shareWithoutRules('')).toBe(1);
  });
});

describe("poppler's text coverage and image test", () => {
  it("sums each page's word boxes from pdftotext -bbox as a share of the page, numbering from the first page", () => {
    const html =
      '<doc><page width="100.000000" height="200.000000">' +
      '<word xMin="0" yMin="0" xMax="50.5" yMax="10">Servicio:</word><word xMin="60" yMin="0" xMax="80" yMax="10">O+</word>' +
      '</page><page width="100" height="100"></page></doc>';
    expect(readTextCoverages(html, 3)).toEqual(
      new Map([
        [3, 0.03525],
        [4, 0],
      ]),
    );
  });

  it("reads each page's image area from pdfimages -list, an inline image's row too", () => {
    const list = [
      'page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio',
      '--------------------------------------------------------------------------------------------',
      '   1     0 image    1700  2200  rgb     3   8  jpeg   no         4  0   200   200 1192K  11%',
      '   1     1 smask    1700  2200  gray    1   8  image  no         5  0   200   200   12K 0.3%',
      '   2     2 image      64    64  gray    1   8  image  no   [inline]       8     8    0B 0.0%',
    ].join('\n');
    expect(readImageAreas(list)).toEqual(
      new Map([
        [1, 612 * 792],
        [2, 576 * 576],
      ]),
    );
  });

  it("leaves out a form's rules, counting an entity as one character", () => {
    const html =
      '<page width="100" height="100"><word xMin="0" yMin="0" xMax="40" yMax="10">Nombre:</word>' +
      '<word xMin="50" yMin="0" xMax="90" yMax="10">________</word><word xMin="0" yMin="20" xMax="20" yMax="30">A&amp;__</word></page>';
    expect(readTextCoverages(html, 1)).toEqual(new Map([[1, 0.05]]));
  });

  it('finds an image XObject in the bytes as written, and none in a text PDF', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-image-xobject-'));
    try {
      const image = path.join(dir, 'image.pdf');
      fs.writeFileSync(
        image,
        `%PDF-1.7\n${'x'.repeat(2 ** 20 - 20)}<</Type/XObject/Subtype\n/Image/Width 9>>`,
      );
      expect(holdsImage(image)).toBe(true);
      const textPdf = path.join(
        import.meta.dirname,
        '../../../fixtures/sample/3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf',
      );
      expect(holdsImage(textPdf)).toBe(false);
      expect(holdsImage(path.join(dir, 'missing.pdf'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds an image drawn inline in page content, plain or deflated, and none in a font or in text', () => {
    const pdf = (...streams: [dictionary: string, data: Buffer | string][]): Buffer =>
      Buffer.concat([
        Buffer.from('%PDF-1.7\n'),
        ...streams.flatMap(([dictionary, data], index) => [
          Buffer.from(`${index + 1} 0 obj\n<<${dictionary}>>\nstream\r\n`, 'latin1'),
          Buffer.from(data),
          Buffer.from('\nendstream\nendobj\n'),
        ]),
      ]);
    const drawsInline = (bytes: Buffer) => drawsInlineImage(bytes, bytes.toString('latin1'));
    const inline = 'q 612 0 0 792 0 0 cm\nBI /W 2 /H 1 /BPC 8 /CS /G ID\n\xff\x00\nEI\nQ\n';
    const text = 'BT /F1 6 Tf 24 778 Td (Servicio: Medicina Interna. OBI /W) Tj ET\n';
    expect(drawsInline(pdf(['', text], ['', inline]))).toBe(true);
    expect(drawsInline(pdf(['/Filter /FlateDecode', deflateSync(text)]))).toBe(false);
    expect(
      drawsInline(
        pdf(['/Filter /FlateDecode', deflateSync(text)], ['/Filter [/FlateDecode]', deflateSync(inline)]),
      ),
    ).toBe(true);
    // A font program is no content, whatever its bytes; a filter other than Flate, or damage, leaves it to poppler.
    expect(drawsInline(pdf(['/Length1 90', inline]))).toBe(false);
    expect(drawsInline(pdf(['/Filter /ASCII85Decode', '<~~>']))).toBe(true);
    expect(drawsInline(pdf(['/Filter /FlateDecode', 'not deflate']))).toBe(true);
  });
});

describe('joinPageTexts and hasPdfHeader', () => {
  it('joins pages with one blank line', () => {
    expect(joinPageTexts(['uno\n', 'dos'])).toBe('uno\n\ndos');
  });

  it('accepts a header after some leading junk, within the first kilobyte', () => {
    expect(hasPdfHeader(Buffer.from('%PDF-1.7\n'))).toBe(true);
    expect(hasPdfHeader(Buffer.concat([Buffer.alloc(100, 0x20), Buffer.from('%PDF-1.4')]))).toBe(true);
    expect(hasPdfHeader(Buffer.concat([Buffer.alloc(1100, 0x20), Buffer.from('%PDF-1.4')]))).toBe(false);
    expect(hasPdfHeader(Buffer.from('PK\u0003\u0004 a zip'))).toBe(false);
  });
});

describe('classifyPdfError', () => {
  it('maps pdf-parse exceptions by name', () => {
    expect(classifyPdfError(named('PasswordException', 'No password given')).outcome).toBe('encrypted');
    expect(classifyPdfError(named('InvalidPDFException', 'Invalid PDF structure.')).outcome).toBe('corrupt');
    expect(classifyPdfError(named('UnknownErrorException', 'Bad encoding in flate stream')).outcome).toBe(
      'corrupt',
    );
    expect(classifyPdfError(named('FormatError', 'bad XRef entry')).outcome).toBe('corrupt');
  });

  it('maps file-system errors to unreadable and anything else to extraction_error', () => {
    expect(classifyPdfError(named('Error', 'no such file', 'ENOENT')).outcome).toBe('unreadable');
    expect(classifyPdfError(named('Error', 'permission denied', 'EACCES')).outcome).toBe('unreadable');
    expect(classifyPdfError(new TypeError('x is undefined'))).toEqual({
      outcome: 'extraction_error',
      detail: 'TypeError: x is undefined',
    });
    expect(classifyPdfError('a string').outcome).toBe('extraction_error');
  });
});

describe('classifyPdftotextFailure', () => {
  it('reads poppler exit codes and diagnostics', () => {
    const encrypted = { exitCode: 1, stderr: 'Command Line Error: Incorrect password\n' };
    expect(classifyPdftotextFailure(encrypted)).toEqual({
      outcome: 'encrypted',
      detail: 'Command Line Error: Incorrect password',
    });
    expect(
      classifyPdftotextFailure({ exitCode: 3, stderr: 'Permission Error: copying not allowed' }).outcome,
    ).toBe('encrypted');
    expect(classifyPdftotextFailure({ exitCode: 99, stderr: 'Command Line Error: bad option' }).outcome).toBe(
      'extraction_error',
    );
    const damaged = {
      exitCode: 1,
      stderr: "Syntax Warning: May not be a PDF file\nSyntax Error: Couldn't find trailer dictionary\n",
    };
    expect(classifyPdftotextFailure(damaged)).toEqual({
      outcome: 'corrupt',
      detail: "Syntax Error: Couldn't find trailer dictionary",
    });
    expect(classifyPdftotextFailure({ exitCode: null, stderr: '' }).detail).toMatch(/exited with code null/);
  });

  it('tells syntax errors apart from warnings', () => {
    expect(reportsSyntaxErrors("Syntax Error (420): Illegal character '>'")).toBe(true);
    expect(reportsSyntaxErrors('Syntax Warning: Invalid Font Weight')).toBe(false);
  });
});

describe('describeFailure', () => {
  it('writes one actionable sentence per outcome, with the limit and the detail when known', () => {
    expect(describeFailure('encrypted').message).toBe(
      'the PDF is password-protected (encrypted); ask the sender for an unprotected copy',
    );
    expect(describeFailure('timeout', { timeoutMs: 60_000 }).message).toMatch(/time limit \(60 s\)/);
    expect(describeFailure('timeout', { timeoutMs: 250 }).message).toMatch(/time limit \(250 ms\)/);
    expect(describeFailure('too_large_memory', { maxMemoryMb: 512 }).message).toMatch(
      /memory limit \(512 MB\)/,
    );
    expect(describeFailure('corrupt', { detail: 'Invalid PDF structure.', pages: 2 })).toEqual({
      ok: false,
      outcome: 'corrupt',
      message:
        'the PDF is damaged or is not a valid PDF, so its text cannot be read; ask the sender for a new copy (Invalid PDF structure.)',
      pages: 2,
    });
  });
});

describe('describeChildExit', () => {
  it('reads an abort (how Node answers an exhausted heap) as too_large_memory, naming the ceiling', () => {
    const failure = describeChildExit({ code: null, signal: 'SIGABRT' }, 256);
    expect(failure).toMatchObject({ ok: false, outcome: 'too_large_memory' });
    expect(failure.message).toMatch(/memory limit \(256 MB\)/);
    expect(describeChildExit({ code: 134, signal: null }, 256).outcome).toBe('too_large_memory');
  });

  it('reads any other death as an extractor fault, saying how the process ended', () => {
    expect(describeChildExit({ code: null, signal: 'SIGSEGV' }, 256)).toMatchObject({
      outcome: 'extraction_error',
      message: expect.stringMatching(/stopped by SIGSEGV\)$/),
    });
    expect(describeChildExit({ code: 1, signal: null }, 256).message).toMatch(/exited with code 1\)$/);
    expect(describeChildExit(undefined, 256).message).toMatch(/exited unexpectedly\)$/);
  });
});
