import { describe, expect, it } from 'vitest';
import { readTesseractTsv } from '../../../src/adapters/ocr/tesseract-tsv.js';

const HEADER =
  'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

/** A TSV word row: block, paragraph, line, word, confidence, text. */
function word(block: number, par: number, line: number, n: number, conf: number, text: string): string {
  return [5, 1, block, par, line, n, 10, 10, 50, 20, conf, text].join('\t');
}

describe('readTesseractTsv', () => {
  it('joins words by spaces, lines by newlines and blocks by a blank line, and sums the confidences', () => {
    const tsv = [
      HEADER,
      [1, 1, 0, 0, 0, 0, 0, 0, 1700, 2200, -1, ''].join('\t'),
      [2, 1, 1, 0, 0, 0, 150, 124, 1390, 80, -1, ''].join('\t'),
      word(1, 1, 1, 1, 92, 'TECSALUD'),
      word(1, 1, 1, 2, 90, 'NOTA'),
      word(1, 1, 2, 1, 95, 'Expediente:'),
      word(1, 1, 2, 2, 97, '3000768077'),
      word(2, 1, 1, 1, 80, 'Diagnóstico'),
    ].join('\n');
    expect(readTesseractTsv(tsv, 3)).toEqual({
      page: 3,
      text: 'TECSALUD NOTA\nExpediente: 3000768077\n\nDiagnóstico',
      words: 5,
      confidenceSum: 92 + 90 + 95 + 97 + 80,
    });
  });

  it('drops the short, doubtful "words" specks make, and keeps short words read with confidence', () => {
    const tsv = [
      word(1, 1, 1, 1, 3.4, '—'),
      word(1, 1, 1, 2, 91, 'a'),
      word(1, 1, 1, 3, 22, 'oe'),
      word(1, 1, 1, 4, 35, 'pulsátil'),
      word(1, 1, 1, 5, 88, '10'),
    ].join('\n');
    const page = readTesseractTsv(tsv, 1);
    expect(page.text).toBe('a pulsátil 10');
    expect(page.words).toBe(3);
  });

  it('reads nothing from an empty page', () => {
    expect(
      readTesseractTsv(`${HEADER}\n${[1, 1, 0, 0, 0, 0, 0, 0, 10, 10, -1, ''].join('\t')}\n`, 1),
    ).toEqual({
      page: 1,
      text: '',
      words: 0,
      confidenceSum: 0,
    });
  });
});
