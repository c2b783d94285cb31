import { describe, expect, it } from 'vitest';
import { isFaintPrint, liftFaintInk } from '../../../src/adapters/ocr/lift-faint-ink.js';

/** RGBA pixels of the given grey levels. */
function greyPixels(levels: readonly number[]): Uint8ClampedArray {
  return Uint8ClampedArray.from(levels.flatMap((level) => [level, level, level, 255]));
}

function greys(rgba: Uint8ClampedArray): number[] {
  return Array.from({ length: rgba.length / 4 }, (_, i) => rgba[4 * i]!);
}

/** A scan's paper, `width` × `height`: 244 ± 4 grey levels of grain. */
function paperLevels(width: number, height: number): number[] {
  return Array.from({ length: width * height }, (_, i) => 240 + ((i * 7) % 9));
}

describe('liftFaintInk', () => {
  it("turns a faint scan's grainy paper white and its light print dark", () => {
    // 20 × 20 of paper, a stroke of print at 194-200 three pixels wide down column 8-10, one dark speck.
    const width = 20;
    const levels = paperLevels(width, 20);
    for (let y = 2; y < 18; y++)
      for (let x = 8; x <= 10; x++) levels[y * width + x] = 194 + ((x + y) % 4) * 2;
    for (let y = 14; y < 16; y++) for (let x = 2; x < 4; x++) levels[y * width + x] = 40;
    const pixels = greyPixels(levels);
    liftFaintInk(pixels, width);
    const lifted = greys(pixels);
    // Paper away from the print is white or nearly; the middle of the stroke darker than mid-grey; the speck dark.
    expect(Math.min(...[0, 5, 15, 19].map((x) => lifted[5 * width + x]!))).toBeGreaterThanOrEqual(224);
    expect(Math.max(...[4, 8, 12].map((y) => lifted[y * width + 9]!))).toBeLessThan(128);
    expect(lifted[14 * width + 2]).toBeLessThan(128);
  });

  it('lifts print at 88 % grey out of grain as strong as its contrast', () => {
    // Paper at 246 ± 10 (pixel by pixel noise), print at 217: a pixel's grain alone spans the print's contrast.
    const width = 30;
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 34;
    const levels = Array.from({ length: width * 30 }, () => Math.round(246 + noise()));
    for (let y = 3; y < 27; y++)
      for (let x = 12; x <= 14; x++) levels[y * width + x] = Math.round(217 + noise() / 2);
    const pixels = greyPixels(levels);
    liftFaintInk(pixels, width);
    const lifted = greys(pixels);
    const stroke = [5, 10, 15, 20].map((y) => lifted[y * width + 13]!);
    expect(Math.max(...stroke)).toBeLessThan(128);
    const paper = [2, 6, 20, 26].flatMap((x) => [5, 10, 15, 20].map((y) => lifted[y * width + x]!));
    expect(paper.filter((level) => level >= 192).length).toBeGreaterThanOrEqual(paper.length - 1);
  });

  it('stretches the greys between paper and ink in steps finer than a grey level', () => {
    // Print at 88 % grey lies some 25 levels under the paper, stretched over 255: means rounded to whole levels
    // came out in steps of 10, the strokes' edges ragged. A ramp of greys across the faint band, each column
    // one level darker than the last, its 3 × 3 means falling between whole levels where the rows differ.
    const width = 40;
    const levels = paperLevels(width, 40);
    for (let y = 10; y < 30; y++)
      for (let x = 5; x < 35; x++) levels[y * width + x] = 243 - Math.floor((x - 5) / 1.2) - (y % 2);
    const pixels = greyPixels(levels);
    liftFaintInk(pixels, width);
    const band = greys(pixels).filter((level) => level > 0 && level < 255);
    const inputBand = new Set(levels.filter((level) => level < 240));
    expect(new Set(band).size).toBeGreaterThan(inputBand.size + 1);
  });

  it('leaves a blank page white', () => {
    const pixels = greyPixels(Array.from({ length: 100 }, (_, i) => 238 + (i % 11)));
    liftFaintInk(pixels, 10);
    expect(new Set(greys(pixels))).toEqual(new Set([255]));
  });
});

describe('isFaintPrint', () => {
  /** 30 × 30 of noisy paper (246 ± 17) with a stroke three pixels wide down columns 12-14 at `ink`. */
  function strokeOnPaper(ink: number): number[] {
    const width = 30;
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 34;
    const levels = Array.from({ length: width * 30 }, () => Math.round(246 + noise()));
    for (let y = 3; y < 27; y++)
      for (let x = 12; x <= 14; x++) levels[y * width + x] = Math.round(ink + noise() / 2);
    return levels;
  }

  it('finds print at 88 % and 78 % grey faint, and black print not', () => {
    expect(isFaintPrint(greyPixels(strokeOnPaper(217)), 30)).toBe(true);
    expect(isFaintPrint(greyPixels(strokeOnPaper(193)), 30)).toBe(true);
    expect(isFaintPrint(greyPixels(strokeOnPaper(20)), 30)).toBe(false);
  });

  it('does not take black print beside a larger grey shading for faint print', () => {
    // A table header shaded at 200 over rows 20-27: more pixels than the black stroke above it.
    const levels = strokeOnPaper(20).map((level, i) =>
      Math.floor(i / 30) >= 20 && Math.floor(i / 30) < 28 ? 200 : level,
    );
    expect(isFaintPrint(greyPixels(levels), 30)).toBe(false);
  });

  it('finds no faint print on a blank page', () => {
    expect(isFaintPrint(greyPixels(Array.from({ length: 100 }, (_, i) => 238 + (i % 11))), 10)).toBe(false);
  });
});
