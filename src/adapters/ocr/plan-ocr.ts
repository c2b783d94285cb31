// Which pages to OCR, and how their text joins the text layer's: pure functions of the inner extractor's
// result, so the rules are tested without running an OCR engine.
import {
  hasLettersAndDigits,
  hasTextLayer,
  hasThinTextLayer,
  joinPageTexts,
} from '../extraction/text-layer.js';
import type { ExtractionFailure, ExtractionResult, ExtractionSuccess, OcrInfo } from '../extraction/types.js';
import type { OcrEngineName, OcrMode, OcrPageText } from './types.js';

/**
 * A page whose text layer has fewer letters and digits than this is treated as having none: scanner
 * software often stamps a page number or a date as text over the image, which says nothing of the page.
 */
const MIN_USABLE_CHARACTERS = 16;

export function hasUsableText(pageText: string): boolean {
  return hasLettersAndDigits(pageText, MIN_USABLE_CHARACTERS) && hasTextLayer([pageText]);
}

/** What the OCR needs to do for one file; null when nothing (a full text layer in `auto`, or `off`). */
export interface OcrPlan {
  /** 1-based page numbers, ascending. */
  pages: number[];
  /** The text layer's page texts (empty strings for a file with none). */
  pageTexts: string[];
  /**
   * 1-based pages the extractor found scanned (ExtractionSuccess.scannedPages): their text layer, however
   * long (a typed form over a scanned note), is print the OCR'd image may not hold, and is kept beside it.
   */
  scannedPages?: number[];
}

/**
 * In `auto`, the pages without a usable text layer, and those the extractor found scanned under a thin one:
 * a scanner's stamp ("Escaneado por … p.1") or a letterhead is text enough to pass for a layer, and the scan
 * below it, which may name another patient, would otherwise never be read.
 */
export function planOcr(mode: OcrMode, result: ExtractionResult): OcrPlan | null {
  if (mode === 'off') return null;
  if (!result.ok) {
    // Only a readable PDF without text is OCR'd; encrypted, corrupt, timed-out files keep their outcome.
    if (result.outcome !== 'image_only' || !result.pages) return null;
    return { pages: range(result.pages), pageTexts: new Array<string>(result.pages).fill('') };
  }
  const pageTexts = result.pageTexts ?? (mode === 'force' ? new Array<string>(result.pages).fill('') : null);
  if (pageTexts === null) return null; // no per-page text: nothing tells which pages lack a layer
  const scanned = new Set(result.scannedPages);
  const pages =
    mode === 'force'
      ? range(pageTexts.length)
      : pageTexts.flatMap((text, index) =>
          hasUsableText(text) && !scanned.has(index + 1) ? [] : [index + 1],
        );
  if (pages.length === 0) return null;
  const scannedPages = result.scannedPages;
  return scannedPages?.length ? { pages, pageTexts, scannedPages } : { pages, pageTexts };
}

/**
 * The detail of a file whose every page is a scan under at most a stamp, a letterhead or a typed form (print
 * covering little of the page), read with OCR off.
 */
export const STAMPED_SCANS_WITHOUT_OCR =
  "the PDF's pages are scans whose only text is a scanner's stamp, a letterhead, a typed form or a page " +
  'number; it needs OCR before it can be ingested (--ocr auto), or the patient the scans name goes unchecked';

/** The detail of a file with pages of text and some scanned pages, read with OCR off. */
export function describeScansAmongText(scannedPages: readonly number[], pages: number): string {
  const one = scannedPages.length === 1;
  return (
    `${scannedPages.length} of the PDF's ${pages} pages ${one ? 'is a scan' : 'are scans'} ` +
    `(${one ? 'page' : 'pages'} ${formatPageRanges(scannedPages)}), not read with OCR off; it needs OCR before it ` +
    `can be ingested (--ocr auto), or the patient ${one ? 'the scan names' : 'the scans name'} goes unchecked`
  );
}

