// Runs in an OCR child process. A faint scan (light toner, a carbon copy, the scanner's contrast turned
// down) of a mostly empty page reads as nothing at all: Tesseract's global (Otsu) threshold is drawn from a
// histogram that is nearly all paper, so it splits the paper's own grain into "ink" and the faint print,
// lighter than that split, into paper. A human reads such a page without trouble; generated scans with print
// at 78 % grey on a letter page read no word, and the content check then has nobody to check. So a page read
// with little confidence is read again with its paper made white and its ink darkened (read-page-upright.ts).
//
// The paper is the page's median grey; its grain, the median distance from it. Anything within four grains
// (at least 16 grey levels) of the paper becomes white; darker pixels, the ink, are stretched so that the
// median ink is black. Specks and smudges stay (they are ink too), but no longer decide the threshold.

/** Grey levels within this many grain deviations of the paper are paper. */
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

/** Turns the RGBA pixels, in place, to grey with white paper and dark ink (see the file's comment). */
export function liftFaintInk(rgba: Uint8ClampedArray): void {
  const pixels = rgba.length / 4;
  if (pixels === 0) return;
  const grey = new Uint8Array(pixels);
  const histogram = new Uint32Array(256);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const level = luminance(rgba, pixel);
    grey[pixel] = level;
    histogram[level]! += 1;
  }
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
  const range = Math.max(1, inkBelow - black);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const level = grey[pixel]!;
    const lifted = level >= inkBelow ? 255 : Math.max(0, Math.round(((level - black) * 255) / range));
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
  liftFaintInk(pixels.data);
  context.putImageData(pixels, 0, 0);
  return canvas.encode('png');
}
