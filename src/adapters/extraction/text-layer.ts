// pdf-parse separates pages with lines like "-- 1 of 3 --"; a scan yields nothing but those, so a
// plain emptiness check on its joined text would call a scan "extracted".
const PAGE_MARKER = /^[ \t]*-- \d+ of \d+ --[ \t]*$/gm;

export function hasTextLayer(pageTexts: readonly string[]): boolean {
  return pageTexts.some((text) => text.replace(PAGE_MARKER, '').trim().length > 0);
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/gu;
/** Latin letters (accented ones included, × and ÷ not) and ASCII digits: all letters or digits. */
const LATIN_LETTER_OR_DIGIT = '0-9A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F';
const latinCounts = new Map<number, RegExp>();

/**
 * Whether `text` has at least `count` letters and digits. This runs on every page of every file: one pattern
 * over Latin letters answers for a page of Spanish text (under a microsecond a page); only a page it does not
 * settle (little text, or another script) is counted letter by letter, and only up to `count` (20-30 µs).
 */
export function hasLettersAndDigits(text: string, count: number): boolean {
  let latin = latinCounts.get(count);
  if (latin === undefined) {
    // The classes are disjoint, so the pattern never backtracks more than once over the text.
    latin = new RegExp(`^(?:[^${LATIN_LETTER_OR_DIGIT}]*[${LATIN_LETTER_OR_DIGIT}]){${count}}`);
    latinCounts.set(count, latin);
  }
  if (latin.test(text)) return true;
  LETTER_OR_DIGIT.lastIndex = 0;
  let found = 0;
  while (found < count && LETTER_OR_DIGIT.exec(text) !== null) found++;
  return found >= count;
}

/**
 * A text layer with fewer letters and digits than this covers little of its page, and over a page-sized image
 * says little about it: a scanner's stamp ("Escaneado por HP ScanJet 2026-11-03 10:22 p.1"), a page number, or
 * the letterhead and footer a document system prints over a scan it files ("HOSPITAL … Página 1 de 3"), which
 * run to 200-500. A full page of print holds 3,000-4,000; a quarter of that is no page of its own. With 200, a
 * letterhead passed for the page's text: the note in the image, perhaps about another patient, was never read
 * and the document was stored with the letterhead alone. A short page of real text over a page-sized image
 * (a form's background) is OCR'd for nothing, which costs seconds and keeps its layer (plan-ocr.ts).
 */
export const THIN_TEXT_LAYER_CHARACTERS = 1000;

/** A page whose text layer has some text, but no more than a stamp or a letterhead (THIN_TEXT_LAYER_CHARACTERS). */
export function hasThinTextLayer(pageText: string): boolean {
  return !hasLettersAndDigits(pageText, THIN_TEXT_LAYER_CHARACTERS) && hasTextLayer([pageText]);
}

/**
 * A page that may be a scan by its text alone: no more than a stamp or a letterhead of text, or none. Pages
 * without any text count too: with OCR off, a scanned page beside pages of text would otherwise go unread and
 * unnoticed. A page with more text may still be a scan (SCANNED_PAGE_TEXT_COVERAGE).
 */
export function mayBeScannedPage(pageText: string): boolean {
  return !hasLettersAndDigits(pageText, THIN_TEXT_LAYER_CHARACTERS);
}

/**
 * The share of a page an image must cover for the page to be taken for a scan. A scanner's image fills the
 * page; a logo, a signature or a chart does not.
 */
export const SCANNED_PAGE_IMAGE_COVERAGE = 0.5;

/**
 * Over a page-sized image, a text layer whose glyphs cover less of the page than this is taken for print over
 * a scan, however many letters it has. A typed form in 6 pt filed over a scanned note runs to 800-1,200
 * letters and covers 4-5 % of the page; a letterhead 6 %; a page of real text 18-28 %, and a searchable scan's
 * invisible OCR layer covers the page as its print does. By its letters alone, the form passed for the page's
 * text: the note in the image, naming another patient, was never read.
 */
export const SCANNED_PAGE_TEXT_COVERAGE = 0.1;

/**
 * Characters that draw a form's lines instead of saying anything: underscores ("Nombre: ________"),
 * box-drawing and block characters, and leaders of three or more dots, dashes or equals signs.
 */
const RULE_RUN = /_+|[\u2500-\u259F]+|([.\-=])\1{2,}/g;

/**
 * The share (0-1) of a run of text's box that is not a form's rules, by its characters (what an engine's
 * box of a text run or a word allows). A scanned paper form under its printed 6 pt labels and rules, 1,008
 * letters, covered 10.3 % of the page to pdf.js with its rules and 9.0 % to pdftotext, 5.0 % and 3.7 %
 * without: counted, the rules passed the page for text to one engine and not to another, and what was
 * written or stuck on the paper went unread. Rules say nothing, and a run of underscores is one word to
 * pdftotext, part of a line to pdf.js: where the engines' boxes differ most. A typed form filled in covers
 * 15-18 % without its rules.
 */
export function shareWithoutRules(text: string): number {
  let rules = 0;
  for (const [run] of text.matchAll(RULE_RUN)) rules += run.length;
  return rules === 0 ? 1 : (text.length - rules) / text.length;
}

/** What a page's layout tells of it: the shares of the page (0-1) its images and its text's boxes cover. */
export interface PageCoverage {
  images: number;
  /** Its text's boxes, less their share of rules (shareWithoutRules). */
  text: number;
}

/**
 * Whether a page is a scan: an image covers most of it, and its text layer is thin (a stamp, a letterhead)
 * or covers little of the page (a typed form, however long). `coverage.text` matters only for a page whose
 * layer is not thin and whose images cover most of it: a caller may measure it for those pages alone.
 */
export function isScannedPage(pageText: string, coverage: PageCoverage): boolean {
  if (coverage.images < SCANNED_PAGE_IMAGE_COVERAGE) return false;
  return mayBeScannedPage(pageText) || coverage.text < SCANNED_PAGE_TEXT_COVERAGE;
}

/** The document's text as the pipeline stores and chunks it: pages separated by a blank line. */
export function joinPageTexts(pageTexts: readonly string[]): string {
  return pageTexts.map((text) => text.trimEnd()).join('\n\n');
}

/** A PDF starts with "%PDF-", though readers tolerate up to 1 KB of junk before it. */
export function hasPdfHeader(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  return head.includes('%PDF-', 0, 'latin1');
}
