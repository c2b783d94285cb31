import { describe, expect, it } from 'vitest';
import type { OpenDocument, PageRotation } from '../../../src/adapters/ocr/page-recogniser.js';
import { readPageUpright } from '../../../src/adapters/ocr/read-page-upright.js';

/** A TSV of one line whose words were all read with `confidence`. */
function tsv(confidence: number, words: readonly string[]): string {
  return words
    .map((text, i) => [5, 1, 1, 1, 1, i + 1, 10, 10, 50, 20, confidence, text].join('\t'))
    .join('\n');
}

type Reading = `${PageRotation}` | `${PageRotation} lifted`;

/**
 * A document whose one page reads as `readings` says for each turn, as scanned or with its ink lifted
 * (by default as scanned: the ink of a page printed black is black either way), recording what was asked.
 * `faint`: the page's print measures faint (isFaintPrint).
 */
function documentReading(readings: Partial<Record<Reading, string>>, faint = false) {
  const asked: Reading[] = [];
  const document: OpenDocument = {
    recognise: (_page, rotation = 0, liftInk = false) => {
      const reading: Reading = liftInk ? `${rotation} lifted` : `${rotation}`;
      asked.push(reading);
      return Promise.resolve(readings[reading] ?? readings[`${rotation}`] ?? '');
    },
    printIsFaint: () => Promise.resolve(faint),
    close: () => Promise.resolve(),
  };
  return { document, asked };
}

describe('readPageUpright', () => {
  it('keeps a page read confidently as it lies, and tries no turn', async () => {
    const words = Array.from({ length: 24 }, (_, i) => `palabra${i}`);
    const { document, asked } = documentReading({ 0: tsv(91, words) });
    expect((await readPageUpright(document, 1)).text).toBe(words.join(' '));
    expect(asked).toEqual(['0']);
  });

  it('keeps a short page read confidently when its lifted reading reads no more', async () => {
    const { document, asked } = documentReading({ 0: tsv(91, ['Paciente:', 'CESAR']) });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR');
    expect(asked).toEqual(['0', '0 lifted']);
  });

  it('reads a faint page lifted when as scanned it reads its bold header alone, however confidently', async () => {
    // Print at 88 % grey: the header read at 95 %, the body taken for paper.
    const body = Array.from({ length: 40 }, (_, i) => `palabra${i}`);
    const { document, asked } = documentReading({
      0: tsv(95, ['RECETA', 'MÉDICA']),
      '0 lifted': tsv(80, ['RECETA', 'MÉDICA', ...body]),
    });
    expect(await readPageUpright(document, 1)).toMatchObject({ words: 42 });
    expect(asked).toEqual(['0', '0 lifted']);
  });

  it('reads a page fed upside down turned 180°, and stops there', async () => {
    const { document, asked } = documentReading({
      0: tsv(38, ['SVSƎƆ', 'ɐɹɐ']),
      180: tsv(93, ['Paciente:', 'CESAR']),
    });
    expect(await readPageUpright(document, 2)).toMatchObject({ page: 2, text: 'Paciente: CESAR', words: 2 });
    expect(asked).toEqual(['0', '0 lifted', '180']);
  });

  it('takes the most confident turn of a sideways page', async () => {
    const { document, asked } = documentReading({
      0: tsv(30, ['llll', 'llll']),
      180: tsv(35, ['llll']),
      90: tsv(70, ['Paciente:', 'CESAR']),
      270: tsv(76, ['Paciente:', 'CESAR', 'RIOS']),
    });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR RIOS');
    expect(asked).toEqual(['0', '0 lifted', '180', '90', '270']);
  });

  it('keeps the reading as it lies when no turn is clearly more confident (a poor scan, not a turned one)', async () => {
    const { document } = documentReading({
      0: tsv(50, ['Paciente:', 'CESAR']),
      180: tsv(58, ['Sǝɔ']),
      90: '',
      270: tsv(20, ['ll']),
    });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR');
  });

  it('reads a faint page, which reads as nothing as scanned, with its ink lifted, and tries no turn', async () => {
    const { document, asked } = documentReading({ 0: '', '0 lifted': tsv(88, ['Paciente:', 'GABRIELA']) });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: GABRIELA');
    expect(asked).toEqual(['0', '0 lifted']);
  });

  it('reads the turns of a faint page fed upside down with its ink lifted', async () => {
    const { document, asked } = documentReading({
      0: '',
      '0 lifted': tsv(36, ['SVSƎƆ']),
      '180 lifted': tsv(90, ['Paciente:', 'GABRIELA']),
    });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: GABRIELA');
    expect(asked).toEqual(['0', '0 lifted', '180 lifted']);
  });

  it("reads a blank page as blank: no word of the paper's grain taken for letters, and no turn tried", async () => {
    const { document, asked } = documentReading({ 0: tsv(41, ['l1', 'Il']), '0 lifted': '' });
    expect(await readPageUpright(document, 1)).toMatchObject({ text: '', words: 0 });
    expect(asked).toEqual(['0', '0 lifted']);
  });

  it('turns a page of print read as many garbage words without reading it lifted: its ink is black already', async () => {
    const garbage = Array.from({ length: 25 }, () => 'ɐɹɐ');
    const { document, asked } = documentReading({
      0: tsv(40, garbage),
      180: tsv(92, ['Paciente:', 'CESAR']),
    });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR');
    expect(asked).toEqual(['0', '180']);
  });

  it('reads a page whose print measures faint lifted from the start, never as scanned', async () => {
    // As scanned, tesseract.js took the grain of print at 88 % grey for letters: 60-190 s to read garbage.
    const body = Array.from({ length: 30 }, (_, i) => `palabra${i}`);
    const { document, asked } = documentReading(
      { 0: tsv(46, ['EUA', 'PESATI', 'xr']), '0 lifted': tsv(81, ['RECETA', 'MÉDICA', ...body]) },
      true,
    );
    expect(await readPageUpright(document, 1)).toMatchObject({ words: 32 });
    expect(asked).toEqual(['0 lifted']);
  });

  it('reads the turns of a page of faint print lifted when its lifted reading is unsure', async () => {
    const { document, asked } = documentReading(
      { '0 lifted': tsv(36, ['SVSƎƆ']), '180 lifted': tsv(90, ['Paciente:', 'GABRIELA']) },
      true,
    );
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: GABRIELA');
    expect(asked).toEqual(['0 lifted', '180 lifted']);
  });
});
