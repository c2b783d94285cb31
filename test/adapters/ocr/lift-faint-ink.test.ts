import { describe, expect, it } from 'vitest';
import { liftFaintInk } from '../../../src/adapters/ocr/lift-faint-ink.js';

/** RGBA pixels of the given grey levels. */
function greyPixels(levels: readonly number[]): Uint8ClampedArray {
  return Uint8ClampedArray.from(levels.flatMap((level) => [level, level, level, 255]));
}

function greys(rgba: Uint8ClampedArray): number[] {
  return Array.from({ length: rgba.length / 4 }, (_, i) => rgba[4 * i]!);
}

describe('liftFaintInk', () => {
  it("turns a faint scan's grainy paper white and its light print dark", () => {
    // Paper at 244 ± a few levels, print at 194-200, one dark speck.
    const paper = Array.from({ length: 90 }, (_, i) => 240 + (i % 9));
    const pixels = greyPixels([...paper, 194, 196, 198, 200, 194, 196, 198, 200, 40]);
    liftFaintInk(pixels);
    const lifted = greys(pixels);
    expect(lifted.slice(0, 90).every((level) => level === 255)).toBe(true);
    // The median ink is black, the rest of the print darker than mid-grey; the speck stays black.
    expect(Math.max(...lifted.slice(90, 98))).toBeLessThan(128);
    expect(lifted[98]).toBe(0);
  });

  it('leaves a blank page white', () => {
    const pixels = greyPixels(Array.from({ length: 100 }, (_, i) => 238 + (i % 11)));
    liftFaintInk(pixels);
    expect(new Set(greys(pixels))).toEqual(new Set([255]));
  });
});
