import { describe, expect, it } from 'vitest';
import { digitView, labelView, splitLines } from '../../../src/core/content/text-view.js';

describe('labelView', () => {
  it('upper-cases, folds accents and keeps every index in place', () => {
    const text = 'Paciente: María Núñez Ibáñez\tExp.: 123\r\nß ﬁ 😀 —';
    const view = labelView(text);
    expect(view).toHaveLength(text.length);
    expect(view.slice(0, 28)).toBe('PACIENTE: MARIA NUNEZ IBANEZ');
    expect(view[28]).toBe('\t');
    expect(view.indexOf('\n')).toBe(text.indexOf('\n'));
  });

  it('reads a digit between two letters as the letter OCR took it for', () => {
    expect(labelView('N0MBRE EXPED1ENTE T1JERINA 1985 A1')).toBe('NOMBRE EXPEDIENTE TIJERINA 1985 A1');
  });

  it('keeps the length of random text', () => {
    const alphabet = 'aZ09 áÉñÑüß\t\n\r.,:;|°º—“”😀ﬁİı';
    for (let i = 0; i < 200; i++) {
      let text = '';
      for (let k = 0; k < 60; k++) text += alphabet[(i * 31 + k * 17) % alphabet.length];
      expect(labelView(text)).toHaveLength(text.length);
    }
  });
});

describe('digitView', () => {
  it('reads look-alike letters inside a number when most of it is digits', () => {
    expect(digitView('30000O3799 SOTO')).toBe('3000003799 SOTO');
    expect(digitView('1985SEXO')).toBe('1985SEXO');
    expect(digitView('3OOOOO3799')).toBe('3OOOOO3799');
    expect(digitView('3OOOOO3799', 0.4)).toBe('3000003799');
  });
});

describe('splitLines', () => {
  it('gives each line’s offsets', () => {
    expect(splitLines('ab\n\ncd')).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 3 },
      { start: 4, end: 6 },
    ]);
  });
});
