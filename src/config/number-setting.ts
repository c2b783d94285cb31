import { UsageError } from '../errors.js';
import { writeSetting } from './choice-setting.js';

/**
 * A number given as text (a flag, an environment variable) is read only in plain decimal: `16`, `0.85`.
 * JavaScript's Number() would also read `0x10` as 16, `1e3` as 1000, `' 4'` as 4 and `''` as 0, so a value
 * mistyped or pasted with a space would run with a number nobody wrote. `whole`: digits only.
 */
export function parsePlainNumber(text: string, setting: string, kind: 'whole' | 'decimal'): number {
  const plain = kind === 'whole' ? /^\d+$/ : /^(?:\d+(?:\.\d+)?|\.\d+)$/;
  if (plain.test(text)) return Number(text);
  const meant = text.trim() === '' ? Number.NaN : Number(text.trim());
  const candidate = Number.isFinite(meant) && meant >= 0 && (kind === 'decimal' || Number.isInteger(meant)) ? String(meant) : null;
  throw new UsageError(
    `${setting} must be ${kind === 'whole' ? 'a whole number' : 'a number'} in plain decimal digits, not '${text}'`,
    candidate !== null && candidate !== text
      ? `write it in plain digits (no spaces, sign, exponent or 0x), e.g. ${writeSetting(setting, candidate, candidate)}`
      : kind === 'whole'
        ? 'write digits only (a whole number)'
        : 'write digits, with a point for decimals (e.g. 0.85)',
  );
}
