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
 * Kept in fractions of a grey level: print at 88 % grey lies some 25 levels under the paper, which the stretch
 * spreads over 255, so a mean rounded to whole levels came out in steps of 10 and the strokes' edges ragged
 * (character accuracy 0.914 rounded, 0.923 not, on the bench's first 6 scans at 88 % grey).
 */
function smooth(grey: Uint8Array, width: number): Float32Array {
  const height = grey.length / width;
  const rows = new Uint16Array(grey.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++)
      rows[row + x] =
        grey[row + Math.max(0, x - 1)]! + grey[row + x]! + grey[row + Math.min(width - 1, x + 1)]!;
  }
  const out = new Float32Array(grey.length);
  for (let y = 0; y < height; y++) {
    const above = Math.max(0, y - 1) * width;
    const below = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++)
      out[y * width + x] = (rows[above + x]! + rows[y * width + x]! + rows[below + x]!) / 9;
  }
  return out;
}

/** What a scan's grey levels say of its paper and its print (see the file's comment). */
interface InkLevels {
  /** The paper's grey: the page's median. */
  paper: number;
  /** The median ink's grey: the darkest of the stretch. */
  black: number;
  /** The grey of the darkest tenth of the ink: the print's own, whatever shading or specks lie about. */
  darkest: number;
  /** Greys at or over this are paper. */
  white: number;
  /** Whether anything lies clearly below the paper. */
  hasInk: boolean;
}

/** The levels of a smoothed page's `histogram` of `pixels` grey levels. */
function measureInk(histogram: Uint32Array, pixels: number): InkLevels {
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
  const hasInk = inkPixels > 0;
  return {
    paper,
    black: hasInk ? quantile(ink, inkPixels, 0.5) : 0,
    darkest: hasInk ? quantile(ink, inkPixels, 0.1) : 0,
    white: hasInk ? paper - grain : inkBelow,
    hasInk,
  };
}

function isWholeImage(rgba: Uint8ClampedArray, width: number): boolean {
  const pixels = rgba.length / 4;
  return pixels > 0 && width > 0 && pixels % width === 0;
}

function greyOf(rgba: Uint8ClampedArray): Uint8Array {
  const grey = new Uint8Array(rgba.length / 4);
  for (let pixel = 0; pixel < grey.length; pixel++) grey[pixel] = luminance(rgba, pixel);
  return grey;
}

/**
 * Turns the RGBA pixels of an image `width` pixels wide, in place, to grey with white paper and dark ink (see
 * the file's comment), judged on the smoothed image: print at 88 % grey lies within four grains of the paper as
 * scanned, and was all taken for paper (npm run bench:ocr -- --ink-grey 0.88).
 */
export function liftFaintInk(rgba: Uint8ClampedArray, width: number): void {
  if (!isWholeImage(rgba, width)) return;
  const grey = smooth(greyOf(rgba), width);
  const histogram = new Uint32Array(256);
  for (let pixel = 0; pixel < grey.length; pixel++) histogram[Math.round(grey[pixel]!)]! += 1;
  const { black, white } = measureInk(histogram, grey.length);
  const range = Math.max(1, white - black);
  for (let pixel = 0; pixel < grey.length; pixel++) {
    const level = grey[pixel]!;
    const lifted = level >= white ? 255 : Math.max(0, Math.round(((level - black) * 255) / range));
    rgba[4 * pixel] = rgba[4 * pixel + 1] = rgba[4 * pixel + 2] = lifted;
    rgba[4 * pixel + 3] = 255;
  }
}

/**
 * Print whose darkest tenth lies fewer grey levels than this under the paper is faint, and read lifted from
 * the start (read-page-upright.ts). On the bench's scans (smoothed as liftFaintInk sees them), print at 88 %
 * grey lies 27-29 under the paper, at 78 % grey 40-44, at 70 % grey 52-56; black print 166-177. The darkest
 * tenth rather than the median: a page of black print with grey shading (a table's header) is not faint.
 */
export const FAINT_PRINT_CONTRAST = 80;
/** isFaintPrint measures every this many pixels across and down. */
const SAMPLE_STEP = 2;

/**
 * Whether the page's print is faint: some ink, all of it close to the paper's grey. Read as it lies, such a
 * page is mostly grain to Tesseract (see the file's comment): tesseract.js took the grain for hundreds of
 * letters and spent 60-190 s on a page of print at 88 % grey, past the per-page limit, to read garbage at 46 %
 * (`npm run bench:ocr -- --ink-grey 0.88`); the same page lifted read in 5 s at 81 %.
 */
export function isFaintPrint(rgba: Uint8ClampedArray, width: number): boolean {
  if (!isWholeImage(rgba, width)) return false;
  const grey = greyOf(rgba);
  const height = grey.length / width;
  // The smoothed grey of every other pixel of every other row, as liftFaintInk smooths it: a quarter of the
  // work of smoothing the whole page (0.3 s of a letter page at 200 dpi on a busy machine), for the same quantiles.
  const histogram = new Uint32Array(256);
  let sampled = 0;
  for (let y = 0; y < height; y += SAMPLE_STEP) {
    const above = Math.max(0, y - 1) * width;
    const row = y * width;
    const below = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x += SAMPLE_STEP) {
      const left = Math.max(0, x - 1);
      const right = Math.min(width - 1, x + 1);
      const sum =
        grey[above + left]! +
        grey[above + x]! +
        grey[above + right]! +
        grey[row + left]! +
        grey[row + x]! +
        grey[row + right]! +
        grey[below + left]! +
        grey[below + x]! +
        grey[below + right]!;
      histogram[Math.round(sum / 9)]! += 1;
      sampled++;
    }
  }
  const levels = measureInk(histogram, sampled);
  return levels.hasInk && levels.paper - levels.darkest < FAINT_PRINT_CONTRAST;
}

async function decodePng(png: Buffer) {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return { canvas, context, pixels: context.getImageData(0, 0, image.width, image.height) };
}

/** Whether the page `png` shows is printed faint (see isFaintPrint). */
export async function isFaintPrintPng(png: Buffer): Promise<boolean> {
  const { pixels } = await decodePng(png);
  return isFaintPrint(pixels.data, pixels.width);
}

/** `png` with its faint ink lifted (see liftFaintInk), as a PNG. */
export async function liftFaintInkPng(png: Buffer): Promise<Buffer> {
  const { canvas, context, pixels } = await decodePng(png);
  liftFaintInk(pixels.data, pixels.width);
  context.putImageData(pixels, 0, 0);
  return canvas.encode('png');
}

/** A rendered page's PNG, and what is made of it once for all its readings: whether it is faint, and lifted. */
export interface RenderedPage {
  page: number;
  png: Buffer;
  faint?: Promise<boolean>;
  lifted?: Promise<Buffer>;
}

/** The page's PNG to read: as rendered, or with its ink lifted (made once a page, not once a turn). */
export function pngToRead(rendered: RenderedPage, liftInk: boolean): Promise<Buffer> {
  if (!liftInk) return Promise.resolve(rendered.png);
  rendered.lifted ??= liftFaintInkPng(rendered.png);
  return rendered.lifted;
}

/** Whether the rendered page is printed faint (see isFaintPrint), measured once a page. */
export function renderedPrintIsFaint(rendered: RenderedPage): Promise<boolean> {
  rendered.faint ??= rendered.png.length === 0 ? Promise.resolve(false) : isFaintPrintPng(rendered.png);
  return rendered.faint;
}
