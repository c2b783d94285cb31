// Which pages look scanned (see text-layer.ts's isScannedPage), for the pdftotext engine: poppler's own
// pdfimages lists each page's images with their resolution on the page, from which their size follows,
// pdfinfo gives the pages' sizes, and pdftotext -bbox the boxes of the words of a page of 1,000+ letters over
// a page-sized image. All come with pdftotext in poppler-utils. They run only for a file with a page of a
// stamp or a letterhead's worth of text, or none, or with an image in it at all (an image object, or one
// drawn inline): a text PDF without images costs one read of its bytes and its page content more, no process.
import { readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { constants as zlib, inflateSync } from 'node:zlib';
import {
  isScannedPage,
  mayBeScannedPage,
  SCANNED_PAGE_IMAGE_COVERAGE,
  shareWithoutRules,
} from './text-layer.js';

/** A poppler tool beside the configured pdftotext (`/opt/poppler/bin/pdfimages`), or from PATH as it is. */
function besidePdftotext(pdftotextCommand: string, tool: string): string {
  return pdftotextCommand.includes(path.sep) ? path.join(path.dirname(pdftotextCommand), tool) : tool;
}

/**
 * Points of page covered by images, per page, from `pdfimages -list`: an image's width in pixels over its
 * x-ppi is its width on the page in inches. Soft masks and masks lie under their image and are not counted
 * again. The columns are read from both ends: an inline image (drawn in the page's content, as ghostscript
 * writes a small one and some scanners a whole page) has one cell, `[inline]`, for the two of `object ID`.
 */
export function readImageAreas(list: string): Map<number, number> {
  const areas = new Map<number, number>();
  for (const line of list.split('\n')) {
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    const cells = line.trim().split(/\s+/);
    const page = Number(cells[0]);
    if (cells.length < 15 || !Number.isInteger(page) || !['image', 'stencil'].includes(cells[2]!)) continue;
    const [width, height, xPpi, yPpi] = [cells[3], cells[4], cells.at(-4), cells.at(-3)].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (!(xPpi > 0 && yPpi > 0)) continue;
    areas.set(page, (areas.get(page) ?? 0) + ((width * 72) / xPpi) * ((height * 72) / yPpi));
  }
  return areas;
}

/** Each page's area in points, from `pdfinfo -f A -l B` ("Page    1 size: 612 x 792 pts (letter)"). */
export function readPageAreas(info: string): Map<number, number> {
  const areas = new Map<number, number>();
  for (const match of info.matchAll(/^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts/gm)) {
    areas.set(Number(match[1]), Number(match[2]) * Number(match[3]));
  }
  return areas;
}

/**
 * Each page's share (0-1) covered by its words' boxes, from `pdftotext -bbox -f first` (an invisible OCR
 * layer's words too), a form's rules aside (shareWithoutRules; an entity such as `&amp;` counts as one
 * character); pages are numbered from `firstPage`. Overlaps count twice: words do not overlap.
 */
export function readTextCoverages(html: string, firstPage: number): Map<number, number> {
  const coverages = new Map<number, number>();
  const pages = html.split('<page ').slice(1);
  pages.forEach((page, index) => {
    const size = /^width="([\d.]+)" height="([\d.]+)"/.exec(page);
    const pageArea = size ? Number(size[1]) * Number(size[2]) : 0;
    if (!(pageArea > 0)) return;
    let covered = 0;
    for (const word of page.matchAll(
      /<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</g,
    ))
      covered +=
        Math.abs((Number(word[3]) - Number(word[1])) * (Number(word[4]) - Number(word[2]))) *
        shareWithoutRules(word[5]!.replace(/&[^;]+;/g, '&'));
    coverages.set(firstPage + index, Math.min(1, covered / pageArea));
  });
  return coverages;
}

/**
 * An image XObject's dictionary. An image is a stream, and streams are never inside a compressed object
 * stream, so its dictionary is in the file as written, even in an encrypted one (names are not encrypted).
 */
const IMAGE_XOBJECT = /\/Subtype\s*\/Image(?![A-Za-z0-9])/;
/** A file larger than this is not read for images: the tools decide (their cost is small beside its text's). */
const IMAGE_SEARCH_MAX_BYTES = 16 * 2 ** 20;

/**
 * Whether the file holds an image XObject, or draws an image inline (drawsInlineImage): the test that spares
 * a text PDF any poppler process. A file that cannot be read, or a large one, is said to hold one, so the
 * tools decide.
 */
export function holdsImage(file: string): boolean {
  let bytes: Buffer;
  try {
    if (statSync(file).size > IMAGE_SEARCH_MAX_BYTES) return true;
    bytes = readFileSync(file);
  } catch {
    return true;
  }
  const text = bytes.toString('latin1');
  return IMAGE_XOBJECT.test(text) || drawsInlineImage(bytes, text);
}

/** Streams that are no page content: fonts, cross-reference and object streams, metadata, attachments. */
const NOT_CONTENT =
  /\/(?:Length[123]|Subtype\s*\/(?:Type1C|CIDFontType0C|OpenType|XML)|Type\s*\/(?:XRef|ObjStm|Metadata|EmbeddedFile))(?![A-Za-z0-9])/;
const FLATE_ONLY = /\/Filter\s*(?:\/FlateDecode|\[\s*\/FlateDecode\s*\])(?![A-Za-z0-9])/;
/** `BI` and the first key of an inline image's dictionary (`/W`, `/Width`, `/BPC`, …) in a content stream. */
const INLINE_IMAGE = /(?:^|\s)BI\s*\/[A-Z]/;

/**
 * Whether a content stream of the PDF (`bytes`, and `text`, the same read as latin1) draws an image inline
 * (`BI … ID … EI`), which poppler lists but a search of the bytes for an image object cannot see: a
 * page-sized one under 1,000+ letters of text is a scan to pdf.js and PDFium. Content is inflated (Flate,
 * the only filter of page content in practice); a stream that cannot be (another filter, an encrypted file,
 * damage) is said to draw one, so the tools decide. A tenth of a millisecond for a sample PDF, where
 * `pdfimages -list` costs twice what pdftotext does (measured).
 */
export function drawsInlineImage(bytes: Buffer, text: string): boolean {
  for (let at = text.indexOf('stream'); at >= 0; at = text.indexOf('stream', at + 1)) {
    // The keyword ends its line (CR LF or LF); "endstream" holds it too.
    const start = text.startsWith('\r\n', at + 6) ? at + 8 : text[at + 6] === '\n' ? at + 7 : -1;
    if (start < 0 || text.startsWith('end', at - 3)) continue;
    const end = text.indexOf('endstream', start);
    if (end < 0) return true;
    const dictionary = text.slice(text.lastIndexOf('obj', at), at);
    at = end + 'endstream'.length;
    if (NOT_CONTENT.test(dictionary)) continue;
    let content = text.slice(start, end);
    if (dictionary.includes('/Filter')) {
      if (!FLATE_ONLY.test(dictionary)) return true;
      try {
        content = inflateSync(bytes.subarray(start, end), {
          finishFlush: zlib.Z_SYNC_FLUSH,
          maxOutputLength: IMAGE_SEARCH_MAX_BYTES,
        }).toString('latin1');
      } catch {
        return true;
      }
    }
    if (INLINE_IMAGE.test(content)) return true;
  }
  return false;
}

function run(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): string | null {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'ignore'],
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    // pdftotext -bbox writes ~10 KB a page: spawnSync's default of 1 MB would end a long file's measure.
    maxBuffer: 256 * 2 ** 20,
  });
  return result.error || result.status !== 0 ? null : result.stdout;
}