/**
 * With OCR off, a file with a scanned page fails `image_only`, as a scan without any text layer does:
 * attached, its text would be the other pages' (or a stamp) alone, and the patient a scan names — another
 * patient's note scanned onto the end, say — never checked, while the content check claimed the file agreed.
 * Failing rather than holding it for review: a later run with OCR reads it without anyone's work (see
 * settle-known-files), where a reviewer would have to read the scan by eye, and attach a document whose
 * scanned pages' text is missing from search. A scan is a page without usable text, or with a stamp's worth
 * or a typed form's (text covering little of the page), under an image covering most of it
 * (ExtractionSuccess.scannedPages); a blank page is no scan. Null: no page is a scan, or the extractor cannot
 * tell scans apart.
 */
export function unreadScansWithoutOcr(result: ExtractionResult): ExtractionFailure | null {
  if (!result.ok || !result.pageTexts || !result.scannedPages?.length) return null;
  const scanned = new Set(result.scannedPages);
  const everyPageAScan = result.pageTexts.every(
    (text, index) => scanned.has(index + 1) || !hasUsableText(text),
  );
  const message = everyPageAScan
    ? STAMPED_SCANS_WITHOUT_OCR
    : describeScansAmongText(result.scannedPages, result.pages);
  return { ok: false, outcome: 'image_only', message, pages: result.pages };
}

/** Ascending 1-based pages as "2", "2, 5" or "2-4, 7". */
function formatPageRanges(pages: readonly number[]): string {
  const ranges: string[] = [];
  for (let index = 0; index < pages.length;) {
    let last = index;
    while (last + 1 < pages.length && pages[last + 1] === pages[last]! + 1) last++;
    ranges.push(
      last > index + 1 ? `${pages[index]}-${pages[last]}` : pages.slice(index, last + 1).join(', '),
    );
    index = last + 1;
  }
  return ranges.join(', ');
}

/**
 * Puts the OCR'd pages' text in place of their text layer's; a thin layer (a stamp, a letterhead), or a scanned
 * page's layer of any length (a typed form), is kept after it, unless the OCR read the same, so the content
 * check reads both. A page the OCR read nothing on
 * keeps what its layer had. A file with no text on any page even then still fails `image_only`, saying OCR was tried.
 */
export function mergeOcrText(
  plan: OcrPlan,
  ocrPages: readonly OcrPageText[],
  engine: OcrEngineName,
): ExtractionSuccess | ExtractionFailure {
  const pageTexts = [...plan.pageTexts];
  const scanned = new Set(plan.scannedPages);
  let words = 0;
  let confidenceSum = 0;
  for (const page of ocrPages) {
    words += page.words;
    confidenceSum += page.confidenceSum;
    if (page.text.trim())
      pageTexts[page.page - 1] = withLayer(
        page.text,
        plan.pageTexts[page.page - 1] ?? '',
        scanned.has(page.page),
      );
  }
  if (!hasTextLayer(pageTexts)) {
    const count = pageTexts.length;
    return {
      ok: false,
      outcome: 'image_only',
      message:
        `the PDF has no text layer, and OCR (${engine}) found no readable text on its ${count} page${count === 1 ? '' : 's'} either; ` +
        'check that the scan is not blank, too faint or upside down, and scan it again if needed',
      pages: count,
    };
  }
  const ocr: OcrInfo = {
    engine,
    pages: ocrPages.map((page) => page.page),
    // Tesseract scores words 0-100; the registry keeps confidences as fractions, as it does for matches.
    meanConfidence: words === 0 ? null : Math.round((confidenceSum / words) * 10) / 1000,
  };
  return { ok: true, text: joinPageTexts(pageTexts), pages: pageTexts.length, pageTexts, ocr };
}

/** With `--ocr force`, a page of text is OCR'd too: its full layer is the same words again, and is dropped. */
function withLayer(ocrText: string, layerText: string, scanned: boolean): string {
  if (!hasThinTextLayer(layerText) && !(scanned && hasTextLayer([layerText]))) return ocrText;
  const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
  const layer = collapse(layerText);
  return collapse(ocrText).includes(layer) ? ocrText : `${ocrText.trimEnd()}\n\n${layer}`;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}
