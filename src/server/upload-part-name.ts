import type { ContentDisposition } from './content-disposition.js';
import { foldAccents } from '../core/filename/fold-accents.js';
import { decodeEncodedWords } from './encoded-words.js';
import { sanitizeUploadName, uploadNameTooLong } from './upload-filename.js';

/** The name a file part is taken under (undefined: it names none), or why the part is refused (400). */
export type PartName =
  { ok: true; filename: string | undefined } | { ok: false; filename: string; message: string };

/**
 * The name of a file part from its Content-Disposition (RFC 6266 §4.3): `filename*` when present, `filename`
 * otherwise (an RFC 2047 encoded word decoded, as .NET sends it). When both are present they must name the
 * same file: `filename` is the fallback of old recipients, so it may lose the accents, the case, or write
 * each non-ASCII letter as `?`, `_` or U+FFFD, or be the name as an encoded word; naming another file (another
 * patient) the part is refused, as no reading of it can be trusted. The name is sanitized; one over the
 * limit is refused rather than cut.
 */
export function choosePartName(disposition: ContentDisposition): PartName {
  const fallback =
    disposition.filename === undefined ? undefined : sanitizeUploadName(readFallback(disposition.filename));
  const star = disposition.filenameStar;
  const shown = (star?.ok ? sanitizeUploadName(star.value) : fallback) || '(no name)';
  const repeated = disposition.repeated.find((name) => name.startsWith('filename'));
  if (repeated) {
    return {
      ok: false,
      filename: shown,
      message: `this part's Content-Disposition gives ${repeated} twice, with different names: send one name`,
    };
  }
  if (star && !star.ok) {
    return {
      ok: false,
      filename: fallback || '(no name)',
      message:
        `the server cannot read this part's filename*=${star.raw}: ${star.reason}; ` +
        "send it as filename*=UTF-8''<the name percent-encoded>",
    };
  }
  const chosen = star ? sanitizeUploadName(star.value) : fallback;
  if (star && fallback !== undefined && chosen !== undefined && !sameFileName(fallback, chosen)) {
    return {
      ok: false,
      filename: shown,
      message:
        `this part's Content-Disposition names two different files: filename="${disposition.filename}" and ` +
        `filename*="${chosen}"; nothing of it was taken: send one name (filename*=UTF-8''… with its ASCII ` +
        'fallback in filename, or one of them alone)',
    };
  }
  const tooLong = chosen === undefined ? null : uploadNameTooLong(chosen);
  if (tooLong) return { ok: false, filename: chosen!, message: tooLong };
  return { ok: true, filename: chosen };
}

/** A `filename` as written, or the text of the encoded word(s) it is. */
function readFallback(filename: string): string {
  return decodeEncodedWords(filename) ?? filename;
}

const REPLACEMENTS = new Set(['?', '_', '\uFFFD']);

/**
 * Whether `fallback` is a `filename` fallback of `name` (both sanitized): equal once accents and case are set
 * aside, each non-ASCII letter of `name` possibly written as `?`, `_` or U+FFFD (once, or once per UTF-8 byte).
 */
export function sameFileName(fallback: string, name: string): boolean {
  if (fallback === name) return true;
  const wanted = [...name.normalize('NFC')];
  const given = [...fold(fallback)];
  // reachable[j]: the first i letters of `name` can be read as the first j of `fallback`.
  let reachable = new Set([0]);
  for (const letter of wanted) {
    const next = new Set<number>();
    const plain = [...fold(letter)];
    for (const j of reachable) {
      if (plain.every((char, k) => given[j + k] === char)) next.add(j + plain.length);
      if (letter.codePointAt(0)! > 0x7f) {
        // One replacement, or one per UTF-8 byte (a client writing bytes, not letters).
        const most = Buffer.byteLength(letter);
        for (let k = 0; k < most && REPLACEMENTS.has(given[j + k]!); k++) next.add(j + k + 1);
      }
    }
    if (next.size === 0) return false;
    reachable = next;
  }
  return reachable.has(given.length);
}

/** The text with accents removed and in lower case. */
function fold(text: string): string {
  return foldAccents(text).toLowerCase();
}
