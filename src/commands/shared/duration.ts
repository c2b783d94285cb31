import { UsageError } from '../../errors.js';

const DAY_MS = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = {
  min: 60_000,
  m: 60_000,
  h: 3_600_000,
  d: DAY_MS,
  w: 7 * DAY_MS,
  y: 365 * DAY_MS,
};

/** Past this a date is after (or before) any a clock can hold: `99999999999d` crashed with a RangeError. */
const MAX_DURATION_MS = 36_500 * DAY_MS;

/**
 * A duration a person types for `flag` — `30m`, `12h`, `7d`, `2w`, `1y`, `1.5d` — in milliseconds. One reading
 * for every flag that takes one (`--older-than`, `--expires`), so that what one accepts the other does too.
 * `tooLongHint` says what to do instead of a duration over 100 years; `allowZero`: whether `0d` means something.
 */
export function parseDuration(
  text: string,
  options: {
    flag: string;
    example: string;
    tooLongHint?: string;
    allowZero?: boolean;
    /**
     * Refuse a bare `m`: where durations run to months (a token's life), `6m` reads as six months and would be
     * six minutes. `min` still says minutes.
     */
    mIsAmbiguous?: boolean;
  },
): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(min|[mhdwy])\s*$/i.exec(text);
  if (match && options.mIsAmbiguous && match[2]!.toLowerCase() === 'm') {
    throw new UsageError(
      `${options.flag} '${text}' is ambiguous: m would be minutes, not months`,
      `write months as weeks or days (six months: 26w or 182d), or minutes as ${match[1]}min`,
    );
  }
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : Number.NaN;
  if (!match || (ms <= 0 && !options.allowZero)) {
    throw new UsageError(`${options.flag} '${text}' is not a duration`, `write it like ${options.example}`);
  }
  if (!(ms <= MAX_DURATION_MS)) {
    throw new UsageError(
      `${options.flag} '${text}' is too long`,
      `at most 100y${options.tooLongHint ? `; ${options.tooLongHint}` : ''}`,
    );
  }
  return Math.round(ms);
}
