import { describe, expect, it } from 'vitest';

import { foldChar, IGNORED } from '../../../src/adapters/embedders/fold-char.js';

const fold = (s: string): string =>
  Array.from({ length: s.length }, (_, i) => foldChar(s.charCodeAt(i)))
    .map((c) => (c === 0 ? '|' : c === IGNORED ? '' : String.fromCharCode(c)))
    .join('');

describe('foldChar', () => {
  it('lower-cases and strips accents from Spanish letters', () => {
    expect(fold('ÁÉÍÓÚÜÑáéíóúüñ')).toBe('aeiouunaeiouun');
  });

  it('keeps digits and letters of other scripts, separates on punctuation and spaces', () => {
    expect(fold('A1 b-2/ç.Ω')).toBe('a1|b|2|c|ω');
  });

  it('ignores combining marks, so that decomposed text folds like composed text', () => {
    expect(fold('ó'.normalize('NFD'))).toBe('o');
  });

  it('treats surrogates (emoji) as separators', () => {
    expect(fold('😀')).toBe('||');
  });
});
