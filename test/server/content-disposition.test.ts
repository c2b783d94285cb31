import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../src/server/content-disposition.js';
import { decodeEncodedWords } from '../../src/server/encoded-words.js';

describe('parseContentDisposition', () => {
  it('reads name, filename (token or quoted-string with escapes) and filename* (UTF-8, ISO-8859-1)', () => {
    expect(
      parseContentDisposition(
        `form-data; name="files"; filename="A \\"B\\" C\\\\D.pdf"; filename*=UTF-8''R%C3%8DOS%20CORONADO%2C%20C%C3%89SAR.pdf`,
      ),
    ).toEqual({
      type: 'form-data',
      name: 'files',
      filename: 'A "B" C\\D.pdf',
      filenameStar: { ok: true, value: 'RÍOS CORONADO, CÉSAR.pdf' },
      repeated: [],
    });
    expect(
      parseContentDisposition(`Form-Data; NAME=files; FileName*=iso-8859-1'es'R%CDOS.pdf; filename=RIOS.pdf`),
    ).toEqual({
      type: 'form-data',
      name: 'files',
      filename: 'RIOS.pdf',
      filenameStar: { ok: true, value: 'RÍOS.pdf' },
      repeated: [],
    });
  });

  it('keeps a backslash that escapes nothing (a Windows path), and a semicolon inside quotes', () => {
    expect(parseContentDisposition('form-data; name="files"; filename="C:\\drop\\a;b.pdf"').filename).toBe(
      'C:\\drop\\a;b.pdf',
    );
  });

  it('says why a filename* cannot be read, and which parameters came twice with different values', () => {
    expect(parseContentDisposition(`form-data; filename*=UTF-8%27%27A.pdf`).filenameStar).toMatchObject({
      ok: false,
    });
    expect(parseContentDisposition(`form-data; filename*=shift_jis''A.pdf`).filenameStar).toMatchObject({
      ok: false,
      reason: "its charset 'shift_jis' is not UTF-8 or ISO-8859-1",
    });
    expect(
      parseContentDisposition('form-data; filename="A.pdf"; filename="B.pdf"; name=x; name=x').repeated,
    ).toEqual(['filename']);
  });
});

describe('decodeEncodedWords', () => {
  it('decodes B and Q encoded words in UTF-8 and ISO-8859-1, and nothing else', () => {
    const name = 'RÍOS CORONADO, CÉSAR.pdf';
    expect(decodeEncodedWords(`=?utf-8?B?${Buffer.from(name).toString('base64')}?=`)).toBe(name);
    expect(decodeEncodedWords('=?ISO-8859-1?Q?R=CDOS_CORONADO?= =?utf-8?q?=2C_C=C3=89SAR.pdf?=')).toBe(name);
    expect(decodeEncodedWords('RIOS CORONADO.pdf')).toBeUndefined();
    expect(decodeEncodedWords('=?koi8-r?B?AAAA?=')).toBeUndefined();
  });
});
