import { describe, expect, it } from 'vitest';
import { EXPECTED_FILENAME_FORMAT, FILENAME_EXAMPLE } from '../../../src/core/filename/expected-format.js';
import { parseFilename } from '../../../src/core/filename/parse-filename.js';
import type {
  FilenameErrorCode,
  FilenameParseResult,
  ParsedFilename,
} from '../../../src/core/filename/types.js';
import { SERVICE_MAP } from './service-map.js';

function parsed(input: string): ParsedFilename {
  const result = parseFilename(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse: ${result.error.message}`);
  return result.parsed;
}

function failure(input: string) {
  const result = parseFilename(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to fail`);
  return result.error;
}

const nfd = (text: string) => text.normalize('NFD');

describe('parseFilename: the issue example', () => {
  it('parses every field', () => {
    const name = '3000003799_GARZA TIJERINA, MARIA ESTHER_6001467010_CONS.pdf';
    expect(parseFilename(name)).toEqual({
      ok: true,
      filename: name,
      parsed: {
        filename: name,
        expediente: '3000003799',
        apellidos: 'GARZA TIJERINA',
        apellidoPaterno: 'GARZA',
        apellidoMaterno: 'TIJERINA',
        nombres: 'MARIA ESTHER',
        nombreCompleto: 'GARZA TIJERINA, MARIA ESTHER',
        numero: '6001467010',
        documentType: 'consultation',
        documentTypeCode: 'CONS',
      },
    });
  });

  it('parses the example it shows with every error', () => {
    expect(parseFilename(FILENAME_EXAMPLE).ok).toBe(true);
  });
});

/** Names as a records clerk might type them, and what the registry should receive. */
const NAMES: [written: string, apellidos: string, paterno: string, materno: string, nombres: string][] = [
  ['GARZA TIJERINA, MARIA ESTHER', 'GARZA TIJERINA', 'GARZA', 'TIJERINA', 'MARIA ESTHER'],
  ['de la Garza Treviño, José Luis', 'DE LA GARZA TREVIÑO', 'DE LA GARZA', 'TREVIÑO', 'JOSÉ LUIS'],
  ['DEL RIO LOPEZ, ANA', 'DEL RIO LOPEZ', 'DEL RIO', 'LOPEZ', 'ANA'],
  ['DE LOS SANTOS, JUAN PABLO', 'DE LOS SANTOS', 'DE LOS SANTOS', '', 'JUAN PABLO'],
  ['MUÑOZ, PEDRO', 'MUÑOZ', 'MUÑOZ', '', 'PEDRO'],
  [
    'PONCE DE LEÓN ÁLVAREZ, MARÍA DE LOS ÁNGELES',
    'PONCE DE LEÓN ÁLVAREZ',
    'PONCE DE LEÓN',
    'ÁLVAREZ',
    'MARÍA DE LOS ÁNGELES',
  ],
  ['MONTES DE OCA NÚÑEZ, SOFÍA', 'MONTES DE OCA NÚÑEZ', 'MONTES DE OCA', 'NÚÑEZ', 'SOFÍA'],
  ['SAN MARTIN IBARRA, LUIS', 'SAN MARTIN IBARRA', 'SAN MARTIN', 'IBARRA', 'LUIS'],
  ['SANTA ANNA OROZCO, RAUL', 'SANTA ANNA OROZCO', 'SANTA ANNA', 'OROZCO', 'RAUL'],
  [
    "O'FARRILL GARCIA-LOPEZ, MA. JOSEFINA",
    "O'FARRILL GARCIA-LOPEZ",
    "O'FARRILL",
    'GARCIA-LOPEZ',
    'MA. JOSEFINA',
  ],
  ['  peña   ibáñez ,  iñaki  ', 'PEÑA IBÁÑEZ', 'PEÑA', 'IBÁÑEZ', 'IÑAKI'],
  ['LOPEZ PORTILLO Y PACHECO, JOSE', 'LOPEZ PORTILLO Y PACHECO', 'LOPEZ PORTILLO', 'PACHECO', 'JOSE'],
  ['GÜEMES ZÚÑIGA, ÜRSULA', 'GÜEMES ZÚÑIGA', 'GÜEMES', 'ZÚÑIGA', 'ÜRSULA'],
];

