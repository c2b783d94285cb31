/**
 * Why `patients import` refused a row, or the whole file's layout (core/registry/registry-row,
 * app/import-registry), in Spanish: for the import's report, and nested in its refusal of a file that is not a
 * registry CSV. Column names, values and line numbers stay as they are.
 */
import { formatCalendarDate } from '../format.js';
import { fixed, type RefusalRule } from './refusal-rules.js';

const USE_ES = 'use DD/MM/AAAA o AAAA-MM-DD';

/** normaliseDate's problems, after `fecha_nacimiento 'VALUE'`. */
function dateProblem(problem: string): string {
  if (problem === 'has a 2-digit year, which could be either century: use DD/MM/YYYY or YYYY-MM-DD') {
    return `tiene un año de 2 dígitos, que podría ser de cualquier siglo: ${USE_ES}`;
  }
  if (problem === 'is not a date: use DD/MM/YYYY or YYYY-MM-DD') return `no es una fecha: ${USE_ES}`;
  const excel =
    /^is a number, as Excel shows a date in a column formatted "General"(?: \((\S+) would be (\S+)\))?: format the column as a date \(use DD\/MM\/YYYY or YYYY-MM-DD\) and save the CSV again$/.exec(
      problem,
    );
  if (excel) {
    return (
      `es un número, como Excel muestra una fecha en una columna con formato "General"${excel[1] ? ` (${excel[1]} sería ${formatCalendarDate(excel[2]!, 'es')})` : ''}: ` +
      `dé a la columna formato de fecha (${USE_ES}) y guarde el CSV de nuevo`
    );
  }
  const calendar =
    /^is not a day of the calendar \((?:month (\d+) has (\d+) days|there is no month (\d+))\)$/.exec(problem);
  if (calendar) {
    return `no es un día del calendario (${calendar[1] ? `el mes ${calendar[1]} tiene ${calendar[2]} días` : `no existe el mes ${calendar[3]}`})`;
  }
  const after = /^is after today \((\S+)\): a birth date cannot be$/.exec(problem);
  // Day first, as every date the Spanish screens print (an ISO date reads as another order to the records office).
  if (after)
    return `es posterior a hoy (${formatCalendarDate(after[1]!, 'es')}): una fecha de nacimiento no puede serlo`;
  const tooOld = /^is more than (\d+) years before today \((\S+)\): check the year$/.exec(problem);
  if (tooOld)
    return `es de hace más de ${tooOld[1]} años (hoy es ${formatCalendarDate(tooOld[2]!, 'es')}): revise el año`;
  return problem;
}

