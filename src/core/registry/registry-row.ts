/** A registry row, validated and normalised, ready to upsert. */
export interface PatientInput {
  expediente: string;
  apellidoPaterno: string;
  apellidoMaterno: string;
  nombres: string;
  /** Undefined: the file does not say (no such column, or an empty cell); an update keeps the stored one. */
  fechaNacimiento?: string | null;
  /** Undefined: the file does not say; an update keeps the stored one. */
  sexo?: string | null;
}

/**
 * The row as it updates a patient already in the registry: a birth date or sex the file does not state
 * keeps the stored one. Registry exports often leave these columns out or blank, and they are what review
 * and the content cross-check compare a document's identity with: an import adds and corrects them, it
 * never erases them.
 */
export function keepStoredDetails(
  row: PatientInput,
  stored: { fechaNacimiento: string | null; sexo: string | null },
): PatientInput {
  return {
    ...row,
    fechaNacimiento: row.fechaNacimiento === undefined ? stored.fechaNacimiento : row.fechaNacimiento,
    sexo: row.sexo === undefined ? stored.sexo : row.sexo,
  };
}

/** Splits `APELLIDOS` into paterno / materno; supplied by the filename parser's registrar rules. */
export type SurnameSplitter = (apellidos: string) => { apellidoPaterno: string; apellidoMaterno: string };
/** Uppercase, NFC, collapsed whitespace: the form names are stored in. */
export type NameCleaner = (text: string) => string;

export type RegistryColumnLayout = 'split' | 'nombre_completo';

export type RegistryRowResult = { ok: true; patient: PatientInput } | { ok: false; reason: string };

const SPLIT_COLUMNS = ['expediente', 'apellido_paterno', 'apellido_materno', 'nombres'] as const;
/** Every column the import reads. */
const REGISTRY_COLUMNS: ReadonlySet<string> = new Set([
  ...SPLIT_COLUMNS,
  'nombre_completo',
  'fecha_nacimiento',
  'sexo',
]);

/**
 * Decides from the header which of the two accepted layouts a CSV uses, or explains what is missing.
 * Header names are compared as registryColumnName reads them.
 */
export function detectRegistryLayout(
  header: string[],
): { ok: true; layout: RegistryColumnLayout } | { ok: false; reason: string } {
  const names = new Set(header.map(registryColumnName));
  // A record keeps the last of two same-named fields: a sheet with two 'expediente' columns (an old and a
  // new number side by side) would file every row under whichever came last, without a word.
  const repeated = repeatedColumn(header);
  if (repeated) {
    return {
      ok: false,
      reason: `the column '${repeated.name}' appears twice (columns ${repeated.columns.join(' and ')}); keep one and import again`,
    };
  }
  if (!names.has('expediente')) {
    return { ok: false, reason: `no 'expediente' column (found: ${header.join(', ') || 'nothing'})` };
  }
  if (SPLIT_COLUMNS.every((c) => names.has(c))) return { ok: true, layout: 'split' };
  if (names.has('nombre_completo')) return { ok: true, layout: 'nombre_completo' };
  const missing = SPLIT_COLUMNS.filter((c) => !names.has(c));
  return {
    ok: false,
    reason: `missing column(s) ${missing.join(', ')}; give expediente, apellido_paterno, apellido_materno, nombres — or expediente, nombre_completo`,
  };
}

/**
 * The names Mexican records give these columns besides the import's own: the CURP's and RENAPO's 'Primer
 * apellido' / 'Segundo apellido', and 'Fecha de nacimiento' as people write it.
 */
const COLUMN_ALIASES: ReadonlyMap<string, string> = new Map([
  ['primer_apellido', 'apellido_paterno'],
  ['segundo_apellido', 'apellido_materno'],
  ['fecha_de_nacimiento', 'fecha_nacimiento'],
]);

/**
 * A header cell as the column name the import compares: Excel users write 'Apellido Paterno', 'Fecha
 * Nacimiento' or 'SEXO ' for apellido_paterno, fecha_nacimiento and sexo, so case, accents, surrounding
 * spaces and the spaces or hyphens between words do not count; 'Primer apellido' is apellido_paterno.
 */
export function registryColumnName(headerCell: string): string {
  const name = headerCell
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return COLUMN_ALIASES.get(name) ?? name;
}

/**
 * The header cells (as written) of columns the import does not read: reported, since a birth date under
 * 'Nacimiento' or 'F. nac.' would otherwise be dropped without a word. Empty cells (Excel's trailing columns) are not.
 */
export function unreadColumns(header: string[]): string[] {
  return header
    .filter((cell) => cell.trim() !== '' && !REGISTRY_COLUMNS.has(registryColumnName(cell)))
    .map((cell) => cell.trim());
}

