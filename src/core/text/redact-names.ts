import { foldAccents } from '../filename/fold-accents.js';

export const REDACTED = '[redacted]';

const QUOTED = /'[^']*'|"[^"]*"|‘[^’]*’|“[^”]*”|«[^»]*»/g;
const WORD = /[\p{L}\p{M}]+/gu;
/** Two or more words in capitals: how registries, filenames and clinical headers write a person's name. */
const CAPITALISED_RUN =
  /(?<![\p{L}\p{M}])\p{Lu}[\p{Lu}\p{M}.'-]+(?:[ ,]+\p{Lu}[\p{Lu}\p{M}.'-]+)+(?![\p{L}\p{M}])/gu;

/**
 * A message with patient names taken out, for a log that must not name patients: quoted text (our messages
 * quote filenames and paths, Node's errors quote paths, and a filename carries the patient's name), every word
 * of `names` wherever it appears (accents and case aside: a match reason shows names unquoted), and any run of
 * two or more words in capitals (a name from elsewhere: a registry entry, a document's header).
 */
export function redactNames(message: string, names: readonly string[] = []): string {
  const known = new Set<string>();
  for (const name of names) {
    for (const [word] of name.matchAll(WORD)) if (word.length > 1) known.add(foldWord(word));
  }
  return (
    message
      // Quoted text without a letter ('_', '.') names nobody and explains the message: it stays.
      .replace(QUOTED, (quoted) => (/\p{L}/u.test(quoted) ? `'${REDACTED}'` : quoted))
      .replace(WORD, (word) => (known.has(foldWord(word)) ? REDACTED : word))
      .replace(CAPITALISED_RUN, REDACTED)
  );
}

function foldWord(word: string): string {
  return foldAccents(word).toUpperCase();
}
