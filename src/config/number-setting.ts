import { UsageError } from '../errors.js';
import { writeSetting } from './choice-setting.js';

/** The values a numeric setting accepts: whole numbers or decimals, from `min` to `max` (no upper bound when absent). */
export interface NumberRange {
  kind: 'whole' | 'decimal';
  min: number;
  max?: number;
  /** `min` itself is refused (a time limit of 0 s means nothing): "above 0". */
  minExclusive?: boolean;
}

/**
 * A numeric setting given as text (a flag, an environment variable), read in plain decimal and checked
 * against its range, so that every numeric flag refuses a value the same way: it names the setting, says
 * the range and repeats what was given ("--concurrency must be a whole number from 1 to 64; got 0").
 */
export function readNumberSetting(text: string, setting: string, range: NumberRange): number {
  const trimmed = text.trim();
  const meant = trimmed === '' ? Number.NaN : Number(trimmed);
  // A value that reads as a number of the right kind but out of range (`-1`, `0`) is told the range first:
  // that, not the digits, is what to change. `4.5` for a whole number is told to write digits only.
  const rightKind = Number.isFinite(meant) && (range.kind === 'decimal' || Number.isInteger(meant));
  if (rightKind && !isInNumberRange(meant, range)) throw outOfRange(text, setting, range);
  const n = parsePlainNumber(text, setting, range.kind);
  if (!isInNumberRange(n, range)) throw outOfRange(text, setting, range);
  return n;
}

/** "a whole number from 1 to 64", "a number above 0", "a whole number from 1 up". */
export function describeRange(range: NumberRange): string {
  const what = range.kind === 'whole' ? 'a whole number' : 'a number';
  if (range.minExclusive)
    return range.max === undefined
      ? `${what} above ${range.min}`
      : `${what} above ${range.min} and up to ${range.max}`;
  return range.max === undefined
    ? `${what} from ${range.min} up`
    : `${what} from ${range.min} to ${range.max}`;
}

/** The refusal of a value out of range, for a setting read elsewhere (the config file's JSON numbers). */
export function rangeMessage(setting: string, range: NumberRange, given: string): string {
  return `${setting} must be ${describeRange(range)}; got ${given}`;
}

export function isInNumberRange(n: number, range: NumberRange): boolean {
  if (range.kind === 'whole' && !Number.isInteger(n)) return false;
  if (range.minExclusive ? n <= range.min : n < range.min) return false;
  return range.max === undefined || n <= range.max;
}

function outOfRange(text: string, setting: string, range: NumberRange): UsageError {
  return new UsageError(rangeMessage(setting, range, text));
}

/**
 * A number given as text (a flag, an environment variable) is read only in plain decimal: `16`, `0.85`.
 * JavaScript's Number() would also read `0x10` as 16, `1e3` as 1000, `' 4'` as 4 and `''` as 0, so a value
 * mistyped or pasted with a space would run with a number nobody wrote. `whole`: digits only.
 */
export function parsePlainNumber(text: string, setting: string, kind: 'whole' | 'decimal'): number {
  const plain = kind === 'whole' ? /^\d+$/ : /^(?:\d+(?:\.\d+)?|\.\d+)$/;
  if (plain.test(text)) return Number(text);
  const meant = text.trim() === '' ? Number.NaN : Number(text.trim());
  const candidate =
    Number.isFinite(meant) && meant >= 0 && (kind === 'decimal' || Number.isInteger(meant))
      ? String(meant)
      : null;
  throw new UsageError(
    `${setting} must be ${kind === 'whole' ? 'a whole number' : 'a number'} in plain decimal digits, not '${text}'`,
    candidate !== null && candidate !== text
      ? `write it in plain digits (no spaces, sign, exponent or 0x), e.g. ${writeSetting(setting, candidate, candidate)}`
      : kind === 'whole'
        ? 'write digits only (a whole number)'
        : 'write digits, with a point for decimals (e.g. 0.85)',
  );
}
