import { describe, expect, it } from 'vitest';
import { isNearExpediente, nearExpedientes } from '../../../src/core/matching/index.js';

describe('isNearExpediente', () => {
  it.each([
    ['3000003799', '3000003798', true], // one digit changed
    ['3000003799', '3000003979', true], // neighbours swapped
    ['3000003799', '300003799', true], // one digit dropped
    ['3000003799', '30000037991', true], // one digit added
    ['3000003799', '3000003799', false], // the same
    ['3000003799', '3000003788', false], // two digits changed
    ['0030005001', '30005001', true], // leading zeros dropped
    ['30005001', '000030005001', true], // leading zeros added
    ['0030005001', '0030005001', false], // the same
    ['30005001', '300050010', true], // a digit added at the end, not a zero lost
    ['30005001', '3000500100', false], // two digits added at the end
    ['3000003799', '', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(isNearExpediente(a, b)).toBe(expected);
  });
});

describe('nearExpedientes', () => {
  it('lists every substitution, adjacent swap, dropped and added digit, without the expediente itself', () => {
    const near = nearExpedientes('3000003799');
    expect(near).toContain('3000003798');
    expect(near).toContain('3000003979');
    expect(near).toContain('4000003799');
    // A digit dropped or added: the file says 300003799 or 30000037995 for 3000003799.
    expect(near).toEqual(expect.arrayContaining(['300003799', '300000379', '30000037995', '30000003799']));
    expect(near).not.toContain('3000003799');
    expect(new Set(near).size).toBe(near.length);
    // 9 substitutions per digit; swaps of unequal neighbours (3-0, 0-3, 3-7, 7-9); one drop per run of equal
    // digits (3, 00000, 3, 7, 99); 10 + 9 per digit distinct additions; and the number padded with two zeros
    // (one zero is an addition already).
    expect(near.length).toBe(9 * 10 + 4 + 5 + (10 + 9 * 10) + 1);
    expect(near).toEqual(expect.arrayContaining(['03000003799', '003000003799']));
    expect(near.every((e) => isNearExpediente(e, '3000003799'))).toBe(true);
  });

  it('holds every expediente one keystroke away, as isNearExpediente judges, within 8 to 12 digits', () => {
    // Every single edit of a few expedientes, including the shortest and the longest.
    for (const expediente of ['30005001', '3000003799', '120034005678', '0030005001']) {
      const near = new Set(nearExpedientes(expediente));
      const edits: string[] = [];
      for (let i = 0; i <= expediente.length; i++) {
        for (const d of '0123456789') {
          edits.push(expediente.slice(0, i) + d + expediente.slice(i));
          edits.push(expediente.slice(0, i) + d + expediente.slice(i + 1));
        }
        edits.push(expediente.slice(0, i) + expediente.slice(i + 1));
      }
      const inBounds = edits.filter((e) => e !== expediente && e.length >= 8 && e.length <= 12);
      expect(inBounds.filter((e) => !near.has(e))).toEqual([]);
      expect([...near].every((e) => e.length >= 8 && e.length <= 12)).toBe(true);
    }
  });

  it('lists the number without its leading zeros and with every padding up to 12 digits', () => {
    const near = nearExpedientes('0030005001');
    expect(near).toEqual(expect.arrayContaining(['30005001', '030005001', '00030005001', '000030005001']));
    expect(near).not.toContain('0030005001');
    expect(new Set(near).size).toBe(near.length);
    expect(near.every((e) => e.length >= 8 && e.length <= 12)).toBe(true);
  });
});
