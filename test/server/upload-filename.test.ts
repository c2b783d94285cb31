import { describe, expect, it } from 'vitest';
import { sanitizeUploadName } from '../../src/server/upload-filename.js';

describe('sanitizeUploadName', () => {
  it('keeps the name alone, never a path', () => {
    expect(sanitizeUploadName('../../etc/3000003799_GARZA TIJERINA, MARIA ESTHER_1_CONS.pdf')).toBe(
      '3000003799_GARZA TIJERINA, MARIA ESTHER_1_CONS.pdf',
    );
    expect(sanitizeUploadName('C:\\drop\\x.pdf')).toBe('x.pdf');
    expect(sanitizeUploadName('..')).toBe('');
  });

  it('turns a control character between words into a space, and drops invisible format characters', () => {
    expect(sanitizeUploadName('3000003799_RIOS\u0001CORONADO, CESAR_1_CONS.pdf')).toBe(
      '3000003799_RIOS CORONADO, CESAR_1_CONS.pdf',
    );
    expect(sanitizeUploadName('3000003799_GAR\u200BZA, ANA\u202E_1_CONS.pdf')).toBe(
      '3000003799_GARZA, ANA_1_CONS.pdf',
    );
    expect(sanitizeUploadName('a\n\tb.pdf')).toBe('a b.pdf');
  });
});
