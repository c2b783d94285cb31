import { describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/ui/i18n/messages.js';
import { wrapWords } from '../../src/ui/format.js';

describe('a summary line broken at spaces for the terminal', () => {
  it('keeps a quoted command whole, its quote on it: no space creeps in after the backtick', () => {
    const line = `  ${messagesFor('es').summary.unknownTypeCodes(1, 'INTERC', '`tecsalud-batch parse --help`', 1)}`;
    const rows = wrapWords(line, 100);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((row) => row.length <= 100)).toBe(true);
    expect(rows.at(-1)).toMatch(/ `tecsalud-batch parse --help`$/);
    expect(rows.join(' ')).not.toContain('` tecsalud-batch');
    // Nothing else lost or added: the rows are the line's words, in order.
    expect(rows.join(' ').split(/\s+/).filter(Boolean)).toEqual(line.split(/\s+/).filter(Boolean));
  });

  it('still keeps a bare command whole at the end of its line', () => {
    const rows = wrapWords(
      `  See every file with: tecsalud-batch status 3f2a9c1e --files ${'x'.repeat(10)}`,
      30,
    );
    expect(rows.at(-1)).toBe('    tecsalud-batch status 3f2a9c1e --files xxxxxxxxxx');
  });
});
