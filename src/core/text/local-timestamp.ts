/**
 * A stored timestamp (UTC, ISO 8601) as the clock on the operator's wall reads it. Shown as stored, a run
 * started at 19:20 in Monterrey reads 01:20 of the next day: the wrong day, for the records team and for
 * whoever compares it with the night's log. Spanish puts the day first, as dates are written in Mexico.
 */
export function formatLocalTimestamp(
  iso: string,
  lang: 'en' | 'es',
  parts: 'date' | 'date-time' = 'date-time',
): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = [String(at.getFullYear()), two(at.getMonth() + 1), two(at.getDate())];
  const date = lang === 'es' ? `${day}/${month}/${year}` : `${year}-${month}-${day}`;
  if (parts === 'date') return date;
  return `${date} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}

/**
 * A message's English local timestamp (`2026-12-05 19:20:07`, as `formatLocalTimestamp(…, 'en')` writes it) in
 * the Spanish order (`05/12/2026 19:20:07`), for the screens that translate a finished English sentence. Text that
 * is not such a timestamp (a lock whose start is `unknown`) is given back as it is: the words for it depend on
 * the sentence (see ui/i18n/started-es).
 */
export function localTimestampInSpanish(english: string): string {
  if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(english)) return english;
  return datesDayFirst(english);
}

/** Every YYYY-MM-DD in `text` day first, DD/MM/YYYY, as Mexico writes dates; the rest of the text as it is. */
export function datesDayFirst(text: string): string {
  return text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1');
}

/** The regex source matching what `formatLocalTimestamp(…, 'en')` writes, or any word (an unreadable start). */
export const LOCAL_TIMESTAMP_PATTERN = '(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}|\\S+)';
