// Which pages of a document pdf.js has open look scanned (see text-layer.ts's isScannedPage): the pdf-parse
// engine's counterpart of PDFium's page objects. pdf.js has no object bounds, so the page's operator list is
// walked, following the transformation matrix, to the images it paints; the text's area comes from the text
// items getText already read.
import {
  hasTextLayer,
  isScannedPage,
  mayBeScannedPage,
  SCANNED_PAGE_TEXT_COVERAGE,
  shareWithoutRules,
} from './text-layer.js';

/** The subset of pdf.js's document and page used here (pdf-parse does not export pdf.js's types). */
export interface PdfJsDocument {
  getPage(pageNumber: number): Promise<PdfJsPage>;
}
interface PdfJsPage {
  /** The page's box in user space: x1, y1, x2, y2. */
  readonly view: number[];
  getOperatorList(): Promise<{ fnArray: number[]; argsArray: unknown[][] }>;
  cleanup(): boolean;
}

/**
 * pdf.js's operator codes (OPS in src/shared/util.js, unchanged since pdf.js 1.x). pdf-parse does not
 * re-export them; the test of this module over a real scan fails if they ever move.
 */
const OPS = {
  save: 10,
  restore: 11,
  transform: 12,
  paintFormXObjectBegin: 74,
  paintFormXObjectEnd: 75,
  paintImageMaskXObject: 83,
  paintImageXObject: 85,
  paintInlineImageXObject: 86,
} as const;

type Matrix = readonly [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, by: Matrix): Matrix {
  return [
    m[0] * by[0] + m[1] * by[2],
    m[0] * by[1] + m[1] * by[3],
    m[2] * by[0] + m[3] * by[2],
    m[2] * by[1] + m[3] * by[3],
    m[4] * by[0] + m[5] * by[2] + by[4],
    m[4] * by[1] + m[5] * by[3] + by[5],
  ];
}

function asMatrix(value: unknown): Matrix | null {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return null;
  const numbers = Array.from(value as ArrayLike<unknown>);
  return numbers.length === 6 && numbers.every((n) => typeof n === 'number')
    ? (numbers as unknown as Matrix)
    : null;
}

/**
 * The share of the page (0-1) that its images cover: an image fills the unit square under the current
 * matrix, whose area is the matrix's determinant. Overlaps count twice, which matters little: a scan is one
 * image.
 */
export function imageCoverage(
  operators: { fnArray: number[]; argsArray: unknown[][] },
  view: number[],
): number {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = view;
  const pageArea = Math.abs((x2 - x1) * (y2 - y1));
  if (!(pageArea > 0)) return 0;
  const stack: Matrix[] = [];
  let current = IDENTITY;
  let covered = 0;
  operators.fnArray.forEach((op, index) => {
    const args = operators.argsArray[index] ?? [];
    switch (op) {
      case OPS.save:
        stack.push(current);
        break;
      case OPS.restore:
        current = stack.pop() ?? IDENTITY;
        break;
      case OPS.transform: {
        const matrix = asMatrix(args);
        if (matrix) current = multiply(matrix, current);
        break;
      }
      case OPS.paintFormXObjectBegin: {
        stack.push(current);
        const matrix = asMatrix(args[0]);
        if (matrix) current = multiply(matrix, current);
        break;
      }
      case OPS.paintFormXObjectEnd:
        current = stack.pop() ?? IDENTITY;
        break;
      case OPS.paintImageXObject:
      case OPS.paintInlineImageXObject:
      case OPS.paintImageMaskXObject:
        covered += Math.abs(current[0] * current[3] - current[1] * current[2]);
        break;
    }
  });
  return Math.min(1, covered / pageArea);
}

/** The subset of a pdf.js text item used here: its text, and its width and height in the page's user space. */
export interface PdfJsTextBox {
  str?: string;
  width?: number;
  height?: number;
}

/**
 * The share of the page (0-1) that its text items' boxes cover, from the items getTextContent returned (an
 * invisible OCR layer's too), a form's rules aside (shareWithoutRules). Overlaps count twice, which matters
 * little: print rarely overlaps itself.
 */
export function textCoverage(items: readonly PdfJsTextBox[], view: number[]): number {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = view;
  const pageArea = Math.abs((x2 - x1) * (y2 - y1));
  if (!(pageArea > 0)) return 0;
  let covered = 0;
  for (const { str = '', width, height } of items) {
    if (typeof width === 'number' && typeof height === 'number')
      covered += Math.abs(width * height) * shareWithoutRules(str);
  }
  return Math.min(1, covered / pageArea);
}

/**
 * The 1-based pages that are scans (see isScannedPage). Only pages that may be scans by their text are
 * measured for images (which has pdf.js decode them): a thin layer or none, or a layer of any length whose
 * text covers little of the page (`textCoverages`, 0-1 per page; a page without one is measured only when
 * thin). A page of real text covers 18-28 % of its page and costs nothing more. A file without text on any
 * page is not measured at all: it fails image_only, or OCR reads every page.
 */
export async function findScannedPages(
  document: PdfJsDocument,
  pageTexts: readonly string[],
  textCoverages: readonly (number | undefined)[] = [],
): Promise<number[]> {
  const scanned: number[] = [];
  if (!hasTextLayer(pageTexts)) return scanned;
  for (const [index, text] of pageTexts.entries()) {
    const covered = textCoverages[index];
    const measure = mayBeScannedPage(text) || (covered !== undefined && covered < SCANNED_PAGE_TEXT_COVERAGE);
    if (!measure) continue;
    const page = await document.getPage(index + 1);
    try {
      const images = imageCoverage(await page.getOperatorList(), page.view);
      if (isScannedPage(text, { images, text: covered ?? 0 })) scanned.push(index + 1);
    } finally {
      page.cleanup();
    }
  }
  return scanned;
}
