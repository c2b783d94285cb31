/** The labels in front of a line for people, in the operator's language (`warning` / `aviso`, …). */
export interface HumanLogLabels {
  warning: string;
  error: string;
  hint: string;
  /**
   * Puts a piece of the line (its message, an error's text, the hint) in the operator's language: the log's
   * JSON is English, and a Spanish line must not go on in English. Absent: the pieces as they are (English).
   */
  translate?: (text: string) => string;
  /** A file's line: its outcome and message as `ingest` says them (`corrupt PDF`); absent, as logged. */
  outcome?: (outcome: string) => string;
  detail?: (message: string) => string;
  /** `file` in `file failed: NAME (file ID): …`. */
  file?: string;
}

/**
 * One of serve's JSON log lines as a person reads it on stderr: `warning: a backend is unavailable: <what>` and,
 * when there is one, a `hint:` line. A file's line names the file and says why, as ingest's `✗` lines do:
 * `warning: file failed: NAME (file ID): corrupt PDF — <message>`. Only warnings and errors are worth a person's attention between the server's
 * own notes; anything else (or a line that is not JSON) gives null. Never a stack: the message says what went
 * wrong, and a `--log-file` keeps the rest for whoever debugs it.
 */
export function humanLogLine(line: string, labels: HumanLogLabels): string | null {
  let entry: {
    level?: unknown;
    msg?: unknown;
    err?: { message?: unknown };
    hint?: unknown;
    problems?: unknown;
    file?: unknown;
    file_id?: unknown;
    outcome?: unknown;
    message?: unknown;
  };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return null;
  }
  const level = typeof entry.level === 'number' ? entry.level : 0;
  if (level < 40) return null;
  const details = [
    typeof entry.err?.message === 'string' ? entry.err.message : null,
    Array.isArray(entry.problems) ? entry.problems.map(String).join('; ') : null,
  ].filter((detail): detail is string => Boolean(detail));
  const label = level >= 50 ? labels.error : labels.warning;
  const say = labels.translate ?? ((text: string) => text);
  const said = [say(String(entry.msg ?? '')), fileSaid(entry, labels), ...details.map(say)]
    .filter(Boolean)
    .join(': ');
  const hint = typeof entry.hint === 'string' && entry.hint ? `\n${labels.hint}: ${say(entry.hint)}` : '';
  return `${label}: ${said}${hint}\n`;
}

/** `NAME (file ID): outcome — message` for a file's line (one with `file`); null for any other line. */
function fileSaid(
  entry: { file?: unknown; file_id?: unknown; outcome?: unknown; message?: unknown },
  labels: HumanLogLabels,
): string | null {
  if (typeof entry.file !== 'string') return null;
  const id = typeof entry.file_id === 'string' ? ` (${labels.file ?? 'file'} ${entry.file_id})` : '';
  const outcome =
    typeof entry.outcome === 'string' ? (labels.outcome?.(entry.outcome) ?? entry.outcome) : null;
  const message =
    typeof entry.message === 'string' && entry.message
      ? (labels.detail ?? labels.translate ?? ((text: string) => text))(entry.message)
      : null;
  const why = [outcome, message].filter(Boolean).join(' — ');
  return `${entry.file}${id}${why ? `: ${why}` : ''}`;
}