const EXPEDIENTES = ['30000037', '300000379912'];

describe('parseFilename: every type code × numero or not × 8/12-digit expediente × NFC/NFD', () => {
  const cases = SERVICE_MAP.flatMap(([code, type], codeIndex) =>
    [true, false].flatMap((withNumero) =>
      EXPEDIENTES.flatMap((expediente) =>
        (['NFC', 'NFD'] as const).map((form) => {
          const [written, apellidos, paterno, materno, nombres] = NAMES[codeIndex % NAMES.length]!;
          const numero = withNumero ? '0060014670' : null;
          const name = `${expediente}_${written}${numero ? `_${numero}` : ''}_${code}.pdf`;
          return {
            name: form === 'NFD' ? nfd(name) : name,
            form,
            code,
            type,
            expediente,
            numero,
            apellidos,
            paterno,
            materno,
            nombres,
          };
        }),
      ),
    ),
  );

  it.each(cases)('$name ($form)', (c) => {
    expect(parsed(c.name)).toEqual({
      filename: c.name.normalize('NFC'),
      expediente: c.expediente,
      apellidos: c.apellidos,
      apellidoPaterno: c.paterno,
      apellidoMaterno: c.materno,
      nombres: c.nombres,
      nombreCompleto: `${c.apellidos}, ${c.nombres}`,
      numero: c.numero,
      documentType: c.type,
      documentTypeCode: c.code,
    });
  });

  it.each(SERVICE_MAP)('reads the code %s in lower and mixed case', (code, type) => {
    const mixed = code[0] + code.slice(1).toLowerCase();
    for (const written of [code.toLowerCase(), mixed]) {
      expect(parsed(`30000037_GARZA, ANA_${written}.pdf`)).toMatchObject({
        documentType: type,
        documentTypeCode: code,
      });
    }
  });

  it.each(['XYZ', 'HIST', 'ecg', 'Consulta', 'RX2', 'ÑOQUI'])(
    'keeps the unknown code %s and maps it to other',
    (code) => {
      expect(parsed(`30000037_GARZA, ANA_${code}.pdf`)).toMatchObject({
        documentType: 'other',
        documentTypeCode: code.toUpperCase(),
      });
    },
  );

  it('recognises an accented code but keeps it as written', () => {
    expect(parsed('30000037_GARZA, ANA_cirugía.pdf')).toMatchObject({
      documentType: 'surgery',
      documentTypeCode: 'CIRUGÍA',
    });
  });
});

describe('parseFilename: names', () => {
  it.each(NAMES)('%j', (written, apellidos, paterno, materno, nombres) => {
    expect(parsed(`3000003799_${written}_6001467010_CONS.pdf`)).toMatchObject({
      apellidos,
      apellidoPaterno: paterno,
      apellidoMaterno: materno,
      nombres,
      nombreCompleto: `${apellidos}, ${nombres}`,
    });
  });

  it.each(NAMES)('gives identical output for NFC and NFD (macOS) input: %j', (written) => {
    const name = `3000003799_${written}_6001467010_CONS.pdf`;
    const decomposed = parseFilename(nfd(name));
    expect(decomposed).toEqual(parseFilename(name.normalize('NFC')));
    expect(JSON.stringify(decomposed)).toBe(JSON.stringify(decomposed).normalize('NFC'));
  });

  it('keeps Ñ and accents as written (folding is for the matcher)', () => {
    expect(parsed('30000037_NUÑEZ ÁVILA, JOSÉ_CONS.pdf').nombreCompleto).toBe('NUÑEZ ÁVILA, JOSÉ');
    expect(parsed('30000037_NUNEZ AVILA, JOSE_CONS.pdf').nombreCompleto).toBe('NUNEZ AVILA, JOSE');
  });

  it('uppercases independently of the locale', () => {
    expect(parsed('30000037_ıñiguez, iris_CONS.pdf').nombreCompleto).toBe('IÑIGUEZ, IRIS');
  });

  it('tolerates spaces around every part and around the whole name', () => {
    expect(parsed('  3000003799 _ GARZA  TIJERINA ,MARIA   ESTHER _ 6001467010 _ cons .pdf  ')).toMatchObject(
      {
        expediente: '3000003799',
        nombreCompleto: 'GARZA TIJERINA, MARIA ESTHER',
        numero: '6001467010',
        documentTypeCode: 'CONS',
      },
    );
  });

  it('parses a very long name in full', () => {
    const given = Array.from({ length: 200 }, (_, i) => `NOMBRE${'ABCDEFGHIJ'[i % 10]}`).join(' ');
    const result = parsed(`3000003799_GARZA TIJERINA, ${given}_CONS.pdf`);
    expect(result.nombres).toBe(given);
    expect(result.apellidoPaterno).toBe('GARZA');
  });

  it('keeps leading zeros in the expediente and the numero (they are identifiers)', () => {
    expect(parsed('00000123_GARZA, ANA_000042_LAB.pdf')).toMatchObject({
      expediente: '00000123',
      numero: '000042',
    });
  });
});

