import { describeCharacters, quote } from './describe-character.js';
import { documentTypeFromCode, isKnownDocumentTypeCode } from './document-types.js';
import { EXPECTED_FILENAME_FORMAT, FILENAME_EXAMPLE } from './expected-format.js';
import { trimSpaces } from './normalize-name.js';
import { parsePersonName, type PersonName } from './parse-person-name.js';
import type { FilenameErrorCode, FilenameParseResult } from './types.js';

const EXPEDIENTE_MIN_DIGITS = 8;
const EXPEDIENTE_MAX_DIGITS = 12;
const ASCII_DIGITS = /^[0-9]+$/;
const LETTER = /\p{L}/u;
const REPLACEMENT_CHARACTER = '\uFFFD';
/** What a given-name word looks like: used to recognise a '_' that should have been a space. */
const NAME_LIKE = /^[\p{L}\p{M}\p{Zs}'’´\-.]+$/u;

/** A problem found in one part; `parseFilename` adds the filename, the expected format and the example. */
interface Problem {
  code: FilenameErrorCode;
  message: string;
}

/**
 * Parses a TecSalud filename, `[EXPEDIENTE]_[APELLIDOS, NOMBRES]_[NUMERO]_[TIPO].pdf` with NUMERO optional.
 * Accepts a base name or a path (only what follows the last `/` or `\` is read, so Windows paths from
 * the scanning PCs work too). Pure and total: every input gives a result, never an exception. A failure
 * reports the first problem in reading order, because fixing that one often fixes the rest.
 */
export function parseFilename(input: string): FilenameParseResult {
  const filename = baseName(input).normalize('NFC');
  const outcome = parseBaseName(filename);
  if ('code' in outcome) {
    return {
      ok: false,
      filename,
      error: { ...outcome, expectedFormat: EXPECTED_FILENAME_FORMAT, example: FILENAME_EXAMPLE },
    };
  }
  return { ok: true, filename, parsed: { filename, ...outcome } };
}

/**
 * A name starting with '.': the metadata a Mac leaves beside the files it copies to a share (`._X.pdf`, an
 * AppleDouble file, and `.DS_Store`), or a document hidden by a slip of the keyboard.
 */
function hiddenFile(name: string): Problem {
  if (name.startsWith('._') && name.length > 2) {
    return {
      code: 'hidden',
      message: `macOS metadata ('._' AppleDouble file) of '${name.slice(2)}', not a document: not read; delete it`,
    };
  }
  if (name === '.DS_Store') {
    return {
      code: 'hidden',
      message: "macOS folder metadata ('.DS_Store'), not a document: not read; delete it",
    };
  }
  return {
    code: 'hidden',
    message:
      "hidden file (its name starts with '.'): not read; if it is a document, rename it without the '.'",
  };
}

function baseName(input: string): string {
  return input.slice(Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\')) + 1);
}

interface Fields extends PersonName {
  expediente: string;
  numero: string | null;
  documentType: ReturnType<typeof documentTypeFromCode>;
  documentTypeCode: string;
}

function parseBaseName(filename: string): Fields | Problem {
  // Spaces around the whole name are copy-and-paste debris, not part of anyone's record.
  const name = trimSpaces(filename);
  if (name === '') return { code: 'empty', message: 'empty file name' };
  // Hidden: never a document of the pattern, and never read — but named, so that nothing vanishes unreported.
  if (name.startsWith('.') && !/^\.pdf$/i.test(name)) return hiddenFile(name);
  // The file system hands over a name whose bytes are not UTF-8 with each bad byte as U+FFFD: the letters
  // are lost before any part can be read, so say why instead of blaming the characters one by one.
  if (name.includes(REPLACEMENT_CHARACTER)) {
    return {
      code: 'not_utf8',
      message:
        "the file name is not valid UTF-8 (shown with '\uFFFD' where its letters were): it was likely written in " +
        'Latin-1 by a Windows program (Ñ, accents); rename it in UTF-8, e.g. convmv -f latin1 -t utf8 --notest FILE',
    };
  }

  const stem = stripPdfExtension(name);
  if (typeof stem !== 'string') return stem;
  if (trimSpaces(stem) === '') return { code: 'empty', message: "the file name has nothing before '.pdf'" };
  // X_CONS.pdf.pdf is what Windows produces when extensions are hidden: say so rather than call
  // 'CONS.PDF' an invalid type.
  if (/\.pdf$/i.test(stem)) {
    return { code: 'invalid_type', message: "doubled extension '.pdf.pdf'; remove one '.pdf'" };
  }

  // Spaces around each part are tolerated for the same reason as around the whole name.
  const parts = stem.split('_').map(trimSpaces);
  if (parts.length === 1) {
    return {
      code: 'wrong_part_count',
      message: "no '_' separators: expected expediente, name, optional numero and type separated by '_'",
    };
  }

  const expediente = parts[0] ?? '';
  const expedienteProblem = checkExpediente(expediente);
  if (expedienteProblem) return expedienteProblem;

  const lastIndex = parts.length - 1;
  const emptyInterior = parts.findIndex((part, index) => index > 0 && index < lastIndex && part === '');
  if (emptyInterior === 1) {
    return {
      code: 'missing_surnames',
      message: "empty name: nothing between the expediente and the next '_'",
    };
  }
  if (emptyInterior > 0) {
    return {
      code: 'wrong_part_count',
      message: `part ${emptyInterior + 1} is empty (two '_' with nothing between them); remove the extra '_'`,
    };
  }

  const namePart = parts[1] ?? '';
  if (!namePart.includes(',')) {
    const misplaced = findUnderscoreInName(parts);
    if (misplaced) return misplaced;
    return missingNameOrComma(parts);
  }
  const person = parsePersonName(namePart);
  if (!person.ok) return { code: person.code, message: person.message };

  const rest = parts.slice(2);
  const tail = parseNumeroAndType(rest);
  if ('code' in tail) return tail;
  return { expediente, ...person.name, ...tail };
}

/** Returns the stem (the name without `.pdf`, any case), or why the name is not a PDF name. */
function stripPdfExtension(name: string): string | Problem {
  const dot = name.lastIndexOf('.');
  const extension = dot === -1 ? '' : name.slice(dot + 1);
  if (dot !== -1 && extension.toLowerCase() === 'pdf') return name.slice(0, dot);
  // 'GARZA, MA. ESTHER_CONS' has a dot, but ' ESTHER_CONS' is no extension: only short alphanumeric
  // suffixes are reported as "the extension".
  if (dot === -1 || !/^[\p{L}\p{N}]{1,10}$/u.test(extension)) {
    return { code: 'not_pdf', message: "the file name does not end in '.pdf'" };
  }
  return { code: 'not_pdf', message: `not a .pdf file (extension '.${extension}')` };
}

function checkExpediente(expediente: string): Problem | undefined {
  const range = `${EXPEDIENTE_MIN_DIGITS} to ${EXPEDIENTE_MAX_DIGITS} digits`;
  if (expediente === '') {
    return {
      code: 'invalid_expediente',
      message: `missing expediente: the file name must start with the expediente (${range}) and a '_'`,
    };
  }
  // A comma in the first part means the name came first: say where the expediente belongs.
  if (expediente.includes(',')) {
    return {
      code: 'invalid_expediente',
      message: `the file name must start with the expediente (${range}), but it starts with ${quote(expediente)}`,
    };
  }
  return expedienteProblem(expediente);
}

/**
 * What keeps `text` from being an expediente (8 to 12 ASCII digits), said as the parser says it of a file
 * name's first part: how many digits it has, or that it holds letters or which other characters; undefined
 * for an expediente. `patients show` words its refusal with it too.
 */
export function expedienteProblem(text: string): Problem | undefined {
  const range = `${EXPEDIENTE_MIN_DIGITS} to ${EXPEDIENTE_MAX_DIGITS} digits`;
  if (ASCII_DIGITS.test(text)) {
    const digits = text.length;
    if (digits >= EXPEDIENTE_MIN_DIGITS && digits <= EXPEDIENTE_MAX_DIGITS) return undefined;
    return {
      code: 'expediente_length',
      message: `the expediente ${quote(text)} has ${digits} digit${digits === 1 ? '' : 's'}; it must have ${EXPEDIENTE_MIN_DIGITS} to ${EXPEDIENTE_MAX_DIGITS}`,
    };
  }
  if (LETTER.test(text)) {
    return {
      code: 'invalid_expediente',
      message: `the expediente ${quote(text)} contains letters; it must be ${range}`,
    };
  }
  return {
    code: 'invalid_expediente',
    message: `the expediente ${quote(text)} contains characters other than digits (${describeCharacters(
      text.replace(/[0-9]/g, ''),
    )}); it must be ${range}`,
  };
}

/**
 * `3000003799_GARZA_TIJERINA, MARIA_CONS.pdf`: the comma is in a later part and everything between is
 * name-like, so a '_' was typed where a space belongs. Saying that beats "no comma in 'GARZA'".
 */
function findUnderscoreInName(parts: readonly string[]): Problem | undefined {
  const commaAt = parts.findIndex((part, index) => index > 1 && part.includes(','));
  if (commaAt === -1) return undefined;
  const between = parts.slice(1, commaAt);
  if (!between.every((part) => NAME_LIKE.test(part))) return undefined;
  const name = parts.slice(1, commaAt + 1).join('_');
  return {
    code: 'invalid_name_characters',
    message: `the name ${quote(name)} contains '_', which separates the parts of a file name; use spaces inside names`,
  };
}

function missingNameOrComma(parts: readonly string[]): Problem {
  const namePart = parts[1] ?? '';
  if (!LETTER.test(namePart) || (parts.length === 2 && isKnownDocumentTypeCode(namePart))) {
    return {
      code: 'missing_surnames',
      message: `missing name: expected 'APELLIDOS, NOMBRES' after the expediente, found ${quote(namePart)}`,
    };
  }
  // Run the name checks anyway: control characters or digits are a better diagnosis than the comma.
  const person = parsePersonName(namePart);
  if (!person.ok && person.code !== 'no_comma') return { code: person.code, message: person.message };
  const next = parts[2];
  // GARZA TIJERINA_MARIA ESTHER_…: the '_' stands where the comma should be.
  const hint =
    next !== undefined && parts.length > 3 && NAME_LIKE.test(next) && !isKnownDocumentTypeCode(next)
      ? `; if ${quote(next)} after the '_' is the given names, write ${quote(`${namePart}, ${next}`)}`
      : '';
  return {
    code: 'no_comma',
    message: `no comma between surnames and given names in ${quote(namePart)}${hint}`,
  };
}

type Tail = Pick<Fields, 'numero' | 'documentType' | 'documentTypeCode'>;

function parseNumeroAndType(rest: readonly string[]): Tail | Problem {
  const missingType = 'missing document type (the last part before .pdf, e.g. CONS)';
  if (rest.length === 0) return { code: 'missing_type', message: missingType };
  if (rest.length > 2) return tooManyParts(rest);

  const typePart = rest[rest.length - 1] ?? '';
  const numero = rest.length === 2 ? (rest[0] ?? '') : null;
  if (numero !== null) {
    const numeroProblem = checkNumero(numero, typePart);
    if (numeroProblem) return numeroProblem;
  }
  if (typePart === '')
    return { code: 'missing_type', message: `${missingType}: nothing between the last '_' and '.pdf'` };
  // EXP_NAME_6001467010.pdf: the digits are a NUMERO and the type after it is missing.
  if (ASCII_DIGITS.test(typePart)) {
    return {
      code: 'missing_type',
      message: `${missingType}; ${quote(typePart)} is digits, which looks like a NUMERO`,
    };
  }
  const code = typePart.toUpperCase().normalize('NFC');
  if (!/^[\p{L}\p{M}\p{N}]+$/u.test(code)) {
    // `CONS (1)`, `CONS - copia`, `CONS - Copy`: what a browser or a file manager adds to a second copy.
    const copy = /^([\p{L}\p{N}]+)\s*(?:\(\d+\)|-\s*(?:copia|copy)(?:\s*(?:\(\d+\)|\d+))?)$/iu.exec(
      typePart.trim(),
    );
    if (copy) {
      return {
        code: 'invalid_type',
        message:
          `the document type ${quote(typePart)} carries a copy's suffix, as a download or a file manager adds it: ` +
          `if the file is a copy, remove it; otherwise rename it to end in _${copy[1]!.toUpperCase()}.pdf`,
      };
    }
    return {
      code: 'invalid_type',
      message: `the document type ${quote(typePart)} must be one word of letters and digits (e.g. CONS, LAB, RX)`,
    };
  }
  return { numero, documentType: documentTypeFromCode(code), documentTypeCode: code };
}

/** NUMERO is the hospital's document number: digits only, leading zeros kept (it is an identifier). */
function checkNumero(numero: string, typePart: string): Problem | undefined {
  if (ASCII_DIGITS.test(numero)) return undefined;
  if (isKnownDocumentTypeCode(numero)) {
    const swapped = ASCII_DIGITS.test(typePart)
      ? `; the NUMERO and the type look swapped: write …_${typePart}_${numero.toUpperCase()}.pdf`
      : '; it looks like a document type, which goes last, after the NUMERO';
    return { code: 'invalid_numero', message: `the NUMERO ${quote(numero)} must be digits only${swapped}` };
  }
  if (NAME_LIKE.test(numero)) {
    return {
      code: 'invalid_numero',
      message: `the NUMERO ${quote(numero)} must be digits only; if ${quote(numero)} is part of the name, replace the '_' before it with a space`,
    };
  }
  if (LETTER.test(numero)) {
    return {
      code: 'invalid_numero',
      message: `the NUMERO ${quote(numero)} contains letters; it must be digits only`,
    };
  }
  return {
    code: 'invalid_numero',
    message: `the NUMERO ${quote(numero)} contains characters other than digits (${describeCharacters(
      numero.replace(/[0-9]/g, ''),
    )}); it must be digits only`,
  };
}

function tooManyParts(rest: readonly string[]): Problem {
  const count = rest.length + 2;
  const first = rest[0] ?? '';
  const hint =
    NAME_LIKE.test(first) && !isKnownDocumentTypeCode(first)
      ? `; ${quote(first)} after the name looks like part of the name: use a space instead of '_'`
      : "; check for an extra '_'";
  return {
    code: 'wrong_part_count',
    message: `found ${count} parts separated by '_'; expected 3 or 4 (expediente, name, optional numero, type)${hint}`,
  };
}
