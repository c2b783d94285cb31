// Runs in an OCR child process. Scanners are fed pages upside down and sideways; read that way, a page comes
// out as garbage with a low mean word confidence (0.35-0.45 on generated scans, against 0.89-0.96 upright),
// the content check finds no patient in it, and the document would be attached on its filename alone —
// also when the page names another patient. So a page read with little confidence is read again turned
// 180°, 90° and 270°, and the turn Tesseract reads with clearly more confidence wins.
import type { OpenDocument, PageRotation } from './page-recogniser.js';
import { readTesseractTsv } from './tesseract-tsv.js';
import type { OcrPageText } from './types.js';

/** Mean word confidence (0-100) under which a page is read again turned. Upright scans read at 85 and more. */
export const ROTATION_RETRY_BELOW = 60;
/** A turn replaces the upright reading only when this much more confident: noise alone does not flip a page. */
const ROTATION_MARGIN = 15;
/** A turn read this confidently is the page's orientation: the remaining turns are not tried. */
const ROTATION_GOOD_ENOUGH = 80;
/**
 * A page read as fewer words than this may be faint, and is read with its ink lifted before it is turned. A
 * faint page reads as nothing or a few specks; a page of print turned reads as dozens of garbage words (23 for
 * the three lines of a small test page), and lifting its black ink changes nothing but costs a reading.
 */
const LIFT_BELOW_WORDS = 20;
/** Upside down first: the commonest way a page goes through a feeder wrongly. */
const TURNS: readonly PageRotation[] = [180, 90, 270];

function meanConfidence(page: OcrPageText): number {
  return page.words > 0 ? page.confidenceSum / page.words : 0;
}

/**
 * A confident reading of few words is replaced by its lifted reading only when that reads this many times the
 * words, and confidently: a short page of black print reads the same lifted, a faint one reads its header.
 */
const LIFT_WORDS_FACTOR = 2;

export async function readPageUpright(document: OpenDocument, page: number): Promise<OcrPageText> {
  if (await document.printIsFaint(page)) return readFaintPage(document, page);
  const upright = readTesseractTsv(await document.recognise(page, 0), page);
  const confident = meanConfidence(upright) >= ROTATION_RETRY_BELOW;
  if (upright.words >= LIFT_BELOW_WORDS)
    return confident ? upright : readTurned(document, page, upright, false);
  if (confident) {
    // A page of faint print (88 % grey) read as its bold header alone, confidently: 5 words of a prescription
    // whose 360 the lifted reading reads at 80 % (npm run bench:ocr -- --ink-grey 0.88).
    const lifted = readTesseractTsv(await document.recognise(page, 0, true), page);
    const readsMore =
      lifted.words >= LIFT_BELOW_WORDS &&
      lifted.words >= LIFT_WORDS_FACTOR * upright.words &&
      meanConfidence(lifted) >= ROTATION_RETRY_BELOW;
    return readsMore ? lifted : upright;
  }
  // A faint scan reads as little or nothing (see lift-faint-ink.ts): read with its ink lifted first. When
  // that reads clearly better, the turns are read lifted too: a faint page may also be upside down.
  const lifted = readTesseractTsv(await document.recognise(page, 0, true), page);
  // No ink at all: a blank page. What was read as it lies is the paper's grain taken for letters (tesseract.js
  // read "words" at 41 % on a blank letter page), and no turn would read more than grain either, each slowly.
  if (lifted.words === 0) return lifted;
  const liftInk = meanConfidence(lifted) > meanConfidence(upright) + ROTATION_MARGIN;
  if (liftInk && meanConfidence(lifted) >= ROTATION_RETRY_BELOW) return lifted;
  return readTurned(document, page, liftInk ? lifted : upright, liftInk);
}

/**
 * A page of faint print is read lifted from the start, never as it lies: read so, it is mostly grain, which
 * tesseract.js took for hundreds of letters, one reading running past the per-page limit (lift-faint-ink.ts).
 * Read lifted and still unsure, it may be upside down: the turns are read lifted too. No ink read even lifted:
 * a blank page, its specks taken for print.
 */
async function readFaintPage(document: OpenDocument, page: number): Promise<OcrPageText> {
  const lifted = readTesseractTsv(await document.recognise(page, 0, true), page);
  if (lifted.words === 0 || meanConfidence(lifted) >= ROTATION_RETRY_BELOW) return lifted;
  return readTurned(document, page, lifted, true);
}

/** The most confident of `asRead` and the page's turns, read lifted when `liftInk`. */
async function readTurned(
  document: OpenDocument,
  page: number,
  asRead: OcrPageText,
  liftInk: boolean,
): Promise<OcrPageText> {
  let best = asRead;
  for (const rotation of TURNS) {
    const turned = readTesseractTsv(await document.recognise(page, rotation, liftInk), page);
    const margin = best === asRead ? ROTATION_MARGIN : 0;
    if (turned.words > 0 && meanConfidence(turned) > meanConfidence(best) + margin) best = turned;
    if (meanConfidence(best) >= ROTATION_GOOD_ENOUGH) break;
  }
  return best;
}