describe('parseFilename: expediente length', () => {
  const lengths = Array.from({ length: 20 }, (_, i) => i + 1);
  it.each(lengths)('%i digits', (digits) => {
    const expediente = '3'.repeat(digits);
    const result = parseFilename(`${expediente}_GARZA, ANA_CONS.pdf`);
    if (digits >= 8 && digits <= 12) {
      expect(result.ok && result.parsed.expediente).toBe(expediente);
    } else {
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'expediente_length',
          message: `the expediente '${expediente}' has ${digits} digit${digits === 1 ? '' : 's'}; it must have 8 to 12`,
        },
      });
    }
  });
});

describe('parseFilename: extension and path', () => {
  it.each(['pdf', 'PDF', 'Pdf', 'pDf'])('accepts .%s', (extension) => {
    expect(parseFilename(`3000003799_GARZA, ANA_CONS.${extension}`).ok).toBe(true);
  });

  it.each([
    ['3000003799_GARZA, ANA_CONS.docx', "not a .pdf file (extension '.docx')"],
    ['3000003799_GARZA, ANA_CONS.PDFX', "not a .pdf file (extension '.PDFX')"],
    ['3000003799_GARZA, ANA_CONS.pdf.txt', "not a .pdf file (extension '.txt')"],
    ['3000003799_GARZA, ANA_CONS', "the file name does not end in '.pdf'"],
    ['3000003799_GARZA, ANA_CONS.', "the file name does not end in '.pdf'"],
    ['3000003799_GARZA, MA. ANA_CONS', "the file name does not end in '.pdf'"],
  ])('%j → not_pdf', (name, message) => {
    expect(failure(name)).toMatchObject({ code: 'not_pdf', message });
  });

  it.each([
    '/srv/incoming/2024/3000003799_GARZA, ANA_CONS.pdf',
    'C:\\Escaneos\\3000003799_GARZA, ANA_CONS.pdf',
    'a\\b/c\\3000003799_GARZA, ANA_CONS.pdf',
    './3000003799_GARZA, ANA_CONS.pdf',
  ])('reads only the base name of %j', (path) => {
    const result = parseFilename(path);
    expect(result.filename).toBe('3000003799_GARZA, ANA_CONS.pdf');
    expect(result.ok && result.parsed.filename).toBe('3000003799_GARZA, ANA_CONS.pdf');
  });

  it('reports a directory path as an empty name', () => {
    expect(failure('/srv/incoming/')).toMatchObject({ code: 'empty', message: 'empty file name' });
  });

  it('rejects a doubled extension instead of guessing', () => {
    expect(failure('3000003799_GARZA, ANA_CONS.pdf.pdf')).toMatchObject({
      code: 'invalid_type',
      message: "doubled extension '.pdf.pdf'; remove one '.pdf'",
    });
    expect(failure('3000003799_GARZA, ANA_CONS.PDF.pdf').code).toBe('invalid_type');
  });
});

