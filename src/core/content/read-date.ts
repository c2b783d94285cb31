const MONTHS: Readonly<Record<string, number>> = {
  ENERO: 1,
  ENE: 1,
  JANUARY: 1,
  JAN: 1,
  FEBRERO: 2,
  FEBRUARY: 2,
  FEB: 2,
  MARZO: 3,
  MARCH: 3,
  MAR: 3,
  ABRIL: 4,
  APRIL: 4,
  ABR: 4,
  APR: 4,
  MAYO: 5,
  MAY: 5,
  JUNIO: 6,
  JUNE: 6,
  JUN: 6,
  JULIO: 7,
  JULY: 7,
  JUL: 7,
  AGOSTO: 8,
  AUGUST: 8,
  AGO: 8,
  AUG: 8,
  SEPTIEMBRE: 9,
  SETIEMBRE: 9,
  SEPTEMBER: 9,
  SEPT: 9,
  SEP: 9,
  SET: 9,
  OCTUBRE: 10,
  OCTOBER: 10,
  OCT: 10,
  NOVIEMBRE: 11,
  NOVEMBER: 11,
  NOV: 11,
  DICIEMBRE: 12,
  DECEMBER: 12,
  DIC: 12,
  DEC: 12,
};
const MONTH_WORDS = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const SEP = String.raw`\s*[/\-.]\s*`;
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})${SEP}(\d{1,2})${SEP}(\d{4}|\d{2})(?!\d)`);
const YEAR_MONTH_DAY = new RegExp(String.raw`^(\d{4})${SEP}(\d{1,2})${SEP}(\d{1,2})(?!\d)`);
const WORDED = new RegExp(
  String.raw`^(\d{1,2})(?:\s+DE\s+|\s*[/\-.]\s*|\s+)(${MONTH_WORDS})\b\.?(?:\s+DE(?:L)?\s+|\s*[/\-.]\s*|\s+)(\d{4}|\d{2})(?!\d)`,
);
/** The English way: March 5, 1985; Mar 5th 1985. */
const MONTH_DAY_YEAR = new RegExp(
  String.raw`^(${MONTH_WORDS})\b\.?\s*(\d{1,2})(?:ST|ND|RD|TH)?(?:\s*,\s*|\s+)(\d{4}|\d{2})(?!\d)`,
);

const pad = (n: number): string => String(n).padStart(2, '0');

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function fullYear(written: string, referenceYear: number | undefined): number | null {
  const year = Number(written);
  if (written.length === 4) return year;
  if (referenceYear === undefined) return null;
  // A birth year is never in the future: 85 is 1985, and in 2026 a 24 is 2024.
  const century = Math.floor(referenceYear / 100) * 100;
  return century + year > referenceYear ? century - 100 + year : century + year;
}

function iso(year: number | null, month: number, day: number): string | null {
  if (year === null || year < 1880 || year > 2100) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * How the first two numbers of a numeric date are read. `day_first`, the Mexican order and the one under
 * Spanish labels: 05/03/1985 is 5 March (a date that can only be month first, 03/15/1985, is still read,
 * as 15 March). `either`, under an English label (DOB, Date of Birth), where a date may be written the
 * US way: when the day and the month are both 12 or less and differ, the date is read both ways round,
 * month first as `iso` and day first as `alternative`, and nothing may depend on which is right — the
 * cross-check counts it as agreeing when either reading is the registry's birth date and as contradicting
 * only when neither is. A date with a month word or written year first (1985-03-05) reads one way only.
 * `month_first`, where the form itself says so (`Date of Birth (MM/DD/YYYY):`): 03/05/1985 is 5 March.
 */
export type NumericDateOrder = 'day_first' | 'month_first' | 'either';

export interface ReadDateResult {
  iso: string;
  /** The other reading of an ambiguous numeric date under `either`; null when the date reads one way only. */
  alternative: string | null;
  length: number;
}

/**
 * Reads a date at the start of `segment` (label view, OCR digits corrected): 15/03/1985, 15-03-1985,
 * 15.03.1985, 1985-03-15, 15 de marzo de 1985, 15/MAR/1985, 15-mar-85 (with a reference year), March 15,
 * 1985. Numeric day and month in the given `order` (see NumericDateOrder). Returns the ISO date (and the
 * alternative reading, if any) and the length read, or null.
 */
export function readDate(
  segment: string,
  referenceYear?: number,
  order: NumericDateOrder = 'day_first',
): ReadDateResult | null {
  const text = segment.replace(/^\s+/, '');
  const skipped = segment.length - text.length;
  const result = (value: string | null, length: number, alternative: string | null = null) =>
    value === null ? null : { iso: value, alternative, length: skipped + length };
  let m = YEAR_MONTH_DAY.exec(text);
  if (m !== null) return result(iso(Number(m[1]), Number(m[2]), Number(m[3])), m[0].length);
  m = DAY_MONTH_YEAR.exec(text);
  if (m !== null) {
    const year = fullYear(m[3]!, referenceYear);
    const first = Number(m[1]);
    const second = Number(m[2]);
    const dayFirst = iso(year, second, first);
    const monthFirst = iso(year, first, second);
    if (order === 'day_first') return result(dayFirst ?? (second > 12 ? monthFirst : null), m[0].length);
    if (order === 'month_first') return result(monthFirst ?? (first > 12 ? dayFirst : null), m[0].length);
    if (monthFirst === null || dayFirst === null || monthFirst === dayFirst)
      return result(monthFirst ?? dayFirst, m[0].length);
    return result(monthFirst, m[0].length, dayFirst);
  }
  m = WORDED.exec(text);
  if (m !== null)
    return result(iso(fullYear(m[3]!, referenceYear), MONTHS[m[2]!]!, Number(m[1])), m[0].length);
  m = MONTH_DAY_YEAR.exec(text);
  if (m !== null)
    return result(iso(fullYear(m[3]!, referenceYear), MONTHS[m[1]!]!, Number(m[2])), m[0].length);
  return null;
}
