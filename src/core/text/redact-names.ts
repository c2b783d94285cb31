import { foldAccents } from '../filename/fold-accents.js';

export const REDACTED = '[redacted]';

const QUOTED = /'([^']*)'|"([^"]*)"|‘([^’]*)’|“([^”]*)”|«([^»]*)»/g;
const WORD = /[\p{L}\p{M}]+/gu;
/** Two or more words in capitals: how registries, filenames and clinical headers write a person's name. */
const CAPITALISED_RUN =
  /(?<![\p{L}\p{M}])\p{Lu}[\p{Lu}\p{M}.'-]+(?:[ ,]+\p{Lu}[\p{Lu}\p{M}.'-]+)+(?![\p{L}\p{M}])/gu;
/**
 * The name part of a filename of the hospital's pattern, `EXPEDIENTE_APELLIDOS, NOMBRES_NUMERO_TIPO.pdf`, in
 * whatever case: the expediente, numero and type stay (they identify the file to IT, not the person to a reader).
 */
const PATTERN_NAME = /(?<![\p{L}\p{N}_])(\d{6,12} *_)([^_/\\\n'"‘’“”«»]+?)(?=_|\.pdf)/giu;
/** A file name or path, as quoted text: a separator, or an extension at the end. */
const PATH_LIKE = /[/\\]|\.[\p{L}\p{N}]{1,8}$/u;
/** A PDF's base name (`.pdf`, `.pdf.part`, `.PDF~`): the document's own name, which names its patient. */
const PDF_NAME = /^(.*?)(\.pdf.*)$/i;
/** A word of a name as the registry writes it: capitalised (`GARZA`, `María`), or a surname's particle (`de la`). */
const NAME_WORD = String.raw`(?:\p{Lu}[\p{L}\p{M}'’.-]*|de|del|la|las|los|y)`;
/**
 * Quoted text in the registry's form of a name, `APELLIDOS, NOMBRES` (`'Garza Tijerina, María'`): capitalised words
 * around a comma. Plain words in quotes (`"unknown option"`, a collection's description) are an error's or a
 * program's, and stay.
 */
const REGISTRY_FORM = new RegExp(
  String.raw`^${NAME_WORD}(?: +${NAME_WORD})*, *${NAME_WORD}(?: +${NAME_WORD})*$`,
  'u',
);

/**
 * A message with patient names taken out, for a log that must not name patients, and the rest left readable
 * (an error's own words, a database's path, an option's value, quoted or not). Names live in: filenames (our
 * messages quote them, Node's errors quote their paths), whose name part goes, or whose whole base name when it is
 * a PDF off the pattern; a path's folder with spaces or commas in it (a folder per patient); quoted text in the
 * registry's form of a name or made of the given names' words; every word of `names` wherever it appears (accents
 * and case aside: a match reason shows names unquoted); and any run of two or more words in capitals (a name from
 * elsewhere: a registry entry, a header).
 */
export function redactNames(message: string, names: readonly string[] = []): string {
  const known = new Set<string>();
  for (const name of names) {
    for (const [word] of name.matchAll(WORD)) if (word.length > 1) known.add(foldWord(word));
  }
  return redactPatternNames(
    message.replace(QUOTED, (quoted: string, ...inner: (string | undefined)[]) => {
      const text = inner.slice(0, 5).find((part) => part !== undefined) ?? '';
      return `${quoted[0]}${redactQuoted(text, known)}${quoted.at(-1)}`;
    }),
  )
    .replace(WORD, (word) => (known.has(foldWord(word)) ? REDACTED : word))
    .replace(CAPITALISED_RUN, REDACTED);
}

function redactQuoted(text: string, known: ReadonlySet<string>): string {
  if (PATH_LIKE.test(text)) {
    const parts = text.split(/([/\\])/);
    return parts.map((part, index) => redactPathPart(part, index === parts.length - 1)).join('');
  }
  return REGISTRY_FORM.test(text) || namesOnly(text, known) ? REDACTED : text;
}

/** Two or more words, every one of them a word of the names given (the filename's name part, in any case). */
function namesOnly(text: string, known: ReadonlySet<string>): boolean {
  const words = [...text.matchAll(WORD)].map(([word]) => word);
  return words.length > 1 && words.every((word) => known.has(foldWord(word)));
}

function redactPathPart(part: string, last: boolean): string {
  // Of the pattern (its name already taken out, on a line redacted twice, or not): the rest of it stays.
  if (part.search(PATTERN_NAME) >= 0) return redactPatternNames(part);
  const pdf = last ? PDF_NAME.exec(part) : null;
  // A hash (the names the API's uploads are kept under) names nobody, and tells IT which file it was.
  if (pdf && /\p{L}/u.test(pdf[1]!) && !/^[0-9a-f]{16,}$/i.test(pdf[1]!)) return `${REDACTED}${pdf[2]}`;
  // A folder (or file) named with spaces or commas: a folder per patient, as scanning PCs make them.
  return /\p{L}/u.test(part) && /[ ,]/.test(part) ? REDACTED : part;
}

function redactPatternNames(text: string): string {
  return text.replace(PATTERN_NAME, (_match, expediente: string) => `${expediente}${REDACTED}`);
}

function foldWord(word: string): string {
  return foldAccents(word).toUpperCase();
}
