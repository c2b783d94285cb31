import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../src/server/content-disposition.js';
import { choosePartName, sameFileName } from '../../src/server/upload-part-name.js';

const RIOS = '3000016374_RÍOS CORONADO, CÉSAR_5555555504_LAB.pdf';
const ACOSTA = '3000576011_ACOSTA MORALES, JORGE_5555555504_LAB.pdf';
const star = (name: string) => `filename*=UTF-8''${encodeURIComponent(name)}`;
const choose = (params: string) =>
  choosePartName(parseContentDisposition(`form-data; name="files"; ${params}`));

describe('choosePartName', () => {
  it('takes filename* over filename when both name the same file, whatever their order', () => {
    for (const fallback of [
      '3000016374_RIOS CORONADO, CESAR_5555555504_LAB.pdf',
      '3000016374_rios coronado, cesar_5555555504_lab.pdf',
      '3000016374_R?OS CORONADO, C?SAR_5555555504_LAB.pdf',
      '3000016374_R??OS CORONADO, C__SAR_5555555504_LAB.pdf',
      '3000016374_R\uFFFDOS CORONADO, C\uFFFDSAR_5555555504_LAB.pdf',
      `=?utf-8?B?${Buffer.from(RIOS).toString('base64')}?=`,
      RIOS,
    ]) {
      expect(choose(`filename="${fallback}"; ${star(RIOS)}`)).toEqual({ ok: true, filename: RIOS });
      expect(choose(`${star(RIOS)}; filename="${fallback}"`)).toEqual({ ok: true, filename: RIOS });
    }
    expect(choose(star(RIOS))).toEqual({ ok: true, filename: RIOS });
    expect(choose(`filename="${RIOS}"`)).toEqual({ ok: true, filename: RIOS });
    expect(choose(`filename="=?utf-8?B?${Buffer.from(RIOS).toString('base64')}?="`)).toEqual({
      ok: true,
      filename: RIOS,
    });
    expect(choose('')).toEqual({ ok: true, filename: undefined });
  });

  it('refuses a part whose filename and filename* name different files, quoting both', () => {
    const other = choose(`filename="${ACOSTA}"; ${star(RIOS)}`);
    expect(other).toEqual({
      ok: false,
      filename: RIOS,
      message:
        `this part's Content-Disposition names two different files: filename="${ACOSTA}" and filename*="${RIOS}"; ` +
        "nothing of it was taken: send one name (filename*=UTF-8''… with its ASCII fallback in filename, or one of them alone)",
    });
    expect(choose(`${star(RIOS)}; filename="${ACOSTA}"`)).toEqual(other);
    // A fallback that dropped a letter, or put `?` for an ASCII one, is another name.
    expect(choose(`filename="3000016374_ROS CORONADO, CSAR_5555555504_LAB.pdf"; ${star(RIOS)}`).ok).toBe(
      false,
    );
    expect(choose(`filename="3000016374_R?OS CORONADO, CESA?_5555555504_LAB.pdf"; ${star(RIOS)}`).ok).toBe(
      false,
    );
  });

  it('refuses a name over the limit instead of cutting it, and a filename* it cannot read', () => {
    const long = `3000016374_${'RÍOS CORONADO '.repeat(20)}, CÉSAR_5555555504_LAB.pdf`;
    expect(choose(star(long))).toEqual({
      ok: false,
      filename: long,
      message: `the filename is too long: ${long.length} characters, over the limit of 200; it is not cut, as cut it would lose its end (the document type): send it under a shorter name`,
    });
    expect(choose(`filename="A.pdf"; filename*=shift_jis''A.pdf`)).toMatchObject({
      ok: false,
      filename: 'A.pdf',
    });
  });
});

describe('sameFileName', () => {
  it('sets aside accents and case, and a non-ASCII letter written as ?, _ or U+FFFD', () => {
    expect(sameFileName('PENA.pdf', 'PEÑA.pdf')).toBe(true);
    expect(sameFileName('PE??A.pdf', 'PEÑA.pdf')).toBe(true);
    expect(sameFileName('PE???A.pdf', 'PEÑA.pdf')).toBe(false);
    expect(sameFileName('PEA.pdf', 'PEÑA.pdf')).toBe(false);
    expect(sameFileName('?'.repeat(60), 'Ñ'.repeat(30) + 'X')).toBe(false);
  });
});