/** The first column the import reads that the header names twice, with both positions (1-based). */
function repeatedColumn(header: string[]): { name: string; columns: [number, number] } | null {
  const first = new Map<string, number>();
  for (const [index, raw] of header.entries()) {
    const name = registryColumnName(raw);
    if (!REGISTRY_COLUMNS.has(name)) continue;
    const earlier = first.get(name);
    if (earlier !== undefined) return { name, columns: [earlier + 1, index + 1] };
    first.set(name, index);
  }
  return null;
}

/** An expediente as the registry holds one: 8 to 12 digits. */
export function isExpediente(text: string): boolean {
  return /^\d{8,12}$/.test(text);
}

/** A time Excel appends to a date cell it exports (`1945-06-21 00:00:00`, `21/06/1945 0:00`, `12:00 a.m.`). */
const EXCEL_TIME = String.raw`(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp]\.?\s?[Mm]\.?)?)?`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${EXCEL_TIME}$`);
/** Day first, as in Mexico, with `/`, `-` or `.` between the parts (the same one twice). */
const MEXICAN_DATE = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${EXCEL_TIME}$`);
const TWO_DIGIT_YEAR = new RegExp(String.raw`^\d{1,2}([/.-])\d{1,2}\1\d{2}${EXCEL_TIME}$`);
/** A date cell of a column formatted "General": Excel's serial day number (1900 date system). */
const EXCEL_SERIAL = /^\d{3,5}(?:\.\d+)?$/;
/** An expediente Excel turned into a number and then wrote in scientific notation (3.00000001E+11). */
const SCIENTIFIC_NOTATION = /^\d(?:\.\d+)?E\+?\d+$/i;
/** An expediente a column formatted as a number with decimals wrote with them (3000000004.0, 3000000004,00). */
const WITH_DECIMALS = /^\d{8,12}[.,]0+$/;
// The apostrophe as Spanish keyboards and word processors also type it (O’BRIEN, O´FARRILL), as filenames
// accept it: matching folds all three, so a registry row written either way finds its files.
const NAME_CHARACTERS = /^[\p{L}\p{M}'’´ .-]+$/u;
const SEXO: Record<string, string> = {
  F: 'F',
  FEMENINO: 'F',
  MUJER: 'F',
  M: 'M',
  MASCULINO: 'M',
  H: 'M',
  HOMBRE: 'M',
};

/** Validates and normalises one CSV record (keys lower-cased). Never throws: a bad row gets a reason. */
export function toPatientInput(
  record: Record<string, string | undefined>,
  layout: RegistryColumnLayout,
  tools: {
    splitSurnames: SurnameSplitter;
    cleanName: NameCleaner;
    /** YYYY-MM-DD: a birth date after it is refused (the core has no clock). */
    today?: string;
  },
): RegistryRowResult {
  const expediente = (record.expediente ?? '').trim();
  if (!expediente) return { ok: false, reason: 'empty expediente' };
  if (SCIENTIFIC_NOTATION.test(expediente)) {
    return {
      ok: false,
      reason:
        `expediente '${expediente}' is a number in scientific notation: Excel turned the expedientes into numbers ` +
        '(and may have rounded them); format the expediente column as Text, enter them again and save the CSV',
    };
  }
  if (WITH_DECIMALS.test(expediente)) {
    return {
      ok: false,
      reason:
        `expediente '${expediente}' is a number with decimals: the expediente column was formatted as a number; ` +
        'format it as Text and save the CSV again',
    };
  }
  if (!isExpediente(expediente)) {
    return { ok: false, reason: `expediente '${expediente}' must be 8 to 12 digits` };
  }
  let apellidoPaterno: string;
  let apellidoMaterno: string;
  let nombres: string;
  if (layout === 'split') {
    apellidoPaterno = tools.cleanName(record.apellido_paterno ?? '');
    apellidoMaterno = tools.cleanName(record.apellido_materno ?? '');
    nombres = tools.cleanName(record.nombres ?? '');
  } else {
    const full = record.nombre_completo ?? '';
    const comma = full.indexOf(',');
    if (comma < 0) {
      return {
        ok: false,
        reason: `nombre_completo '${full.trim()}' has no comma: write it as "APELLIDOS, NOMBRES"`,
      };
    }
    if (full.indexOf(',', comma + 1) >= 0) {
      return { ok: false, reason: `nombre_completo '${full.trim()}' has more than one comma` };
    }
    const split = tools.splitSurnames(tools.cleanName(full.slice(0, comma)));
    apellidoPaterno = split.apellidoPaterno;
    apellidoMaterno = split.apellidoMaterno;
    nombres = tools.cleanName(full.slice(comma + 1));
  }
  if (!apellidoPaterno) return { ok: false, reason: 'empty apellido_paterno' };
  if (!nombres) return { ok: false, reason: 'empty nombres' };
  for (const [field, value] of [
    ['apellido_paterno', apellidoPaterno],
    ['apellido_materno', apellidoMaterno],
    ['nombres', nombres],
  ] as const) {
    if (value && !isNameText(value)) {
      return { ok: false, reason: `${field} '${value}' contains characters that are not letters` };
    }
  }
  const fecha = normaliseDate((record.fecha_nacimiento ?? '').trim(), tools.today);
  if (typeof fecha === 'object' && fecha !== NOT_STATED) {
    return { ok: false, reason: `fecha_nacimiento '${record.fecha_nacimiento}' ${fecha.problem}` };
  }
  const sexoRaw = (record.sexo ?? '').trim().toUpperCase();
  const sexo = sexoRaw ? SEXO[sexoRaw] : NOT_STATED;
  if (sexo === undefined) {
    return {
      ok: false,
      reason: `sexo '${record.sexo}' is not one of F, M (also FEMENINO, MASCULINO, MUJER, HOMBRE, H)`,
    };
  }
  const patient: PatientInput = { expediente, apellidoPaterno, apellidoMaterno, nombres };
  if (fecha !== NOT_STATED) patient.fechaNacimiento = fecha;
  if (sexo !== NOT_STATED) patient.sexo = sexo;
  return { ok: true, patient };
}

/**
 * Letters (any script, with combining marks), apostrophe, space, dot and hyphen. Checked a million
 * times per import: the characters of nearly every name (A–Z, Latin-1 letters, space) are accepted
 * by a code-point test; anything else gets the full Unicode rule.
 */
function isNameText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c === 32 || (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7)) continue;
    return NAME_CHARACTERS.test(value);
  }
  return value.length > 0;
}

