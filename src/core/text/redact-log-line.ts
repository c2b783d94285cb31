import { redactNames } from './redact-names.js';

/** `%20`, `%C3%8D`: a percent-encoded byte, as URLs carry spaces and accents. */
const PERCENT_ENCODED = /%[0-9A-Fa-f]{2}/;

/**
 * One JSON log line with patient names taken out of every string in it, however deep: for a log whose lines
 * are written by code we do not control (a web framework's request and error lines, libraries' error texts)
 * as well as our own. Only strings change; a string the names live in percent-encoded (a URL a client sent)
 * is decoded first, so that `GARZA%20TIJERINA` is seen as the name it is. A line that is not JSON is
 * redacted as text.
 */
export function redactLogLine(line: string): string {
  const ending = line.endsWith('\n') ? '\n' : '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return redactNames(line);
  }
  return JSON.stringify(redactValue(value)) + ending;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, redactValue(field)]));
  }
  return value;
}

function redactString(text: string): string {
  const redacted = redactNames(text);
  if (!PERCENT_ENCODED.test(text)) return redacted;
  const decoded = decodePercents(text);
  const decodedRedacted = redactNames(decoded);
  // Nothing hid behind the encoding: keep the text as it was written (a URL stays a URL).
  return decodedRedacted === decoded ? redacted : decodedRedacted;
}

function decodePercents(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // A malformed escape (`%E0%A4%A`): decode what can be, byte sequence by byte sequence.
    return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
