/**
 * Control characters (C0, DEL, C1), format characters (zero-width spaces, bidi overrides such as U+202E),
 * line/paragraph separators and lone surrogates. File names come from outside: echoed raw, these could
 * move the cursor, clear the screen, recolour the terminal or make `evil_fdp.exe` display as `exe.pdf_live`.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * Makes untrusted text safe to print on a terminal: every unsafe character becomes a visible escape,
 * `\xNN` up to U+00FF and `\u{NNNN}` above, so the user can still see that something was there and what.
 * Everything else (accents, Ñ, emoji) is left alone.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const codePoint = char.codePointAt(0) ?? 0;
    const hex = codePoint.toString(16).toUpperCase();
    return codePoint <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u{${hex.padStart(4, '0')}}`;
  });
}
