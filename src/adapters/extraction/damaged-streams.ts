// PDFium, like poppler, reads what it can of a damaged compressed stream and carries on: a page whose
// content stream is cut short by junk yields part of its text and no error. pdf.js refuses such a file
// ("Bad uncompressed block length in flate stream"), and a records team wants a damaged file reported,
// not half of it ingested. This check finds the same damage in the file's bytes, cheaply: it inflates each
// Flate stream the way pdf.js reads it.
import { constants, inflateRawSync } from 'node:zlib';

const STREAM = Buffer.from('stream', 'latin1');
const END_STREAM = Buffer.from('endstream', 'latin1');
const OBJ = Buffer.from('obj', 'latin1');
const ENCRYPT = Buffer.from('/Encrypt', 'latin1');
// The first (or only) filter is Flate; images are left out, as pdf.js does not decode them for text.
const FLATE_FIRST = /\/Filter\s*\[?\s*\/FlateDecode\b/;
const IMAGE = /\/Subtype\s*\/Image\b/;

/**
 * Describes the first Flate stream whose data is not valid deflate data, or returns undefined. Like pdf.js,
 * it checks the zlib header and the blocks but tolerates data that simply ends early and a bad checksum.
 * Encrypted files are not checked: their streams are ciphertext until decrypted.
 */
export function findDamagedFlateStream(bytes: Uint8Array): string | undefined {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (pdf.includes(ENCRYPT)) return undefined;
  let at = pdf.indexOf(STREAM);
  while (at !== -1) {
    const isEndKeyword = at >= 3 && pdf[at - 3] === 0x65 && pdf[at - 2] === 0x6e && pdf[at - 1] === 0x64;
    let start = at + STREAM.length;
    // The keyword is followed by CR LF or LF (a lone CR is tolerated).
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    if (isEndKeyword || start === at + STREAM.length) {
      at = pdf.indexOf(STREAM, at + STREAM.length);
      continue;
    }
    const end = pdf.indexOf(END_STREAM, start);
    if (end === -1) return undefined;
    const dictionary = pdf.toString('latin1', Math.max(0, pdf.lastIndexOf(OBJ, at)), at);
    if (FLATE_FIRST.test(dictionary) && !IMAGE.test(dictionary)) {
      const damage = describeDeflateDamage(pdf.subarray(start, end));
      if (damage !== undefined) return `${damage} in the flate stream at byte ${start}`;
    }
    at = pdf.indexOf(STREAM, end + END_STREAM.length);
  }
  return undefined;
}

function describeDeflateDamage(data: Buffer): string | undefined {
  if (data.length < 2) return undefined;
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flg) % 31 !== 0) return 'an invalid header';
  try {
    // Raw deflate after the 2-byte header: the Adler-32 checksum is not verified, and a sync flush at the
    // end accepts data that stops early; only malformed blocks throw.
    inflateRawSync(data.subarray(2), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/** An image as poppler's `pdfimages -list` describes it: where it is, and the size of its decoded samples. */
export interface ListedImage {
  objectNumber: number;
  generation: number;
  width: number;
  height: number;
  /** Colour components per pixel, the colour space resolved (1 for an indexed image or a mask). */
  components: number;
  bitsPerComponent: number;
}

/**
 * Describes the damage of a Flate-compressed image — deflate data that is malformed, or that ends before the
 * image's last row — or returns undefined when it decodes whole, is not Flate-compressed, or is not found.
 * Poppler draws such an image without a word, the rows after the damage blank or garbled, and OCR would read
 * part of a page as if it were all of it (pdf.js, by contrast, warns and draws nothing). The checksum is not
 * verified: a wrong one with every row there loses nothing.
 */
export function describeDamagedFlateImage(bytes: Uint8Array, image: ListedImage): string | undefined {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stream = findObjectStream(pdf, image.objectNumber, image.generation);
  if (stream === undefined || !FLATE_FIRST.test(stream.dictionary)) return undefined;
  const object = `the Flate-compressed image (object ${image.objectNumber})`;
  const { data } = stream;
  const cmf = data[0] ?? 0;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | (data[1] ?? 0)) % 31 !== 0) return `an invalid header in ${object}`;
  // Only the sole filter's output has the image's size; Predictor 10-15 (PNG) adds a tag byte to every row.
  const soleFilter = !/\/Filter\s*\[\s*\/FlateDecode\s*\/\w/.test(stream.dictionary);
  const rowBytes = Math.ceil((image.width * image.components * image.bitsPerComponent) / 8);
  const predictor = Number(/\/Predictor\s+(\d+)/.exec(stream.dictionary)?.[1] ?? 1);
  const expected = soleFilter ? image.height * (rowBytes + (predictor >= 10 ? 1 : 0)) : 0;
  let decoded: number;
  try {
    decoded = inflateRawSync(data.subarray(2), {
      finishFlush: constants.Z_SYNC_FLUSH,
      // Enough to tell whether every row is there; a larger output is not damage.
      ...(expected > 0 ? { maxOutputLength: expected } : {}),
    }).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    return `${(error as Error).message} in ${object}`;
  }
  if (decoded < expected) return `${object} ends after ${decoded} of its ${expected} bytes`;
  return undefined;
}

/** The dictionary and data of the stream object `number generation obj` (its last definition), if any. */
function findObjectStream(
  pdf: Buffer,
  number: number,
  generation: number,
): { dictionary: string; data: Buffer } | undefined {
  const header = Buffer.from(`${number} ${generation} obj`, 'latin1');
  // The last definition wins (an incremental update rewrites an object further on); "14 0 obj" is no "4 0 obj".
  let at = pdf.lastIndexOf(header);
  while (at > 0 && pdf[at - 1]! >= 0x30 && pdf[at - 1]! <= 0x39) at = pdf.lastIndexOf(header, at - 1);
  if (at === -1) return undefined;
  const keyword = pdf.indexOf(STREAM, at + header.length);
  if (keyword === -1) return undefined;
  let start = keyword + STREAM.length;
  if (pdf[start] === 0x0d) start++;
  if (pdf[start] === 0x0a) start++;
  const end = pdf.indexOf(END_STREAM, start);
  if (end === -1) return undefined;
  return { dictionary: pdf.toString('latin1', at + header.length, keyword), data: pdf.subarray(start, end) };
}
