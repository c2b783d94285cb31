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