/** One or more inputs per error code, with the exact message or a telling part of it. */
const ERRORS: [input: string, code: FilenameErrorCode, message: string][] = [
  ['', 'empty', 'empty file name'],
  ['   ', 'empty', 'empty file name'],
  ['.pdf', 'empty', "the file name has nothing before '.pdf'"],
  ['  .PDF', 'empty', "the file name has nothing before '.pdf'"],
  ['notes.docx', 'not_pdf', "not a .pdf file (extension '.docx')"],
  ['3000003799.pdf', 'wrong_part_count', "no '_' separators"],
  ['GARZA TIJERINA, MARIA.pdf', 'wrong_part_count', "no '_' separators"],
  [
    '3000003799_GARZA, ANA_1_2_CONS.pdf',
    'wrong_part_count',
    "found 5 parts separated by '_'; expected 3 or 4",
  ],
  ['3000003799_GARZA, ANA_1_2_CONS.pdf', 'wrong_part_count', "check for an extra '_'"],
  [
    '3000003799_GARZA TIJERINA, MARIA_ESTHER_6001467010_CONS.pdf',
    'wrong_part_count',
    "'ESTHER' after the name looks like part of the name: use a space instead of '_'",
  ],
  [
    '3000003799_GARZA, ANA__CONS.pdf',
    'wrong_part_count',
    "part 3 is empty (two '_' with nothing between them)",
  ],
  ['3000003799_GARZA, ANA_6001467010__CONS.pdf', 'wrong_part_count', 'part 4 is empty'],
  [
    '30000A3799_GARZA, ANA_CONS.pdf',
    'invalid_expediente',
    "the expediente '30000A3799' contains letters; it must be 8 to 12 digits",
  ],
  ['3000-003799_GARZA, ANA_CONS.pdf', 'invalid_expediente', "contains characters other than digits ('-')"],
  [
    '3000 003799_GARZA, ANA_CONS.pdf',
    'invalid_expediente',
    'contains characters other than digits (a space)',
  ],
  ['３０００００３７９９_GARZA, ANA_CONS.pdf', 'invalid_expediente', 'contains characters other than digits'],
  ['3000003799\u200b_GARZA, ANA_CONS.pdf', 'invalid_expediente', 'U+200B'],
  ['_GARZA, ANA_CONS.pdf', 'invalid_expediente', 'missing expediente'],
  [
    'GARZA, ANA_3000003799_CONS.pdf',
    'invalid_expediente',
    "the file name must start with the expediente (8 to 12 digits), but it starts with 'GARZA, ANA'",
  ],
  [
    '1234567_GARZA, ANA_CONS.pdf',
    'expediente_length',
    "the expediente '1234567' has 7 digits; it must have 8 to 12",
  ],
  [
    '1234567890123_GARZA, ANA_CONS.pdf',
    'expediente_length',
    "the expediente '1234567890123' has 13 digits; it must have 8 to 12",
  ],
  [
    '3000003799_GARZA TIJERINA MARIA ESTHER_6001467010_CONS.pdf',
    'no_comma',
    "no comma between surnames and given names in 'GARZA TIJERINA MARIA ESTHER'",
  ],
  [
    '3000003799_GARZA TIJERINA MARIA ESTHER_CONS.pdf',
    'no_comma',
    "no comma between surnames and given names in 'GARZA TIJERINA MARIA ESTHER'",
  ],
  [
    '3000003799_GARZA TIJERINA_MARIA ESTHER_6001467010_CONS.pdf',
    'no_comma',
    "if 'MARIA ESTHER' after the '_' is the given names, write 'GARZA TIJERINA, MARIA ESTHER'",
  ],
  ['3000003799_, MARIA_CONS.pdf', 'missing_surnames', "no surnames before the comma in ', MARIA'"],
  ['3000003799__CONS.pdf', 'missing_surnames', 'empty name'],
  ['3000003799_ _CONS.pdf', 'missing_surnames', 'empty name'],
  [
    '3000003799_CONS.pdf',
    'missing_surnames',
    "missing name: expected 'APELLIDOS, NOMBRES' after the expediente, found 'CONS'",
  ],
  ['3000003799_6001467010_CONS.pdf', 'missing_surnames', "found '6001467010'"],
  [
    '3000003799_GARZA TIJERINA,_CONS.pdf',
    'missing_given_names',
    "no given names after the comma in 'GARZA TIJERINA,'",
  ],
  ['3000003799_GARZA TIJERINA, _CONS.pdf', 'missing_given_names', 'no given names after the comma'],
  [
    '3000003799_GARZA_TIJERINA, MARIA_CONS.pdf',
    'invalid_name_characters',
    "the name 'GARZA_TIJERINA, MARIA' contains '_'",
  ],
  [
    '3000003799_GARZA_DE_LA_FUENTE, MARIA_6001467010_CONS.pdf',
    'invalid_name_characters',
    "the name 'GARZA_DE_LA_FUENTE, MARIA' contains '_'",
  ],
  ['3000003799_GARZA, TIJERINA, MARIA_CONS.pdf', 'invalid_name_characters', 'more than one comma'],
  ['3000003799_GARZA 2, MARIA_CONS.pdf', 'invalid_name_characters', "contains digits ('2')"],
  ['3000003799_GARZA2 TIJERINA MARIA_CONS.pdf', 'invalid_name_characters', "contains digits ('2')"],
  [
    '3000003799_GARZA\tTIJERINA, MARIA_CONS.pdf',
    'invalid_name_characters',
    'control or invisible characters (U+0009)',
  ],
  ['3000003799_GARZA, MARIA\n_CONS.pdf', 'invalid_name_characters', 'U+000A'],
  ['3000003799_GARZA\u001b[31m, MARIA_CONS.pdf', 'invalid_name_characters', 'U+001B'],
  ['3000003799_GARZA\u0000, MARIA_CONS.pdf', 'invalid_name_characters', 'U+0000'],
  ['3000003799_GARZA\u202e, MARIA_CONS.pdf', 'invalid_name_characters', 'U+202E'],
  ['3000003799_GARZA\u202eTIJERINA MARIA_CONS.pdf', 'invalid_name_characters', 'U+202E'],
  ['3000003799_GARZA (TIJERINA), MARIA_CONS.pdf', 'invalid_name_characters', "not allowed ('(', ')')"],
  ['3000003799_GARZA - TIJERINA, MARIA_CONS.pdf', 'invalid_name_characters', 'is not a name word'],
  [
    '3000003799_GARZA, ANA_600146701A_CONS.pdf',
    'invalid_numero',
    "the NUMERO '600146701A' contains letters; it must be digits only",
  ],
  [
    '3000003799_GARZA, ANA_6001-467010_CONS.pdf',
    'invalid_numero',
    "contains characters other than digits ('-')",
  ],
  [
    '3000003799_GARZA, ANA_CONS_LAB.pdf',
    'invalid_numero',
    "the NUMERO 'CONS' must be digits only; it looks like a document type, which goes last",
  ],
  [
    '3000003799_GARZA, ANA_CONS_6001467010.pdf',
    'invalid_numero',
    'the NUMERO and the type look swapped: write …_6001467010_CONS.pdf',
  ],
  ['3000003799_GARZA, ANA_cons_6001467010.pdf', 'invalid_numero', 'write …_6001467010_CONS.pdf'],
  [
    '3000003799_GARZA TIJERINA, MARIA_ESTHER_CONS.pdf',
    'invalid_numero',
    "if 'ESTHER' is part of the name, replace the '_' before it with a space",
  ],
  [
    '3000003799_GARZA TIJERINA, MARIA ESTHER.pdf',
    'missing_type',
    'missing document type (the last part before .pdf, e.g. CONS)',
  ],
  ['3000003799_GARZA, ANA_.pdf', 'missing_type', "nothing between the last '_' and '.pdf'"],
  ['3000003799_GARZA, ANA_6001467010_.pdf', 'missing_type', "nothing between the last '_' and '.pdf'"],
  [
    '3000003799_GARZA, ANA_6001467010.pdf',
    'missing_type',
    "'6001467010' is digits, which looks like a NUMERO",
  ],
  [
    '3000003799_GARZA, ANA_6001467010_CONS 2.pdf',
    'invalid_type',
    "the document type 'CONS 2' must be one word of letters and digits",
  ],
  ['3000003799_GARZA, ANA_CONS-RX.pdf', 'invalid_type', "the document type 'CONS-RX'"],
  // What a browser (` (1)`) or a file manager (` - copia`, ` - Copy`) adds to a second copy: named as such.
  ['3000003799_GARZA, ANA_6001467010_CONS (1).pdf', 'invalid_type', "'CONS (1)' carries a copy's suffix"],
  ['3000003799_GARZA, ANA_6001467010_LAB - copia.pdf', 'invalid_type', 'rename it to end in _LAB.pdf'],
  ['3000003799_GARZA, ANA_6001467010_rx - Copy (2).pdf', 'invalid_type', 'rename it to end in _RX.pdf'],
  ['3000003799_GARZA, ANA_CONS\u0007.pdf', 'invalid_type', 'must be one word'],
  ['3000003799_GARZA, ANA_CONS.pdf.pdf', 'invalid_type', "doubled extension '.pdf.pdf'"],
  [
    '.3000003799_GARZA, ANA_CONS.pdf',
    'hidden',
    "hidden file (its name starts with '.'): not read; if it is a document, rename it without the '.'",
  ],
  [
    'urgencias/._3000003799_GARZA, ANA_CONS.pdf',
    'hidden',
    "macOS metadata ('._' AppleDouble file) of '3000003799_GARZA, ANA_CONS.pdf', not a document",
  ],
  ['.DS_Store', 'hidden', "macOS folder metadata ('.DS_Store')"],
  // What Node's readdir gives for 'NÚÑEZ' saved in Latin-1 bytes (0xDA, 0xD1): each byte becomes U+FFFD.
  ['3000003799_N\uFFFD\uFFFDEZ GARZA, ANA_CONS.pdf', 'not_utf8', 'the file name is not valid UTF-8'],
  ['3000003799_NU\uFFFDEZ GARZA, ANA_CONS.pdf', 'not_utf8', 'convmv -f latin1 -t utf8'],
];

