import type { Tone } from './theme.js';

/** A run of text with one style. */
export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

/** One row of the terminal: a full-screen layout is a list of these, each exactly one row tall. */
export type Line = Segment[];

const COMBINING = /\p{M}/u;

/**
 * Columns a string takes. The screens show sanitised Latin text (accents, Ñ, a few symbols): one column per
 * code point, none for a combining mark. Ink truncates each row again, so a miscount never wraps a row.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) if (!COMBINING.test(char)) width++;
  return width;
}

export function lineWidth(line: Line): number {
  return line.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
}

export function plain(text: string, style: Omit<Segment, 'text'> = {}): Line {
  return [{ text, ...style }];
}

/** Cuts a line to `width` columns, ending in `…` when something was cut. */
export function fitLine(line: Line, width: number): Line {
  if (lineWidth(line) <= width) return line;
  const out: Line = [];
  let left = Math.max(0, width - 1);
  for (const segment of line) {
    if (left <= 0) break;
    const chars = [...segment.text];
    const taken: string[] = [];
    for (const char of chars) {
      const w = COMBINING.test(char) ? 0 : 1;
      if (w > left) break;
      taken.push(char);
      left -= w;
    }
    if (taken.length > 0) out.push({ ...segment, text: taken.join('') });
  }
  const last = out[out.length - 1];
  out.push({ text: '…', tone: last?.tone });
  return out;
}

/**
 * Wraps styled segments into rows of `width` columns at spaces (a word longer than a row is cut), with
 * `indent` spaces before every row after the first (and before the first when `indentFirst`).
 */
export function wrapSegments(
  segments: Line,
  width: number,
  options: { indent?: number; indentFirst?: boolean } = {},
): Line[] {
  const indent = ' '.repeat(options.indent ?? 0);
  const rows: Line[] = [];
  let row: Line = options.indentFirst && indent ? [{ text: indent }] : [];
  let used = lineWidth(row);
  const push = () => {
    rows.push(row);
    row = indent ? [{ text: indent }] : [];
    used = indent.length;
  };
  for (const segment of segments) {
    // Words keep their trailing space so that joining them back gives the text.
    const words = segment.text.match(/\S+\s*|\s+/g) ?? [];
    for (let word of words) {
      let w = displayWidth(word.trimEnd());
      if (used + w > width && used > indent.length) push();
      while (w > width - used) {
        const room = Math.max(1, width - used);
        row.push({ ...segment, text: [...word].slice(0, room).join('') });
        word = [...word].slice(room).join('');
        push();
        w = displayWidth(word.trimEnd());
      }
      if (word) {
        row.push({ ...segment, text: word });
        used += displayWidth(word);
      }
    }
  }
  if (row.length > 0 && lineWidth(row) > indent.length) rows.push(row);
  if (rows.length === 0) rows.push([]);
  return rows.map((r) => trimEnd(r));
}

function trimEnd(line: Line): Line {
  const out = [...line];
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    const trimmed = last.text.replace(/\s+$/, '');
    if (trimmed === last.text) break;
    if (trimmed === '') out.pop();
    else {
      out[out.length - 1] = { ...last, text: trimmed };
      break;
    }
  }
  return out;
}

/** Joins items with ` · ` while they fit in `width` columns; returns the ones that fit. */
export function joinWhileFits(items: string[], width: number, separator = ' · '): string {
  let text = '';
  for (const item of items) {
    if (!item) continue;
    const next = text ? `${text}${separator}${item}` : item;
    if (displayWidth(next) > width) break;
    text = next;
  }
  return text;
}
