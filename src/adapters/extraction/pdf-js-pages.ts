// pdf.js (through pdf-parse) inside an extraction child: the pdf-parse engine itself, and the check both
// engines run on a PDF that yields no text at all, to tell a damaged file from a scan. Only child processes
// import this module; pdf.js loads on first use.
import { classifyPdfError } from './classify-pdf-error.js';
import { describeFailure } from './describe-failure.js';
import {
  findScannedPages,
  textCoverage,
  type PdfJsDocument,
  type PdfJsTextBox,
} from './pdf-js-scanned-pages.js';
import type { ExtractionFailure } from './types.js';

// pdf.js 5.4 on a broken content stream throws from getText *and* leaves stray rejected promises; on
// Node 20 those would kill this process and the next file with it. The throw already reports the file.
process.on('unhandledRejection', () => {});

/** `scannedPages`: see ExtractionSuccess. */
export type ParsedPages = { pages: number; pageTexts: string[]; scannedPages: number[] };

type PdfParseModule = typeof import('pdf-parse');
let pdfParse: Promise<PdfParseModule> | undefined;

function loadPdfParse(): Promise<PdfParseModule> {
  // With source maps on (tsx turns them on when the tests run this from sources; so does a user's
  // NODE_OPTIONS=--enable-source-maps), Node parses pdf.js's maps as it loads it: ~80 MB of a child's heap
  // ceiling and seconds of start-up, for stack traces nobody reads. So pdf.js is imported only after.
  process.setSourceMapsEnabled(false);
  pdfParse ??= import('pdf-parse');
  return pdfParse;
}

/** pdf.js may take over the bytes' buffer (it hands it to its own worker): pass bytes not needed after. */
export async function parsePages(bytes: Uint8Array, stopAtErrors: boolean): Promise<ParsedPages> {
  const { PDFParse, VerbosityLevel } = await loadPdfParse();
  const parser = new PDFParse({ data: bytes, verbosity: VerbosityLevel.ERRORS, stopAtErrors });
  try {
    const textCoverages = measureTextAsRead(parser);
    const result = await parser.getText();
    const pageTexts = result.pages.map((page) => page.text);
    // pdf-parse keeps the pdf.js document it opened for getText in a private field and has no call for
    // what is measured here; its version is pinned, and the tests of a stamped scan fail if the field moves.
    const document = (parser as unknown as { doc?: PdfJsDocument }).doc;
    const scannedPages = document ? await findScannedPages(document, pageTexts, textCoverages) : [];
    return { pages: result.total, pageTexts, scannedPages };
  } finally {
    await parser.destroy().catch(() => {});
  }
}

/** The subset of pdf-parse's private page reader, and of pdf.js's page, that measureTextAsRead wraps. */
interface PageTextReader {
  getPageText(page: PdfJsTextPage, ...rest: unknown[]): Promise<string>;
}
interface PdfJsTextPage {
  readonly pageNumber: number;
  readonly view: number[];
  getTextContent(...options: unknown[]): Promise<{ items: PdfJsTextBox[] }>;
}

/**
 * The share of each page its text covers (0-based, by page), measured from the text items getText reads
 * anyway, so the area costs no second pass over the page. pdf-parse has no call for it: its private page
 * reader is wrapped (its version is pinned, and the typed-form scan test fails if it moves). Pages it did
 * not see stay unmeasured, which findScannedPages reads as "only a thin layer says scan".
 */
function measureTextAsRead(parser: object): (number | undefined)[] {
  const coverages: (number | undefined)[] = [];
  const reader = parser as Partial<PageTextReader>;
  const read = reader.getPageText;
  if (typeof read !== 'function') return coverages;
  reader.getPageText = (page, ...rest) => {
    const getTextContent = page.getTextContent.bind(page);
    page.getTextContent = async (...options) => {
      const content = await getTextContent(...options);
      coverages[page.pageNumber - 1] = textCoverage(content.items, page.view);
      return content;
    };
    return read.call(parser, page, ...rest);
  };
  return coverages;
}

/**
 * Engines recover silently from many broken content streams and return empty pages, exactly as for a
 * scan. Only for such empty results, pdf.js parses again refusing to recover: an error then means the file
 * is damaged rather than image-only. Both engines use this one check, so they agree on these outcomes.
 */
export async function explainEmptyText(
  readBytes: () => Promise<Uint8Array>,
  pages: number,
): Promise<ExtractionFailure> {
  try {
    await parsePages(await readBytes(), true);
  } catch (error) {
    const { detail } = classifyPdfError(error);
    return describeFailure('corrupt', { detail, pages });
  }
  return describeFailure('image_only', { pages });
}
