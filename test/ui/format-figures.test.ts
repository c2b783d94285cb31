import { describe, expect, it } from 'vitest';
import { formatCount, formatSeconds } from '../../src/ui/format.js';

describe('figures as a person reads them', () => {
  it('groups counts in thousands with a comma, from 1,000 on', () => {
    expect([0, 7, 999, 1000, 1532, 20_000, 1_234_567].map(formatCount)).toEqual([
      '0',
      '7',
      '999',
      '1,000',
      '1,532',
      '20,000',
      '1,234,567',
    ]);
  });

  it('says seconds in tenths, with the clock past a minute', () => {
    expect(formatSeconds(13.282)).toBe('13.3 s');
    expect(formatSeconds(0.12)).toBe('0.1 s');
    expect(formatSeconds(125.25)).toBe('125.3 s (2:05)');
    expect(formatSeconds(3725)).toBe('3,725.0 s (1:02:05)');
  });
});
