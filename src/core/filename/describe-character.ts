/**
 * Names a character for an error message. Invisible and control characters are given by code point so
 * that a message never carries them raw (a tab or a right-to-left override would garble the message).
 */
export function describeCharacter(char: string): string {
  if (char === ' ') return 'a space';
  if (/^[\p{C}\p{Z}]$/u.test(char)) {
    const codePoint = char.codePointAt(0) ?? 0;
    return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${char}'`;
}

/** Distinct characters in order of first appearance, described; at most `limit` of them. */
export function describeCharacters(chars: Iterable<string>, limit = 5): string {
  const distinct = [...new Set(chars)];
  const shown = distinct.slice(0, limit).map(describeCharacter).join(', ');
  return distinct.length > limit ? `${shown}, …` : shown;
}

const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]/gu;

/**
 * Quotes text from the file name for a message, writing control and invisible characters as `<U+0007>`:
 * messages travel to terminals, logs and the UI, and must stay printable whatever the name contained.
 */
export function quote(text: string): string {
  return `'${text.replace(INVISIBLE, (char) => `<${describeCharacter(char)}>`)}'`;
}
