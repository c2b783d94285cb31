import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findDamagedFlateStream } from '../../../src/adapters/extraction/damaged-streams.js';
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
