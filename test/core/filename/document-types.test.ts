import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_TYPE_BY_CODE,
  documentTypeFromCode,
  isKnownDocumentTypeCode,
} from '../../../src/core/filename/document-types.js';
import { SERVICE_MAP } from './service-map.js';

describe('documentTypeFromCode', () => {
  it('holds exactly the service map', () => {
    expect([...DOCUMENT_TYPE_BY_CODE.entries()].sort()).toEqual([...SERVICE_MAP].sort());
  });

  it.each(SERVICE_MAP)('%s → %s in any case', (code, type) => {
    expect(documentTypeFromCode(code)).toBe(type);
    expect(documentTypeFromCode(code.toLowerCase())).toBe(type);
    expect(isKnownDocumentTypeCode(code.toLowerCase())).toBe(true);
  });

  it('ignores accents when looking a code up', () => {
    expect(documentTypeFromCode('CIRUGÍA')).toBe('surgery');
    expect(documentTypeFromCode('CIRUGI\u0301A')).toBe('surgery');
  });

  it.each(['XYZ', 'CONSULTA', 'HIST', 'CON', '', 'constructor', '__proto__'])(
    '%j → other, unknown',
    (code) => {
      expect(documentTypeFromCode(code)).toBe('other');
      expect(isKnownDocumentTypeCode(code)).toBe(false);
    },
  );
});
