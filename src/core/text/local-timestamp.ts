/**
 * A stored timestamp (UTC, ISO 8601) as the clock on the operator's wall reads it. Shown as stored, a run
 * started at 19:20 in Monterrey reads 01:20 of the next day: the wrong day, for the records team and for
 * whoever compares it with the night's log. Spanish puts the day first, as dates are written in Mexico.
 */
export function formatLocalTimestamp(iso: string, lang: 'en' | 'es', parts: 'date' | 'date-time' = 'date-time'): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const [year, month, day] = [String(at.getFullYear()), two(at.getMonth() + 1), two(at.getDate())];
  const date = lang === 'es' ? `${day}/${month}/${year}` : `${year}-${month}-${day}`;
  if (parts === 'date') return date;
  return `${date} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
