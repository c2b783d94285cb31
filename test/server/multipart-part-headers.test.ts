import { describe, expect, it } from 'vitest';
import { createPartHeaderScanner, type ScannedPartHeader } from '../../src/server/multipart-part-headers.js';

const BOUNDARY = 'XyZ-boundary';

/** Every header block of `body` fed as the given chunks. */
function scan(body: Buffer, cuts: number[], maxHeaderBytes = 1024): ScannedPartHeader[] {
  const scanner = createPartHeaderScanner(BOUNDARY, { maxHeaderBytes });
  const found: ScannedPartHeader[] = [];
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    found.push(...scanner.push(body.subarray(from, cut)));
    from = cut;
  }
  return found;
}

/** The same blocks whatever the chunks: one, cut at each byte, every byte alone. */
function expectEverySplit(body: Buffer, expected: ScannedPartHeader[], maxHeaderBytes?: number): void {
  expect(scan(body, [], maxHeaderBytes)).toEqual(expected);
  for (let cut = 0; cut <= body.length; cut++) {
    expect([cut, scan(body, [cut], maxHeaderBytes)]).toEqual([cut, expected]);
  }
  expect(scan(body, [...body.keys()], maxHeaderBytes)).toEqual(expected);
}

const part = (headers: string, content: string | Buffer) =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\n${headers}\r\n\r\n`),
    Buffer.from(content),
    Buffer.from('\r\n'),
  ]);
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

describe('createPartHeaderScanner', () => {
  it("reads each part's Content-Disposition, in order, wherever the chunks are cut", () => {
    const body = Buffer.concat([
      part(
        `Content-Disposition: form-data; name="files"; filename="A.pdf"; filename*=UTF-8''R%C3%8DOS.pdf\r\nContent-Type: application/pdf`,
        '%PDF-1.4 with \r\n--XyZ-boundar almost a delimiter\r\n\r\n and a blank line',
      ),
      part('content-type: text/plain\r\ncontent-disposition: form-data; name="note"', 'text'),
      part(
        'Content-Disposition: form-data; name="files"; filename="RÍOS, CÉSAR.pdf"',
        Buffer.from([0, 13, 10, 45, 45]),
      ),
      end,
    ]);
    expectEverySplit(body, [
      { contentDisposition: `form-data; name="files"; filename="A.pdf"; filename*=UTF-8''R%C3%8DOS.pdf` },
      { contentDisposition: 'form-data; name="note"' },
      { contentDisposition: 'form-data; name="files"; filename="RÍOS, CÉSAR.pdf"' },
    ]);
  });

  it('skips a preamble and what follows the closing delimiter, and joins a folded header', () => {
    const body = Buffer.concat([
      Buffer.from(`a preamble with --${BOUNDARY} inside a line`),
      Buffer.from('\r\n'),
      part('Content-Disposition: form-data; name="files";\r\n filename="B.pdf"', 'x'),
      end,
      part('Content-Disposition: form-data; name="files"; filename="after-the-end.pdf"', 'y'),
    ]);
    expectEverySplit(body, [{ contentDisposition: 'form-data; name="files"; filename="B.pdf"' }]);
  });

  it('reports a part without Content-Disposition, drops one whose headers a delimiter cuts, and says when a block is too long', () => {
    const body = Buffer.concat([
      part('Content-Type: application/pdf', 'x'),
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="cut"\r\n`),
      part(`Content-Disposition: form-data; name="files"; filename="${'L'.repeat(200)}.pdf"`, 'y'),
      part('Content-Disposition: form-data; name="files"; filename="C.pdf"', 'z'),
      end,
    ]);
    expectEverySplit(
      body,
      [
        { contentDisposition: undefined },
        { tooLong: true },
        { contentDisposition: 'form-data; name="files"; filename="C.pdf"' },
      ],
      120,
    );
  });

  it('reads the first delimiter at the very start and a body that ends without its closing one', () => {
    const body = part('Content-Disposition: form-data; name="files"; filename="D.pdf"', 'cut sh');
    expectEverySplit(body, [{ contentDisposition: 'form-data; name="files"; filename="D.pdf"' }]);
  });
});
