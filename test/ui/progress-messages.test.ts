import { describe, expect, it } from 'vitest';
import { EN, ES } from '../../src/ui/i18n/messages.js';

describe('the progress counts line', () => {
  it('agrees in number: 1 fallido, 1 duplicado, 1/1 archivo; 1 duplicate, 1/1 file', () => {
    expect(ES.progress.counts({ done: 1, target: 6, failed: 1, review: 0, duplicates: 1 })).toBe(
      '1/6 archivos · 1 fallido · 0 en revisión · 1 duplicado',
    );
    expect(ES.progress.counts({ done: 1, target: 1, failed: 0, review: 1, duplicates: 2 })).toBe(
      '1/1 archivo · 0 fallidos · 1 en revisión · 2 duplicados',
    );
    expect(EN.progress.counts({ done: 1, target: 6, failed: 1, review: 0, duplicates: 1 })).toBe(
      '1/6 files · 1 failed · 0 review · 1 duplicate',
    );
    expect(EN.progress.counts({ done: 1, target: 1, failed: 0, review: 0, duplicates: 0 })).toBe(
      '1/1 file · 0 failed · 0 review · 0 duplicates',
    );
  });
});
