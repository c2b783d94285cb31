import { datesDayFirst } from '../core/text/local-timestamp.js';
import type { Lang } from './i18n/language.js';

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * A count of things (files, patients, fragments) as Mexico writes it, and the United States too: grouped in
 * thousands with a comma from 1,000 on (`1,532 archivos`); `1532` makes the reader count digits. Only for
 * counts a person reads: ids, expedientes, document numbers and `--json` keep their digits as they are.
 */
export function formatCount(count: number): string {
  if (!Number.isInteger(count) || Math.abs(count) < 1000) return String(count);
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * A time taken, in seconds, for a person: in tenths (`13.3 s`: `13.282 s` reads as thousands in Mexico, where the
 * point is the decimal point and the comma groups thousands), and past a minute with the clock beside it
 * (`125.3 s (2:05)`). The same in both languages.
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const tenths = seconds.toFixed(1);
  const [whole, fraction] = tenths.split('.') as [string, string];
  return `${formatCount(Number(whole))}.${fraction} s${seconds >= 60 ? ` (${formatDuration(seconds)})` : ''}`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0';
  return perSecond >= 100
    ? perSecond.toFixed(0)
    : perSecond >= 10
      ? perSecond.toFixed(1)
      : perSecond.toFixed(2);
}

/** Keeps both ends of a long path visible: the folder and the filename's type code both matter. */
export function truncateMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(-tail) : ''}`;
}

/** A text progress bar of exactly `width` cells. */
export function progressBar(done: number, total: number, width: number): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function truncateEnd(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * One line of `width` for a file and what happened to it: the path keeps its start and end (cut in the middle
 * past about 60 % of the line), and what follows it is cut at its end, where a sentence can be cut and still read.
 */
export function fitFileLine(prefix: string, file: string, rest: string, width: number): string {
  const line = `${prefix}${file}${rest}`;
  if (line.length <= width) return line;
  const room = Math.max(12, Math.floor(width * 0.6) - prefix.length);
  return truncateEnd(`${prefix}${truncateMiddle(file, room)}${rest}`, width);
}

// Where the app layer words a timestamp too (an ambiguous session id's matches), it is the same clock.
export { formatLocalTimestamp } from '../core/text/local-timestamp.js';

/**
 * Parts of a line joined by `separator`, packed into rows of `width` columns: a narrow terminal breaks
 * between figures instead of cutting one in half. A part wider than a row alone is cut at its end.
 */
export function packParts(parts: readonly string[], width: number, separator = ' · '): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let used = 0;
  for (const part of parts) {
    const extra = row.length === 0 ? part.length : separator.length + part.length;
    if (row.length > 0 && used + extra > width) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(row.length === 0 ? truncateEnd(part, width) : part);
    used += row.length === 1 ? Math.min(part.length, width) : separator.length + part.length;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/**
 * A line broken at spaces into rows of `width` columns, each row after the first indented two more than the
 * line: a terminal breaks a long line wherever its edge falls, in the middle of a word ('te' / 'rminar').
 * Without a width (not a terminal: a pipe, a cron mail) the line is left whole.
 */
export function wrapWords(line: string, width: number | undefined): string[] {
  if (!width || width < 20 || line.length <= width) return [line];
  const lead = line.length - line.trimStart().length;
  const indent = ' '.repeat(lead + 2);
  const rows: string[] = [];
  let row = line.slice(0, lead);
  let rowHasWord = false;
  const body = line.slice(lead);
  // A command to type ends the line ('Vea cada archivo con: tecsalud-batch status 3f2a9c1e --files'): kept on
  // one row, so that it can be copied whole.
  let command = body.indexOf('tecsalud-batch ');
  // With what is stuck to it: the quote of '`tecsalud-batch parse --help`' stays with the command.
  while (command > 0 && body[command - 1] !== ' ') command--;
  const words =
    command > 0
      ? [...body.slice(0, command).split(' ').filter(Boolean), body.slice(command)]
      : body.split(' ');
  for (const word of words) {
    if (!rowHasWord) row += word;
    else if (row.length + 1 + word.length <= width) row += ` ${word}`;
    else {
      rows.push(row);
      row = indent + word;
    }
    rowHasWord = true;
  }
  rows.push(row);
  return rows;
}

/**
 * A calendar date (YYYY-MM-DD, as a birth date is stored) as Mexico writes it, DD/MM/AAAA, in Spanish: the
 * way the document beside it on the screen writes it ('Fecha de nacimiento: 08/12/1973'). Anything else,
 * and English, as it is.
 */
export function formatCalendarDate(date: string, lang: Lang): string {
  return lang === 'es' && /^\d{4}-\d{2}-\d{2}$/.test(date) ? datesDayFirst(date) : date;
}

const DURATION_UNITS: Readonly<Record<string, Readonly<Record<Lang, readonly [string, string]>>>> = {
  m: { en: ['minute', 'minutes'], es: ['minuto', 'minutos'] },
  h: { en: ['hour', 'hours'], es: ['hora', 'horas'] },
  d: { en: ['day', 'days'], es: ['día', 'días'] },
  w: { en: ['week', 'weeks'], es: ['semana', 'semanas'] },
  y: { en: ['year', 'years'], es: ['año', 'años'] },
};

/**
 * A duration as typed for a flag (`7d`, `12h`, `1.5w`: see commands/shared/duration) in words — `7 days`,
 * `7 días` — for the sentences that echo it; a records administrator reads `7d` as a code. Text that is not
 * such a duration is given back as it is.
 */
export function durationInWords(text: string, lang: Lang): string {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhdwy])\s*$/i.exec(text);
  const unit = match && DURATION_UNITS[match[2]!.toLowerCase()];
  if (!match || !unit) return text;
  const amount = Number(match[1]);
  const [one, many] = unit[lang];
  // Mexico writes the decimal point, as English does: 1.5 semanas.
  return `${amount} ${amount === 1 ? one : many}`;
}
