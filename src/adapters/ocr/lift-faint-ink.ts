// Runs in an OCR child process. A faint scan (light toner, a carbon copy, the scanner's contrast turned
// down) of a mostly empty page reads as nothing at all: Tesseract's global (Otsu) threshold is drawn from a
// histogram that is nearly all paper, so it splits the paper's own grain into "ink" and the faint print,
// lighter than that split, into paper. A human reads such a page without trouble; generated scans with print
// at 78 % grey on a letter page read no word, and the content check then has nobody to check. So a page read
// with little confidence is read again with its paper made white and its ink darkened (read-page-upright.ts).
//
// The page is first smoothed over 3×3 pixels, which cuts the grain to a third and leaves strokes nearly as
// dark. The paper is then its median grey; its grain, the median distance from it; the ink, what lies more
// than four grains (at least 16 grey levels) below the paper. The greys from the median ink up to one grain
// under the paper are stretched to black-to-white, lighter ones made white: a stretch rather than a cut at
// the ink's edge, which broke the thin strokes of print at 88 % grey into specks. Specks and smudges stay
// (they are ink too), but no longer decide the threshold.

/** Grey levels within this many grain deviations of the paper are not ink (for the median ink's grey). */
const PAPER_DEVIATIONS = 4;
/** …and at least this many: JPEG smooths a clean scan's grain to almost nothing. */
const MIN_PAPER_BAND = 16;

function luminance(rgba: Uint8ClampedArray, pixel: number): number {
  return Math.round(0.299 * rgba[4 * pixel]! + 0.587 * rgba[4 * pixel + 1]! + 0.114 * rgba[4 * pixel + 2]!);
}

/** The smallest grey level at or under which `share` of the histogram's `total` count lies. */
function quantile(histogram: Uint32Array, total: number, share: number): number {
  let seen = 0;
  for (let level = 0; level < histogram.length; level++) {
    seen += histogram[level]!;
    if (seen >= share * total) return level;
  }
  return histogram.length - 1;
}

/**
 * Each pixel's mean with its eight neighbours (edges repeated): a scan's grain is pixel by pixel noise, print
 * strokes are several pixels wide, so the mean cuts the grain to a third and leaves the print nearly as dark.
 */
function smooth(grey: Uint8Array, width: number): Uint8Array {
  const height = grey.length / width;
  const rows = new Uint16Array(grey.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++)
      rows[row + x] = grey[row + Math.max(0, x - 1)]! + grey[row + x]! + grey[row + Math.min(width - 1, x + 1)]!;
  }
  const out = new Uint8Array(grey.length);
  for (let y = 0; y < height; y++) {
    const above = Math.max(0, y - 1) * width;
    const below = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++)
      out[y * width + x] = Math.round((rows[above + x]! + rows[y * width + x]! + rows[below + x]!) / 9);
  }
  return out;
}

/**
 * Turns the RGBA pixels of an image `width` pixels wide, in place, to grey with white paper and dark ink (see
 * the file's comment), judged on the smoothed image: print at 88 % grey lies within four grains of the paper as
 * scanned, and was all taken for paper (npm run bench:ocr -- --ink-grey 0.88).
 */
export function liftFaintInk(rgba: Uint8ClampedArray, width: number): void {
  const pixels = rgba.length / 4;
  if (pixels === 0 || width <= 0 || pixels % width !== 0) return;
  const scanned = new Uint8Array(pixels);
  for (let pixel = 0; pixel < pixels; pixel++) scanned[pixel] = luminance(rgba, pixel);
  const grey = smooth(scanned, width);
  const histogram = new Uint32Array(256);
  for (let pixel = 0; pixel < pixels; pixel++) histogram[grey[pixel]!]! += 1;
  const paper = quantile(histogram, pixels, 0.5);
  const deviations = new Uint32Array(256);
  for (let level = 0; level < 256; level++) deviations[Math.abs(level - paper)]! += histogram[level]!;
  // The median absolute deviation, scaled to a standard deviation of normally distributed grain.
  const grain = quantile(deviations, pixels, 0.5) * 1.4826;
  const inkBelow = paper - Math.max(PAPER_DEVIATIONS * grain, MIN_PAPER_BAND);
  const ink = new Uint32Array(256);
  let inkPixels = 0;
  for (let level = 0; level < 256 && level < inkBelow; level++) {
    ink[level] = histogram[level]!;
    inkPixels += histogram[level]!;
  }
  const black = inkPixels > 0 ? quantile(ink, inkPixels, 0.5) : 0;
  const white = inkPixels > 0 ? paper - grain : inkBelow;
  const range = Math.max(1, white - black);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const level = grey[pixel]!;
    const lifted = level >= white ? 255 : Math.max(0, Math.round(((level - black) * 255) / range));
    rgba[4 * pixel] = rgba[4 * pixel + 1] = rgba[4 * pixel + 2] = lifted;
    rgba[4 * pixel + 3] = 255;
  }
}

/** `png` with its faint ink lifted (see liftFaintInk), as a PNG. */
export async function liftFaintInkPng(png: Buffer): Promise<Buffer> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height);
  liftFaintInk(pixels.data, image.width);
  context.putImageData(pixels, 0, 0);
  return canvas.encode('png');
}
