import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  describeDamagedFlateImage,
  findDamagedFlateStream,
} from '../../../src/adapters/extraction/damaged-streams.js';
import { readDecodedImages } from '../../../src/adapters/ocr/native-tesseract-engine.js';
import { makeBadFlateStreamPdf, makeTextPdf } from './support/make-pdfs.js';

/** A minimal object holding one stream, enough for the scan (it reads the bytes, not the structure). */
function pdfWithStream(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`%PDF-1.4\n4 0 obj\n<<${dictionary}/Length ${data.length}>>stream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
  ]);
}

const CONTENT = Buffer.from('BT /F1 12 Tf 10 700 Td (Nota de evolución) Tj ET\n'.repeat(40), 'latin1');

describe('findDamagedFlateStream', () => {
  it('finds nothing in intact PDFs, compressed or not', async () => {
    expect(findDamagedFlateStream(await makeTextPdf({ pages: ['Alta médica.', 'Firma.'] }))).toBeUndefined();
    expect(findDamagedFlateStream(await makeTextPdf({ pages: ['Alta.'], compress: false }))).toBeUndefined();
  });

  it('finds a content stream whose deflate data turns to junk half-way', async () => {
    expect(findDamagedFlateStream(await makeBadFlateStreamPdf())).toMatch(/flate stream at byte \d+/);
  });

  it('finds a stream whose zlib header is wrong', () => {
    const data = deflateSync(CONTENT);
    data[0] = 0x00;
    expect(findDamagedFlateStream(pdfWithStream('/Filter/FlateDecode', data))).toMatch(/invalid header/);
  });

  it('tolerates what pdf.js tolerates: data that ends early, a wrong checksum', () => {
    const data = deflateSync(CONTENT);
    const cut = data.subarray(0, Math.floor(data.length / 2));
    expect(findDamagedFlateStream(pdfWithStream('/Filter/FlateDecode', cut))).toBeUndefined();
    const badChecksum = Buffer.from(data);
    badChecksum.writeUInt8(badChecksum.readUInt8(badChecksum.length - 1) ^ 0xff, badChecksum.length - 1);
    expect(findDamagedFlateStream(pdfWithStream('/Filter/FlateDecode', badChecksum))).toBeUndefined();
  });

  it('leaves out images, other filters and encrypted files', () => {
    const junk = Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(findDamagedFlateStream(pdfWithStream('/Filter/FlateDecode', junk))).toBeDefined();
    expect(findDamagedFlateStream(pdfWithStream('/Subtype/Image/Filter/FlateDecode', junk))).toBeUndefined();
    expect(findDamagedFlateStream(pdfWithStream('/Filter/DCTDecode', junk))).toBeUndefined();
    const encrypted = Buffer.concat([
      pdfWithStream('/Filter/FlateDecode', junk),
      Buffer.from('trailer<</Encrypt 9 0 R>>', 'latin1'),
    ]);
    expect(findDamagedFlateStream(encrypted)).toBeUndefined();
  });
});

describe('describeDamagedFlateImage', () => {
  // A 40 × 30 grey image, 8 bits: 1,200 bytes of samples; with a PNG predictor, a tag byte per row more.
  const IMAGE = { objectNumber: 4, generation: 0, width: 40, height: 30, components: 1, bitsPerComponent: 8 };
  const SAMPLES = Buffer.from(Array.from({ length: 1200 }, (_, i) => (i * 7) & 0xff));
  const DICTIONARY =
    '/Type/XObject/Subtype/Image/Width 40/Height 30/ColorSpace/DeviceGray/BitsPerComponent 8';
  const imagePdf = (data: Buffer, extra = '/Filter/FlateDecode') =>
    pdfWithStream(`${DICTIONARY}${extra}`, data);

  it('finds nothing in an intact image, with or without a PNG predictor, nor in one of another filter', () => {
    expect(describeDamagedFlateImage(imagePdf(deflateSync(SAMPLES)), IMAGE)).toBeUndefined();
    const rows = Buffer.concat(
      Array.from({ length: 30 }, (_, row) =>
        Buffer.concat([Buffer.from([0]), SAMPLES.subarray(row * 40, row * 40 + 40)]),
      ),
    );
    const predicted = imagePdf(
      deflateSync(rows),
      '/Filter/FlateDecode/DecodeParms<</Predictor 15/Columns 40>>',
    );
    expect(describeDamagedFlateImage(predicted, IMAGE)).toBeUndefined();
    expect(
      describeDamagedFlateImage(imagePdf(Buffer.from('junk'), '/Filter/DCTDecode'), IMAGE),
    ).toBeUndefined();
  });

  it('finds deflate data that turns to junk, and data that ends before the last row', () => {
    // A first block of the reserved type 3: zlib's "invalid block type", which poppler passes over in silence.
    const junk = Buffer.concat([deflateSync(SAMPLES).subarray(0, 2), Buffer.from([0x07, 0x55, 0xaa])]);
    expect(describeDamagedFlateImage(imagePdf(junk), IMAGE)).toBe(
      'invalid block type in the Flate-compressed image (object 4)',
    );
    const compressed = deflateSync(SAMPLES, { level: 0 });
    const cut = compressed.subarray(0, compressed.length - 600);
    expect(describeDamagedFlateImage(imagePdf(cut), IMAGE)).toMatch(
      /^the Flate-compressed image \(object 4\) ends after \d+ of its 1200 bytes$/,
    );
    const badHeader = Buffer.from(deflateSync(SAMPLES));
    badHeader[0] = 0;
    expect(describeDamagedFlateImage(imagePdf(badHeader), IMAGE)).toBe(
      'an invalid header in the Flate-compressed image (object 4)',
    );
  });

  it('reads the object asked for: "14 0 obj" is not object 4', () => {
    const junk = Buffer.concat([deflateSync(SAMPLES).subarray(0, 2), Buffer.from([0x07, 0x55, 0xaa])]);
    const other = imagePdf(junk).toString('latin1').replace('4 0 obj', '14 0 obj');
    expect(describeDamagedFlateImage(Buffer.from(other, 'latin1'), IMAGE)).toBeUndefined();
  });
});

describe('readDecodedImages', () => {
  it('lists the images poppler decodes itself from pdfimages -list, by page, with their objects and sizes', () => {
    const list = [
      'page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio',
      '--------------------------------------------------------------------------------------------',
      '   1     0 image    1700   311  rgb     3   8  image  no         4  0   200   200  530K  34%',
      '   1     1 smask    1700   311  gray    1   8  image  no         5  0   200   200   12K   2%',
      '   2     2 image    1700  2200  gray    1   8  jpeg   no         9  0   200   200  300K   8%',
      '   3     3 image    1700  2200  gray    1   1  image  no        12  0   200   200   40K   1%',
    ].join('\n');
    expect(readDecodedImages(list)).toEqual(
      new Map([
        [
          1,
          [
            { objectNumber: 4, generation: 0, width: 1700, height: 311, components: 3, bitsPerComponent: 8 },
            { objectNumber: 5, generation: 0, width: 1700, height: 311, components: 1, bitsPerComponent: 8 },
          ],
        ],
        [
          3,
          [
            {
              objectNumber: 12,
              generation: 0,
              width: 1700,
              height: 2200,
              components: 1,
              bitsPerComponent: 1,
            },
          ],
        ],
      ]),
    );
  });
});
