import { describe, expect, it } from 'vitest';
import { sanitizeForTerminal } from '../../../src/core/text/sanitize-for-terminal.js';

describe('sanitizeForTerminal', () => {
  it.each([
    ['plain ASCII', 'plain ASCII'],
    ['NUÑEZ ÁVILA, JOSÉ 🙂', 'NUÑEZ ÁVILA, JOSÉ 🙂'],
    ['a\u001b[2Jb', 'a\\x1B[2Jb'],
    ['tab\there', 'tab\\x09here'],
    ['line\nbreak\r', 'line\\x0Abreak\\x0D'],
    ['nul\u0000', 'nul\\x00'],
    ['del\u007f', 'del\\x7F'],
    ['c1\u009b31m', 'c1\\x9B31m'],
    ['evil_\u202efdp.exe', 'evil_\\u{202E}fdp.exe'],
    ['zero\u200bwidth', 'zero\\u{200B}width'],
    ['bom\ufeff', 'bom\\u{FEFF}'],
    ['sep\u2028arator', 'sep\\u{2028}arator'],
    ['lone\ud800surrogate', 'lone\\u{D800}surrogate'],
    ['no-break\u00a0space', 'no-break\u00a0space'],
  ])('%j → %j', (input, output) => {
    expect(sanitizeForTerminal(input)).toBe(output);
  });

  it('leaves no control or format character behind', () => {
    const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)).join('');
    expect(sanitizeForTerminal(all)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});