/** Fails to compile when a code is added to FilenameErrorCode without a test here. */
const EVERY_CODE: Record<FilenameErrorCode, true> = {
  empty: true,
  hidden: true,
  not_utf8: true,
  not_pdf: true,
  wrong_part_count: true,
  invalid_expediente: true,
  expediente_length: true,
  no_comma: true,
  missing_surnames: true,
  missing_given_names: true,
  invalid_name_characters: true,
  invalid_numero: true,
  missing_type: true,
  invalid_type: true,
};

describe('parseFilename: failures', () => {
  it.each(ERRORS)('%j → %s', (input, code, message) => {
    const result = parseFilename(input);
    expect(result.ok).toBe(false);
    const error = failure(input);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.expectedFormat).toBe(EXPECTED_FILENAME_FORMAT);
    expect(error.example).toBe(FILENAME_EXAMPLE);
  });

  it('covers every error code', () => {
    expect(new Set(ERRORS.map(([, code]) => code))).toEqual(new Set(Object.keys(EVERY_CODE)));
  });

  it('reports the first problem in reading order', () => {
    expect(failure('1234567_GARZA TIJERINA MARIA_X1_.docx').code).toBe('not_pdf');
    expect(failure('1234567_GARZA TIJERINA MARIA_X1_.pdf').code).toBe('expediente_length');
    expect(failure('12345678_GARZA TIJERINA MARIA_X1_.pdf').code).toBe('no_comma');
    expect(failure('12345678_GARZA, MARIA_X1_.pdf').code).toBe('invalid_numero');
    expect(failure('12345678_GARZA, MARIA_1_.pdf').code).toBe('missing_type');
  });

  it('never puts a control character in a message', () => {
    const inputs = [
      '3000003799_GARZA\u001b[2J, ANA_CONS.pdf',
      '30000\u0007A3799_GARZA, ANA_CONS.pdf',
      '3000003799_GARZA, ANA_1\u0008_CONS.pdf',
    ];
    for (const input of inputs) expect(failure(input).message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });
});

