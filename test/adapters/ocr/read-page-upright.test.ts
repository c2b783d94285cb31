import { describe, expect, it } from 'vitest';
import type { OpenDocument, PageRotation } from '../../../src/adapters/ocr/page-recogniser.js';
import { readPageUpright } from '../../../src/adapters/ocr/read-page-upright.js';

/** A TSV of one line whose words were all read with `confidence`. */
function tsv(confidence: number, words: readonly string[]): string {
  return words
    .map((text, i) => [5, 1, 1, 1, 1, i + 1, 10, 10, 50, 20, confidence, text].join('\t'))
    .join('\n');
}

/** A document whose one page reads as `readings` says for each turn, recording the turns asked for. */
function documentReading(readings: Partial<Record<PageRotation, string>>) {
  const asked: PageRotation[] = [];
  const document: OpenDocument = {
    recognise: (_page, rotation = 0) => {
      asked.push(rotation);
      return Promise.resolve(readings[rotation] ?? '');
    },
    close: () => Promise.resolve(),
  };
  return { document, asked };
}

describe('readPageUpright', () => {
  it('keeps a page read confidently as it lies, and tries no turn', async () => {
    const { document, asked } = documentReading({ 0: tsv(91, ['Paciente:', 'CESAR']) });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR');
    expect(asked).toEqual([0]);
  });

  it('reads a page fed upside down turned 180°, and stops there', async () => {
    const { document, asked } = documentReading({
      0: tsv(38, ['SVSƎƆ', 'ɐɹɐ']),
      180: tsv(93, ['Paciente:', 'CESAR']),
    });
    expect(await readPageUpright(document, 2)).toMatchObject({ page: 2, text: 'Paciente: CESAR', words: 2 });
    expect(asked).toEqual([0, 180]);
  });

  it('takes the most confident turn of a sideways page', async () => {
    const { document, asked } = documentReading({
      0: tsv(30, ['llll', 'llll']),
      180: tsv(35, ['llll']),
      90: tsv(70, ['Paciente:', 'CESAR']),
      270: tsv(76, ['Paciente:', 'CESAR', 'RIOS']),
    });
    expect((await readPageUpright(document, 1)).text).toBe('Paciente: CESAR RIOS');
    expect(asked).toEqual([0, 180, 90, 270]);
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
});