/** An empty cell or an absent column: the file does not say. */
const NOT_STATED = null;

const USE = 'use DD/MM/YYYY or YYYY-MM-DD';
/** The oldest age a birth date may give: past the oldest people ever recorded. */
const OLDEST_AGE_YEARS = 130;

/** '' → NOT_STATED; a valid date → YYYY-MM-DD; anything else → what is wrong with it, in plain words. */
function normaliseDate(
  value: string,
  today: string | undefined,
): string | typeof NOT_STATED | { problem: string } {
  if (!value) return NOT_STATED;
  let year: number, month: number, day: number;
  const iso = ISO_DATE.exec(value);
  const mx = iso ? null : MEXICAN_DATE.exec(value);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (mx) [year, month, day] = [Number(mx[4]), Number(mx[3]), Number(mx[1])];
  else if (TWO_DIGIT_YEAR.test(value))
    return { problem: `has a 2-digit year, which could be either century: ${USE}` };
  else if (EXCEL_SERIAL.test(value)) {
    const example = fromExcelSerial(Number(value));
    return {
      problem:
        `is a number, as Excel shows a date in a column formatted "General"${example ? ` (${value} would be ${example})` : ''}: ` +
        `format the column as a date (${USE}) and save the CSV again`,
    };
  } else return { problem: `is not a date: ${USE}` };
  // Years below 100 stay rejected, as when this went through Date.UTC (which reads them as 19xx).
  if (year < 100) return { problem: `is not a date: ${USE}` };
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return {
      problem: `is not a day of the calendar (${month >= 1 && month <= 12 ? `month ${month} has ${daysInMonth(year, month)} days` : `there is no month ${month}`})`,
    };
  }
  const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (today === undefined) return date;
  if (date > today) return { problem: `is after today (${today}): a birth date cannot be` };
  // 1800 for 1980, 0198 for 1998: a year no patient alive or in living memory was born in is a typing slip, and
  // an age of two centuries would pass every birth date check of the matching unremarked.
  const earliest = `${String(Number(today.slice(0, 4)) - OLDEST_AGE_YEARS).padStart(4, '0')}${today.slice(4)}`;
  if (date < earliest) {
    return { problem: `is more than ${OLDEST_AGE_YEARS} years before today (${today}): check the year` };
  }
  return date;
}

/** Excel's 1900 date system: day 1 is 1900-01-01 and, as in Lotus 1-2-3, it counts a 29 February 1900. */
function fromExcelSerial(serial: number): string | null {
  if (!Number.isInteger(serial) || serial < 61 || serial > 2_958_465) return null;
  return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
}

/** Days in a month of the proleptic Gregorian calendar (JavaScript's Date's calendar). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
