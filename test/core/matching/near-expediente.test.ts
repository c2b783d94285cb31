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
    ['3000003799', '', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(isNearExpediente(a, b)).toBe(expected);
  });
});

describe('nearExpedientes', () => {
  it('lists every substitution and adjacent swap, without the expediente itself', () => {
    const near = nearExpedientes('3000003799');
    expect(near).toContain('3000003798');
    expect(near).toContain('3000003979');
    expect(near).toContain('4000003799');
    expect(near).not.toContain('3000003799');
    expect(new Set(near).size).toBe(near.length);
    // 9 substitutions per digit, plus swaps of unequal neighbours (3-0, 0-3, 3-7, 7-9).
    expect(near.length).toBe(9 * 10 + 4);
    expect(near.every((e) => isNearExpediente(e, '3000003799'))).toBe(true);
  });
});