describe('parseFilename: total on arbitrary input', () => {
  /**
   * Half free-form noise, half names built slot by slot from valid and broken pieces, so that both the
   * early rejections and the deep paths (name checks, numero, type) get exercised. Deterministic, so a
   * failure reproduces.
   */
  function* randomNames(count: number): Generator<string> {
    let seed = 0x2f6b_1a37;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const noise = [
      '3000003799',
      '_',
      ', ',
      'GARZA',
      'ñ',
      'n\u0303',
      ' ',
      '.pdf',
      '.',
      'CONS',
      '\u0000',
      '\u202e',
      '\\',
      '/',
      "'",
      '-',
      '\ud800',
    ];
    // Each slot: [valid pieces, broken pieces]; a slot is valid 80% of the time.
    const slots: Record<string, [string[], string[]]> = {
      path: [['', 'in/', 'C:\\in\\'], []],
      expediente: [
        ['30000037', '300000379912', ' 30000037 '],
        ['1234567', '30000A37', ''],
      ],
      surnames: [
        [
          'GARZA TIJERINA',
          'de la garza',
          'PONCE DE LEO\u0301N',
          'MUN\u0303OZ',
          "O'FARRILL",
          'DEL RIO Y SOTO',
        ],
        ['GARZA_LOPEZ', 'GAR\tZA', '', '-'],
      ],
      separator: [
        [', ', ',', ' , '],
        [' ', ',,'],
      ],
      given: [
        ['MARIA ESTHER', 'jose\u0301', 'MA. LUISA', 'IN\u0303AKI'],
        ['', 'ANA2'],
      ],
      numero: [
        ['', '_6001467010', '_0'],
        ['_60A', '_CONS', '__'],
      ],
      type: [
        ['_CONS', '_rx', '_XYZ', '_CIRUGI\u0301A'],
        ['_', '', '_6001467010', '_CONS 2'],
      ],
      extension: [
        ['.pdf', '.PDF'],
        ['.docx', '', '.pdf.pdf'],
      ],
    };
    const slot = (name: string) => {
      const [valid, broken] = slots[name]!;
      return pick(next() < 0.8 || broken.length === 0 ? valid : broken);
    };
    for (let i = 0; i < count; i += 1) {
      if (next() < 0.5) {
        yield Array.from({ length: Math.floor(next() * 12) }, () => pick(noise)).join('');
      } else {
        yield ['path', 'expediente', '_', 'surnames', 'separator', 'given', 'numero', 'type', 'extension']
          .map((name) => (name === '_' ? '_' : slot(name)))
          .join('');
      }
    }
  }

  it('returns a well-formed result for 3,000 random names and agrees with itself on NFD input', () => {
    let parsedCount = 0;
    for (const input of randomNames(3000)) {
      let result: FilenameParseResult | undefined;
      expect(() => (result = parseFilename(input)), JSON.stringify(input)).not.toThrow();
      if (!result) continue;
      expect(parseFilename(nfd(input))).toEqual(result);
      if (!result.ok) {
        expect(result.error.message.length).toBeGreaterThan(0);
        continue;
      }
      parsedCount += 1;
      const p = result.parsed;
      expect(p.expediente).toMatch(/^[0-9]{8,12}$/);
      expect(p.nombreCompleto).toBe(`${p.apellidos}, ${p.nombres}`);
      expect(p.apellidos).toBe(p.apellidos.toUpperCase().normalize('NFC'));
      expect(p.apellidos).not.toMatch(/ {2}|^ | $/);
      expect(p.apellidoPaterno.length).toBeGreaterThan(0);
    }
    // The generator must produce some valid names, or this test proves little.
    expect(parsedCount).toBeGreaterThan(100);
  });

  it('reparses a name rebuilt from its own fields to the same fields', () => {
    for (const [written] of NAMES) {
      const first = parsed(`3000003799_${written}_6001467010_cons.PDF`);
      const rebuilt = `${first.expediente}_${first.nombreCompleto}_${first.numero}_${first.documentTypeCode}.pdf`;
      expect({ ...parsed(rebuilt), filename: '' }).toEqual({ ...first, filename: '' });
    }
  });
});
