import { describeCharacters, quote } from './describe-character.js';
import { normalizeName, trimSpaces } from './normalize-name.js';
import { splitSurnames } from './split-surnames.js';
import type { FilenameErrorCode } from './types.js';

export interface PersonName {
  /** All surnames: uppercase, single spaces, NFC, accents and Ñ kept. */
  apellidos: string;
  apellidoPaterno: string;
  /** Empty when there is a single surname. */
  apellidoMaterno: string;
  nombres: string;
  /** `APELLIDOS, NOMBRES` after normalisation. */
  nombreCompleto: string;
}

export type PersonNameErrorCode = Extract<
  FilenameErrorCode,
  'no_comma' | 'missing_surnames' | 'missing_given_names' | 'invalid_name_characters'
>;

export type PersonNameResult =
  { ok: true; name: PersonName } | { ok: false; code: PersonNameErrorCode; message: string };

/** Control, format (zero-width, bidi overrides), separator-line, surrogate, private and unassigned code points. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu;
const DIGITS = /\p{N}/gu;
/**
 * Letters and combining marks in any script, spaces, the comma, and the punctuation real names carry:
 * apostrophes (O'FARRILL, also typed ’ or ´ on Spanish keyboards), hyphens (GARCIA-LOPEZ) and periods
 * for the abbreviations hospital records use (MA. GUADALUPE, J. JESUS).
 */
const NOT_ALLOWED = /[^\p{L}\p{M}\p{Zs},'’´\-.]/gu;

/**
 * Parses `APELLIDOS, NOMBRES` — the name part of a TecSalud filename, and the `nombre_completo` column of
 * a registry CSV. Returns the normalised parts or the first problem found, never throws.
 */
export function parsePersonName(text: string): PersonNameResult {
  const written = trimSpaces(text.normalize('NFC'));
  if (written === '') return fail('missing_surnames', "empty name: expected 'APELLIDOS, NOMBRES'");

  // Checked before anything else: a control character would also garble every later message.
  const invisible = written.match(INVISIBLE);
  if (invisible) {
    return fail(
      'invalid_name_characters',
      `the name contains control or invisible characters (${describeCharacters(invisible)})`,
    );
  }
  const digits = written.match(DIGITS);
  if (digits) {
    return fail(
      'invalid_name_characters',
      `the name ${quote(written)} contains digits (${describeCharacters(digits)})`,
    );
  }
  if (written.includes('_')) {
    return fail(
      'invalid_name_characters',
      `the name ${quote(written)} contains '_', which separates the parts of a file name; use spaces inside names`,
    );
  }
  const notAllowed = written.match(NOT_ALLOWED);
  if (notAllowed) {
    return fail(
      'invalid_name_characters',
      `the name ${quote(written)} contains characters that are not allowed (${describeCharacters(notAllowed)}); ` +
        'names may contain letters, spaces, apostrophes, hyphens and periods',
    );
  }

  const commaParts = written.split(',');
  if (commaParts.length === 1) {
    return fail('no_comma', `no comma between surnames and given names in ${quote(written)}`);
  }
  if (commaParts.length > 2) {
    return fail(
      'invalid_name_characters',
      `more than one comma in ${quote(written)}; write 'APELLIDOS, NOMBRES' with a single comma`,
    );
  }
  const apellidos = normalizeName(commaParts[0] ?? '');
  const nombres = normalizeName(commaParts[1] ?? '');
  if (apellidos === '') return fail('missing_surnames', `no surnames before the comma in ${quote(written)}`);
  if (nombres === '')
    return fail('missing_given_names', `no given names after the comma in ${quote(written)}`);

  const badWord = findMalformedWord(`${apellidos} ${nombres}`);
  if (badWord !== undefined) {
    return fail(
      'invalid_name_characters',
      `${quote(badWord)} in ${quote(written)} is not a name word: hyphens must join two parts (GARCIA-LOPEZ) ` +
        'and every word needs a letter',
    );
  }

  const { apellidoPaterno, apellidoMaterno } = splitSurnames(apellidos);
  return {
    ok: true,
    name: {
      apellidos,
      apellidoPaterno,
      apellidoMaterno,
      nombres,
      nombreCompleto: `${apellidos}, ${nombres}`,
    },
  };
}

/**
 * A word with no letter (a lone '-' or '.') or a dangling hyphen would make the surname split guess:
 * `GARZA - TIJERINA` has three "surnames". Better to ask for the name to be written properly.
 */
function findMalformedWord(words: string): string | undefined {
  return words.split(' ').find((word) => !/\p{L}/u.test(word) || word.startsWith('-') || word.endsWith('-'));
}

function fail(code: PersonNameErrorCode, message: string): PersonNameResult {
  return { ok: false, code, message };
}
