import { describe, expect, it } from 'vitest';

import { normalizeText } from '../../../src/core/chunking/normalize-text.js';

describe('normalizeText', () => {
  it('collapses horizontal whitespace, including non-breaking spaces and tabs', () => {
    expect(normalizeText('a \t\u00a0 b\u2003c')).toBe('a b c');
  });

  it('keeps line and paragraph breaks but no more than two newlines', () => {
    expect(normalizeText('uno \r\ndos\r\rtres\n\n\n\n  cuatro')).toBe('uno\ndos\n\ntres\n\ncuatro');
  });

  it('drops control characters (C0 and C1) and trims', () => {
    expect(normalizeText('\u0000  hola\u0007 mundo \u001f\u0090 ')).toBe('hola mundo');
  });

  it('removes spaces around line breaks however many there are', () => {
    expect(normalizeText('a \t \n\t b\u00a0\n\nc')).toBe('a\nb\n\nc');
  });
});