export const REGISTRY_IMPORT_RULES: readonly RefusalRule[] = [
  {
    en: /^the column '(.*)' appears twice \(columns (\d+) and (\d+)\); keep one and import again$/,
    es: ([name, first, second]) =>
      `la columna '${name}' aparece dos veces (columnas ${first} y ${second}); deje una e importe de nuevo`,
  },
  {
    en: /^no 'expediente' column \(found: (.*)\)$/s,
    es: ([found]) => `no hay columna 'expediente' (se encontró: ${found === 'nothing' ? 'nada' : found})`,
  },
  {
    en: /^missing column\(s\) (.*); give expediente, apellido_paterno, apellido_materno, nombres — or expediente, nombre_completo$/s,
    es: ([missing]) =>
      `falta(n) la(s) columna(s) ${missing}; indique expediente, apellido_paterno, apellido_materno, nombres — o expediente, nombre_completo`,
  },
  fixed('empty expediente', 'expediente vacío'),
  {
    en: /^expediente '(.*)' must be 8 to 12 digits$/,
    es: ([value]) => `el expediente '${value}' debe tener de 8 a 12 dígitos`,
  },
  {
    en: /^expediente '(.*)' is a number in scientific notation: Excel turned the expedientes into numbers \(and may have rounded them\); format the expediente column as Text, enter them again and save the CSV$/s,
    es: ([value]) =>
      `el expediente '${value}' es un número en notación científica: Excel convirtió los expedientes en números (y ` +
      'quizá los redondeó); dé formato de Texto a la columna expediente, vuelva a capturarlos y guarde el CSV',
  },
  {
    en: /^expediente '(.*)' is a number with decimals: the expediente column was formatted as a number; format it as Text and save the CSV again$/s,
    es: ([value]) =>
      `el expediente '${value}' es un número con decimales: la columna expediente tenía formato de número; dele ` +
      'formato de Texto y guarde el CSV de nuevo',
  },
  {
    en: /^nombre_completo '(.*)' has no comma: write it as "APELLIDOS, NOMBRES"$/s,
    es: ([value]) => `nombre_completo '${value}' no tiene coma: escríbalo como "APELLIDOS, NOMBRES"`,
  },
  {
    en: /^nombre_completo '(.*)' has more than one comma$/s,
    es: ([value]) => `nombre_completo '${value}' tiene más de una coma`,
  },
  fixed('empty apellido_paterno', 'apellido_paterno vacío'),
  fixed('empty nombres', 'nombres vacío'),
  {
    en: /^(\w+) '(.*)' contains characters that are not letters$/s,
    es: ([field, value]) => `${field} '${value}' contiene caracteres que no son letras`,
  },
  {
    en: /^fecha_nacimiento '(.*?)' (is .*|has .*)$/s,
    es: ([value, problem]) => `fecha_nacimiento '${value}' ${dateProblem(problem!)}`,
  },
  {
    en: /^sexo '(.*)' is not one of F, M \(also FEMENINO, MASCULINO, MUJER, HOMBRE, H\)$/s,
    es: ([value]) => `sexo '${value}' no es F ni M (también FEMENINO, MASCULINO, MUJER, HOMBRE, H)`,
  },
  { en: /^unreadable CSV: (.*)$/s, es: ([why], detail) => `CSV ilegible: ${detail(why!)}` },
  fixed(
    'a quote (") opens a field on this line and is never closed, so the lines after it were read into that field and none of them was imported; close or remove the quote and import again',
    'unas comillas (") abren un campo en esta línea y nunca se cierran, así que las líneas siguientes se leyeron dentro de ese campo y ninguna se importó; cierre o quite las comillas e importe de nuevo',
  ),
  {
    en: /^has (\d+) fields; the header has (\d+): this row was not imported — /,
    es: ([fields, header]) =>
      `tiene ${fields} campos; el encabezado tiene ${header}: esta fila no se importó — ` +
      (Number(fields) > Number(header)
        ? 'un nombre que contiene el separador debe ir entre comillas, y no debe haber nada escrito a la derecha de la última columna'
        : 'cada fila necesita un campo por columna, aunque esté vacío'),
  },
  {
    en: /^expediente (\S+) is also on line (\d+), with other data: this row was not imported \(line \d+ was, if valid\); keep one row per expediente$/,
    es: ([expediente, first]) =>
      `el expediente ${expediente} también está en la línea ${first}, con otros datos: esta fila no se importó ` +
      `(la línea ${first} sí, si es válida); deje una fila por expediente`,
  },
  {
    en: /^would rename expediente (\S+) from '(.*)' to '(.*)', who has (\d+) documents?: refused \(the registry keeps the old name\)\. (The names read as one person written two ways\. )?(?:The registry names clearly another person: check whose these documents are \(tecsalud-batch patients show (\S+)\)\. )?If it is the same person, import again with --allow-rename-of (\S+)$/s,
    es: ([expediente, before, after, documents, same, another, allowed]) =>
      `cambiaría el nombre del expediente ${expediente} de '${before}' a '${after}', que tiene ${documents} ` +
      `${documents === '1' ? 'documento' : 'documentos'}: rechazado (el registro conserva el nombre anterior). ` +
      (same ? 'Los nombres parecen una misma persona escrita de dos maneras. ' : '') +
      (another
        ? `El registro nombra claramente a otra persona: revise de quién son estos documentos (tecsalud-batch patients show ${another}). `
        : '') +
      `Si es la misma persona, importe de nuevo con --allow-rename-of ${allowed}`,
  },
  {
    en: /^expediente (\S+) is the registry's expediente (\S+) \('(.*)'\) with other leading zeros, as a spreadsheet leaves it: this row was not imported, so that no one gets a second expediente; format the expediente column as Text and export again$/s,
    es: ([expediente, existing, name]) =>
      `el expediente ${expediente} es el expediente ${existing} del registro ('${name}') con otros ceros a la izquierda, ` +
      'como lo deja una hoja de cálculo: esta fila no se importó, para que nadie tenga un segundo expediente; ' +
      'dé a la columna expediente formato de Texto y exporte de nuevo',
  },
  {
    en: /^expediente (\S+) is expediente (\S+) of line (\d+) with other leading zeros, as a spreadsheet leaves it: this row was not imported \(line \d+ was, if valid\), so that no one gets a second expediente; format the expediente column as Text and export again$/,
    es: ([expediente, first, line]) =>
      `el expediente ${expediente} es el expediente ${first} de la línea ${line} con otros ceros a la izquierda, ` +
      `como lo deja una hoja de cálculo: esta fila no se importó (la línea ${line} sí, si es válida), para que nadie ` +
      'tenga un segundo expediente; dé a la columna expediente formato de Texto y exporte de nuevo',
  },
];

/** A row's (or the layout's) reason in Spanish, or as it is when no rule knows it. */
export function translateImportReason(reason: string): string {
  for (const rule of REGISTRY_IMPORT_RULES) {
    const match = rule.en.exec(reason);
    if (match)
      return rule.es(
        match.slice(1).map((part) => part ?? ''),
        translateImportReason,
      );
  }
  return reason;
}