/**
 * The 1-based pages that are scans (see isScannedPage): a thin text layer or none, or a layer of any length
 * whose words cover little of the page, over a page-sized image. When pdfimages or pdfinfo cannot be run
 * (missing, or refusing the file), every thin page is counted, and when pdftotext -bbox cannot, every page of
 * text over a page-sized image: OCR'ing a page for nothing costs seconds, leaving a scan unread may attach it
 * to the wrong patient.
 */
export function findScannedPagesWithPoppler(options: {
  pdftotextCommand: string;
  path: string;
  pageTexts: readonly string[];
  timeoutMs: number;
  /** The tools' environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
}): number[] {
  const env = options.env ?? process.env;
  const pageNumbers = options.pageTexts.map((_, index) => index + 1);
  const thin = pageNumbers.filter((page) => mayBeScannedPage(options.pageTexts[page - 1]!));
  // Pages of 1,000+ letters are looked at only in a file with an image in it (a typed form over a scan).
  const candidates = thin.length < pageNumbers.length && holdsImage(options.path) ? pageNumbers : thin;
  if (candidates.length === 0) return [];
  const range = ['-f', String(candidates[0]), '-l', String(candidates.at(-1))];
  const list = run(
    besidePdftotext(options.pdftotextCommand, 'pdfimages'),
    [...range, '-list', options.path],
    options.timeoutMs,
    env,
  );
  if (list === null) return thin;
  const imageAreas = readImageAreas(list);
  if (!candidates.some((page) => imageAreas.has(page))) return [];
  const info = run(
    besidePdftotext(options.pdftotextCommand, 'pdfinfo'),
    [...range, options.path],
    options.timeoutMs,
    env,
  );
  if (info === null) return thin;
  const pageAreas = readPageAreas(info);
  const imageCoverage = (page: number): number => {
    const pageArea = pageAreas.get(page) ?? 0;
    return pageArea > 0 ? (imageAreas.get(page) ?? 0) / pageArea : 0;
  };
  const imaged = candidates.filter((page) => imageCoverage(page) >= SCANNED_PAGE_IMAGE_COVERAGE);
  const full = imaged.filter((page) => !mayBeScannedPage(options.pageTexts[page - 1]!));
  let textCoverages = new Map<number, number>();
  if (full.length > 0) {
    const bbox = run(
      options.pdftotextCommand,
      ['-bbox', '-enc', 'UTF-8', '-f', String(full[0]), '-l', String(full.at(-1)), options.path, '-'],
      options.timeoutMs,
      env,
    );
    // Unmeasured, a page of text over a page-sized image counts as a scan (text 0).
    if (bbox !== null) textCoverages = readTextCoverages(bbox, full[0]!);
  }
  return imaged.filter((page) =>
    isScannedPage(options.pageTexts[page - 1]!, {
      images: imageCoverage(page),
      text: textCoverages.get(page) ?? 0,
    }),
  );
}
