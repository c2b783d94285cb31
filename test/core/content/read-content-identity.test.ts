import { describe, expect, it } from 'vitest';
import { isIdentityAbsent, readContentIdentity } from '../../../src/core/content/index.js';
import type { ContentIdentity } from '../../../src/core/content/types.js';

/** The name as `PATERNO / MATERNO / NOMBRES`, for compact expectations. */
function nameOf(identity: ContentIdentity): string | null {
  const n = identity.name;
  return n === null ? null : `${n.apellidoPaterno} / ${n.apellidoMaterno} / ${n.nombres}`;
}

const ESTHER = 'GARZA / TIJERINA / MARIA ESTHER';

describe('readContentIdentity: header layouts', () => {
  it('reads a header written on one line, given names first, with the doctor further down', () => {
    const identity = readContentIdentity(
      [
        'NOTA DE CONSULTA EXTERNA',
        'Paciente: MARIA ESTHER GARZA TIJERINA  Expediente: 3000003799',
        'Fecha de nacimiento: 15/03/1985  Edad: 39 años  Sexo: Femenino',
        'Fecha: 12/03/2024  Folio: 20240312  Tipo: CONS',
        'MOTIVO DE CONSULTA',
        'Dolor abdominal de tres días de evolución.',
        'Médico tratante: Dr. JUAN PEREZ LOPEZ — Cédula profesional 12345678',
      ].join('\n'),
    );
    expect(identity).toMatchObject({ expediente: '3000003799', birthDate: '1985-03-15', sex: 'F' });
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.name?.order).toBe('given_first');
    expect(identity.evidence).toContainEqual({
      field: 'expediente',
      page: 1,
      text: 'Expediente: 3000003799',
    });
    expect(identity.otherNames).toEqual([]);
  });

  it('reads APELLIDOS, NOMBRES and every field on one line with single spaces', () => {
    const identity = readContentIdentity(
      'Paciente: GARZA TIJERINA, MARIA ESTHER Expediente: 3000003799 F. Nac.: 15-03-1985 Sexo: F',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.name?.order).toBe('comma');
    expect(identity).toMatchObject({ expediente: '3000003799', birthDate: '1985-03-15', sex: 'F' });
  });

  it('reads each label with its value on the next line', () => {
    const identity = readContentIdentity(
      'Nombre del paciente:\nGARZA TIJERINA MARIA ESTHER\n\nNo. de expediente:\n3000003799\nFecha de nacimiento:\n1985-03-15',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.name?.order).toBe('surnames_first');
    expect(identity.expediente).toBe('3000003799');
    expect(identity.birthDate).toBe('1985-03-15');
  });

  it('reads a table whose header row is above its values, columns kept', () => {
    const identity = readContentIdentity(
      [
        'Paciente                      Expediente     Fecha de nacimiento   Sexo',
        'GARZA TIJERINA, MARIA ESTHER  3000003799     15/03/1985            F',
      ].join('\n'),
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity).toMatchObject({ expediente: '3000003799', birthDate: '1985-03-15', sex: 'F' });
  });

  it('reads a table whose columns were collapsed to single spaces, by the type of each value', () => {
    const identity = readContentIdentity(
      'Paciente Expediente Fecha de nacimiento Sexo\nGARZA TIJERINA, MARIA ESTHER 3000003799 15/03/1985 F',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity).toMatchObject({ expediente: '3000003799', birthDate: '1985-03-15', sex: 'F' });
    expect(identity.evidence.find((e) => e.field === 'expediente')?.text).toBe('Expediente 3000003799');
  });

  it('reads a table extracted one cell per line: the labels, then their values in order', () => {
    const identity = readContentIdentity(
      'Paciente\nExpediente\nFecha de nacimiento\nSexo\nGARZA TIJERINA, MARIA ESTHER\n3000003799\n15 de marzo de 1985\nFemenino',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity).toMatchObject({ expediente: '3000003799', birthDate: '1985-03-15', sex: 'F' });
  });

  it('reads cells separated by bars', () => {
    const identity = readContentIdentity(
      '| Paciente | GARZA TIJERINA, MARIA ESTHER | Expediente | 3000003799 | Sexo | F |',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity).toMatchObject({ expediente: '3000003799', sex: 'F' });
  });

  it('assembles a name given in separate fields', () => {
    const identity = readContentIdentity(
      'Apellido paterno: GARZA   Apellido materno: TIJERINA   Nombre(s): MARÍA ESTHER\nRegistro: 3000003799  Género: Mujer',
    );
    expect(nameOf(identity)).toBe('GARZA / TIJERINA / MARÍA ESTHER');
    expect(identity.name?.order).toBe('fields');
    expect(identity).toMatchObject({ expediente: '3000003799', sex: 'F' });
  });

  it('assembles Apellidos + Nombre', () => {
    const identity = readContentIdentity('Apellidos: DE LA GARZA TREVIÑO\nNombre: FRANCISCO JAVIER');
    expect(nameOf(identity)).toBe('DE LA GARZA / TREVIÑO / FRANCISCO JAVIER');
  });

  it('follows a name broken after its comma onto the next line', () => {
    const identity = readContentIdentity('Paciente: GARZA TIJERINA,\nMARIA ESTHER\nExpediente: 3000003799');
    expect(nameOf(identity)).toBe(ESTHER);
  });

  it('reads the value after a label broken over two lines (a narrow table cell wraps "Nombre del / paciente:")', () => {
    // Read as a label with nothing after it, the line below was taken whole, label and all, and no name came
    // of it: a misfiled document then stated nobody and was attached to the filename's patient unchecked.
    for (const text of [
      'Nombre del\npaciente: MUÑOZ OLVERA, XÓCHITL\nEdad: 48 años',
      'Nombre\ndel paciente: MUÑOZ OLVERA, XÓCHITL',
      'No. de\nexpediente: 4100000003   Paciente: MUÑOZ OLVERA, XÓCHITL',
    ])
      expect(nameOf(readContentIdentity(text)), text).toBe('MUÑOZ / OLVERA / XÓCHITL');
    expect(readContentIdentity('No. de\nexpediente: 4100000003').expediente).toBe('4100000003');
  });

  it('tolerates extra spaces, lower case and accents', () => {
    const identity = readContentIdentity(
      'nombre del paciente :   Garza  Tijerina,  María  Esther\nexp.   3000003799   sexo   femenino',
    );
    expect(nameOf(identity)).toBe('GARZA / TIJERINA / MARÍA ESTHER');
    expect(identity).toMatchObject({ expediente: '3000003799', sex: 'F' });
  });

  it('reads a name typed all in lower case, in either order (issue 15: a misfiled document must not pass unchecked)', () => {
    expect(nameOf(readContentIdentity('Paciente: jorge acosta morales'))).toBe('ACOSTA / MORALES / JORGE');
    expect(nameOf(readContentIdentity('Paciente: acosta morales, jorge'))).toBe('ACOSTA / MORALES / JORGE');
    expect(nameOf(readContentIdentity('Nombre del paciente: maría esther garza tijerina'))).toBe(
      'GARZA / TIJERINA / MARÍA ESTHER',
    );
  });

  it('reads an English header (an outside laboratory): Patient, Patient Name, MRN, Medical Record No.', () => {
    const lab = readContentIdentity('Patient Name: Jorge Acosta Morales\nMRN 3000576011   Age: 62');
    expect(nameOf(lab)).toBe('ACOSTA / MORALES / JORGE');
    expect(lab.expediente).toBe('3000576011');
    expect(
      readContentIdentity('Patient: ACOSTA MORALES, JORGE  Medical Record No. 3000576011').expediente,
    ).toBe('3000576011');
  });

  it('does not take lower-case words the name dictionaries do not know for a name', () => {
    expect(readContentIdentity('Paciente: dolor abdominal agudo').name).toBeNull();
    expect(readContentIdentity('Paciente: refiere dolor abdominal').name).toBeNull();
  });

  it('reads title-case given names and capital surnames as given names first', () => {
    const identity = readContentIdentity('Paciente: María Esther GARZA TIJERINA');
    expect(nameOf(identity)).toBe('GARZA / TIJERINA / MARÍA ESTHER');
    expect(identity.name?.order).toBe('given_first');
  });

  it('uses the name dictionaries for the order of a name without a comma', () => {
    expect(nameOf(readContentIdentity('Paciente: JUAN CARLOS PEREZ'))).toBe('PEREZ /  / JUAN CARLOS');
    expect(nameOf(readContentIdentity('Paciente: GARZA MARIA ESTHER'))).toBe('GARZA /  / MARIA ESTHER');
    expect(nameOf(readContentIdentity('Paciente: MARIA DE LOS ANGELES DE LA GARZA SOTO'))).toBe(
      'DE LA GARZA / SOTO / MARIA DE LOS ANGELES',
    );
    // Ambiguous (DE JESUS is a given name and a surname): both readings are kept.
    const jesus = readContentIdentity('Paciente: JOSE DE JESUS DE LA GARZA').name!;
    expect([jesus, jesus.alternative]).toContainEqual(
      expect.objectContaining({
        apellidoPaterno: 'DE LA GARZA',
        apellidoMaterno: '',
        nombres: 'JOSE DE JESUS',
      }),
    );
  });

  it('keeps both readings when nothing tells the order', () => {
    const identity = readContentIdentity('Paciente: ZERTUCHE OYERVIDES LUCERITO');
    expect(nameOf(identity)).toBe('ZERTUCHE / OYERVIDES / LUCERITO');
    expect(identity.name?.alternative).toEqual({
      apellidoPaterno: 'OYERVIDES',
      apellidoMaterno: 'LUCERITO',
      nombres: 'ZERTUCHE',
    });
  });
});

describe('readContentIdentity: punctuation around a name', () => {
  it.each([
    ['a period before the comma', 'Paciente: ACOSTA MORALES., JORGE  Expediente: 3000576011', 'comma'],
    ['a period for the comma', 'Nombre: ACOSTA MORALES. JORGE\nExpediente: 3000576011', 'surnames_first'],
    ['the end of the line', 'Paciente: JORGE ACOSTA MORALES.\nExpediente: 3000576011', 'given_first'],
    [
      'the end of a sentence',
      'Paciente: JORGE ACOSTA MORALES. Acude a consulta por dolor lumbar.',
      'given_first',
    ],
    [
      'the end of a sentence, the next one not a stop word',
      'Paciente: JORGE ACOSTA MORALES. Antecedentes de HTA.',
      'given_first',
    ],
    ['a period after the given names', 'Paciente: ACOSTA MORALES, JORGE. Refiere dolor lumbar.', 'comma'],
    ['a comma spaced or dotted', 'Paciente: ACOSTA MORALES ,JORGE.', 'comma'],
    ['a comma and a period', 'Paciente: ACOSTA MORALES,. JORGE', 'comma'],
    ['no space after the comma', 'Paciente: ACOSTA MORALES.,JORGE', 'comma'],
    [
      'the next field after a sentence',
      'Nombre: JORGE ACOSTA MORALES. Edad: 62 años. Sexo: M',
      'given_first',
    ],
  ])('leaves no period in a name: %s', (_label, text, order) => {
    const identity = readContentIdentity(text);
    expect(nameOf(identity)).toBe('ACOSTA / MORALES / JORGE');
    expect(identity.name?.order).toBe(order);
    expect(identity.name?.written).not.toMatch(/[.;]/);
  });

  it('reads separate fields each ended by a period', () => {
    const identity = readContentIdentity(
      'Apellido paterno: ACOSTA.   Apellido materno: MORALES.   Nombre(s): JORGE.',
    );
    expect(nameOf(identity)).toBe('ACOSTA / MORALES / JORGE');
    expect(identity.name?.written).toBe('ACOSTA MORALES, JORGE');
  });

  it('ends a name in capitals at a word in lower case: OCR read a smudged label as one (MUÑOZ PEÑA inode)', () => {
    const identity = readContentIdentity('Paciente: JOSE ANGEL MUÑOZ PEÑA inode 3000123456\nSexo: M');
    expect(nameOf(identity)).toBe('MUÑOZ / PEÑA / JOSE ANGEL');
    // Particles in lower case stay, and a name written in mixed case is read as before.
    expect(nameOf(readContentIdentity('Paciente: MARIA de la LUZ DE LA GARZA TREVIÑO'))).toBe(
      'DE LA GARZA / TREVIÑO / MARIA DE LA LUZ',
    );
    expect(nameOf(readContentIdentity('Paciente: Maria Esther Garza Tijerina de Treviño'))).toContain(
      'DE TREVIÑO',
    );
  });

  it('keeps what names really hold: abbreviations, initials, accents, Ñ, hyphens, apostrophes, particles', () => {
    expect(nameOf(readContentIdentity('Paciente: Sra. Ma. de la Luz PEÑA ÁVILA.'))).toBe(
      'PEÑA / ÁVILA / MA. DE LA LUZ',
    );
    expect(nameOf(readContentIdentity('Paciente: ACOSTA MORALES, J. LUIS.'))).toBe(
      'ACOSTA / MORALES / J. LUIS',
    );
    expect(nameOf(readContentIdentity('Paciente: HDZ. MORALES, Gpe.'))).toBe('HDZ. / MORALES / GPE.');
    expect(nameOf(readContentIdentity("Paciente: O'FARRILL IBÁÑEZ-SOTO, ANA. Acude"))).toBe(
      "O'FARRILL / IBÁÑEZ-SOTO / ANA",
    );
    expect(nameOf(readContentIdentity('Paciente: ANA DE LA GARZA TREVIÑO. Acude a control.'))).toBe(
      'DE LA GARZA / TREVIÑO / ANA',
    );
  });

  it('shows the period as written in the evidence', () => {
    const identity = readContentIdentity('Paciente: JORGE ACOSTA MORALES. Acude a consulta.');
    expect(identity.evidence).toContainEqual({
      field: 'name',
      page: 1,
      text: 'Paciente: JORGE ACOSTA MORALES.',
    });
  });
});

describe('readContentIdentity: OCR', () => {
  it('reads look-alike letters inside the expediente and digits inside the name', () => {
    const identity = readContentIdentity('PAClENTE: GARZA T1JERINA, MARlA ESTHER EXPEDlENTE: 3OOOO03799');
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.expediente).toBe('3000003799');
  });

  it.each([
    ['O for 0', 'Exp: 30000O3799', '3000003799'],
    ['l and I for 1', 'Exp: 1l0000I234', '1100001234'],
    ['S for 5', 'Exp: 30000S3799', '3000053799'],
    ['B for 8', 'Exp: 3000B03799', '3000803799'],
    ['hyphenated groups', 'Expediente: 3000-003799', '3000003799'],
    ['groups of a printed form', 'Expediente: 3000 0037 99', '3000003799'],
    ['a space OCR put inside the number', 'Exp: 30000 03799  Edad: 45', '3000003799'],
    ['a whole number, then a date', 'Expediente: 3000003799 12/03/2024', '3000003799'],
    ['a whole number, then a number', 'Expediente: 3000003799 45', '3000003799'],
    ['N0MBRE-style slip in the label', 'EXPED1ENTE: 3000003799', '3000003799'],
    ['No. after the label', 'Expediente No.: 3000003799', '3000003799'],
    ['# before the number', 'Exp. # 3000003799', '3000003799'],
    ['clinical record', 'Expediente clínico 3000003799', '3000003799'],
    ['register number', 'Núm. de registro: 30000037', '30000037'],
  ])('%s', (_label, text, expediente) => {
    expect(readContentIdentity(text).expediente).toBe(expediente);
  });

  it.each([
    ['more O than digits', 'Expediente: 3OOOOO38OO', '3000003800'],
    ['in lower case', 'No. de expediente: 3ooooo38oo  Edad: 45', '3000003800'],
    ['l, I and | for 1', 'Exp.: 3OOOOOlI|9', '3000001119'],
    ['under its label on the next line', 'Expediente:\n3OOOOO38OO', '3000003800'],
  ])('reads a labelled expediente OCR wrote mostly in look-alikes: %s', (_label, text, expediente) => {
    expect(readContentIdentity(text).expediente).toBe(expediente);
  });

  it.each([
    ['without a label', 'Folio 3OOOOO38OO del estudio'],
    ['S or B, which may be more than one digit', 'Expediente: 3OOSOO38OO'],
    ['glued to a letter (a code)', 'Expediente: 3OOOOO38OOX'],
    ['too long for an expediente', 'Expediente: 3OOOOO38OOOOO'],
    ['too short', 'Expediente: 3OOOO38'],
    ['a word without a digit', 'Expediente: IOLOLOLOL'],
  ])('reads no expediente from look-alikes %s', (_label, text) => {
    expect(readContentIdentity(text).expediente).toBeNull();
  });

  it('reads a comma OCR took for a semicolon (tesseract.js on a 200 dpi scan) as the comma it is', () => {
    // Stopped at the semicolon, the name read MUÑOZ, OLVERA: a correctly filed scan held as naming another.
    const scan = readContentIdentity(
      'Paciente: MUÑOZ OLVERA; XOCHITL Expediente: 4100000003 |\nMotivo de consulta: dolor lumbar',
    );
    expect(nameOf(scan)).toBe('MUÑOZ / OLVERA / XOCHITL');
    expect(scan.expediente).toBe('4100000003');
    expect(nameOf(readContentIdentity('Paciente: GARZA TIJERINA;\nMARIA ESTHER'))).toBe(ESTHER);
    expect(nameOf(readContentIdentity('Paciente: MARIA ESTHER GARZA TIJERINA; Edad: 45'))).toBe(ESTHER);
  });

  it('reads an OCR’d birth date', () => {
    expect(readContentIdentity('Fecha de nacimiento: l5/O3/1985').birthDate).toBe('1985-03-15');
  });
});

describe('readContentIdentity: what is not the patient', () => {
  it('does not take the doctor named after Médico:', () => {
    const identity = readContentIdentity('Médico: Dr. JUAN PEREZ LOPEZ\nCédula profesional: 12345678');
    expect(isIdentityAbsent(identity)).toBe(true);
  });

  it('does not take a bare Nombre: that belongs to the doctor', () => {
    expect(readContentIdentity('Médico tratante   Nombre: JUAN PEREZ LOPEZ').name).toBeNull();
    expect(readContentIdentity('Nombre: Dr. JUAN PEREZ LOPEZ').name).toBeNull();
  });

  it('does not take the relative responsible for the patient', () => {
    const identity = readContentIdentity(
      'Paciente: GARZA TIJERINA, MARIA ESTHER\nNombre del familiar responsable: PEDRO LOPEZ SOTO\nParentesco: esposo',
    );
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.otherNames).toEqual([]);
    expect(readContentIdentity('Nombre del familiar responsable: PEDRO LOPEZ SOTO').name).toBeNull();
  });

  it('reads Nombre: under a heading by the heading', () => {
    expect(readContentIdentity('DATOS DEL FAMILIAR RESPONSABLE\nNombre: PEDRO LOPEZ SOTO').name).toBeNull();
    expect(nameOf(readContentIdentity('DATOS DEL PACIENTE\nNombre: GARZA TIJERINA MARIA ESTHER'))).toBe(
      ESTHER,
    );
  });

  it("reads Nombre: under the hospital's letterhead as the patient's", () => {
    for (const letterhead of [
      'HOSPITAL TECSALUD',
      'CENTRO MÉDICO ZAMBRANO HELLION',
      'Hospital San José TecSalud',
      'CLÍNICA NOVA',
    ]) {
      expect(
        nameOf(readContentIdentity(`${letterhead}\nNombre: GARZA TIJERINA, MARIA ESTHER`)),
        letterhead,
      ).toBe(ESTHER);
      expect(
        nameOf(readContentIdentity(`${letterhead}   Nombre: GARZA TIJERINA, MARIA ESTHER`)),
        letterhead,
      ).toBe(ESTHER);
    }
    // A section about the institution, or a role after the letterhead, still names somebody else.
    expect(readContentIdentity('DATOS DEL HOSPITAL\nNombre: HOSPITAL SAN JOSE').name).toBeNull();
    expect(readContentIdentity('HOSPITAL DE REFERENCIA\nNombre: CLINICA NOVA').name).toBeNull();
    expect(
      readContentIdentity('HOSPITAL TECSALUD - DATOS DEL FAMILIAR RESPONSABLE\nNombre: PEDRO LOPEZ SOTO')
        .name,
    ).toBeNull();
    expect(
      readContentIdentity('CENTRO MÉDICO ZAMBRANO HELLION\nMÉDICO TRATANTE\nNombre: JUAN PEREZ').name,
    ).toBeNull();
  });

  it('prefers Paciente: to a bare Nombre: on the same page', () => {
    const identity = readContentIdentity('Nombre: SOTO LEAL ROSA\nPaciente: GARZA TIJERINA, MARIA ESTHER');
    expect(nameOf(identity)).toBe(ESTHER);
  });

  it('does not read sentences that start with Paciente', () => {
    const identity = readContentIdentity(
      'S: Paciente refiere mejoría de tos.\nPaciente con diagnóstico de faringitis aguda.\nSe explica al paciente: Reposo Relativo.',
    );
    expect(identity.name).toBeNull();
  });

  it('does not take other numbers for the expediente', () => {
    const identity = readContentIdentity(
      [
        'Cédula profesional 12345678',
        'Folio: 1234567890',
        'Registro sanitario 123456789 SSA',
        'NSS: 12345678901',
        'Tel: 8181234567',
        'Fecha: 12/03/2024',
        'Exp. física: abdomen blando',
      ].join('\n'),
    );
    expect(isIdentityAbsent(identity)).toBe(true);
  });

  it('does not take the document date for the birth date', () => {
    const identity = readContentIdentity('Fecha: 12/03/2024  Fecha de ingreso: 10/03/2024');
    expect(identity.birthDate).toBeNull();
  });

  it('returns an absent identity for text that states none', () => {
    const identity = readContentIdentity(
      'REPORTE DE LABORATORIO CLÍNICO\nBIOMETRÍA HEMÁTICA\nHemoglobina 14.2 g/dL 12.0 – 16.0\nLeucocitos 7.1 10^3/µL',
    );
    expect(isIdentityAbsent(identity)).toBe(true);
    expect(identity).toEqual({
      expediente: null,
      name: null,
      birthDate: null,
      birthDateAlternative: null,
      sex: null,
      evidence: [],
      otherExpedientes: [],
      otherNames: [],
    });
    expect(isIdentityAbsent(readContentIdentity(''))).toBe(true);
    expect(isIdentityAbsent(readContentIdentity([]))).toBe(true);
  });
});

describe('readContentIdentity: pages', () => {
  const header = (name: string, expediente: string) =>
    `Paciente: ${name}  Expediente: ${expediente}\nSexo: F`;

  it('takes the identity from the first page that states one', () => {
    const identity = readContentIdentity([
      'RESULTADOS\nHemoglobina 14.2 g/dL',
      header('GARZA TIJERINA, MARIA ESTHER', '3000003799'),
      'Continúa…',
    ]);
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.evidence.every((e) => e.page === 2)).toBe(true);
  });

  it('splits a text on form feeds, as pdftotext separates pages', () => {
    const identity = readContentIdentity(
      `${header('GARZA TIJERINA, MARIA ESTHER', '3000003799')}\fPaciente: SOTO LEAL, ROSA  Expediente: 3000000010`,
    );
    expect(identity.expediente).toBe('3000003799');
    expect(identity.otherExpedientes).toEqual(['3000000010']);
    expect(identity.otherNames).toEqual(['SOTO LEAL, ROSA']);
  });

  it('does not count the same header repeated on every page as another patient', () => {
    const page = header('GARZA TIJERINA, MARIA ESTHER', '3000003799');
    const identity = readContentIdentity([page, page, page.replace('MARIA', 'MA.')]);
    expect(identity.otherExpedientes).toEqual([]);
    expect(identity.otherNames).toEqual([]);
  });

  it("reads the top of every page after maxPages for another patient's header: a second document scanned onto the end", () => {
    const esther = header('GARZA TIJERINA, MARIA ESTHER', '3000003799');
    const rosa = header('SOTO LEAL, ROSA', '3000000010');
    const narrative = 'Evolución: paciente estable, tolera vía oral.';
    const identity = readContentIdentity([esther, narrative, narrative, narrative, narrative, rosa]);
    expect(nameOf(identity)).toBe(ESTHER);
    expect(identity.expediente).toBe('3000003799');
    expect(identity.otherExpedientes).toEqual(['3000000010']);
    expect(identity.otherNames).toEqual(['SOTO LEAL, ROSA']);
    // The same patient's header repeated on a late page, even written another way, is nobody new.
    const repeated = readContentIdentity([esther, narrative, narrative, esther.replace('MARIA', 'MA.')]);
    expect(repeated.otherExpedientes).toEqual([]);
    expect(repeated.otherNames).toEqual([]);
    const sameName = readContentIdentity([
      esther,
      narrative,
      narrative,
      'Paciente: MA. ESTHER GARZA TIJERINA',
    ]);
    expect(sameName.otherNames).toEqual([]);
  });

  it("counts a later page's patient who is not the same person as another patient: a sibling, or one sharing a given name", () => {
    // Only names clearly another person (given names *and* surnames differ) counted, so a sister's note
    // (same surnames) or a JOSÉ ÁNGEL's (a given name shared) appended to MARÍA JOSÉ's file was attached
    // with it unchecked, though on the first page the same names are a contradiction (DECISIONS 5).
    const mine = 'Paciente: NÚÑEZ IBÁÑEZ, MARÍA JOSÉ  Expediente: 4100000001';
    const narrative = 'Evolución: paciente estable, tolera vía oral.';
    for (const [late, written] of [
      ['Paciente: NÚÑEZ IBÁÑEZ, LUCÍA', 'NÚÑEZ IBÁÑEZ, LUCÍA'],
      ['Paciente: PEÑA CASTAÑEDA, JOSÉ ÁNGEL', 'PEÑA CASTAÑEDA, JOSÉ ÁNGEL'],
    ] as const) {
      for (const pages of [
        [mine, narrative, late],
        [mine, narrative, narrative, narrative, late],
      ])
        expect(readContentIdentity(pages).otherNames, late).toEqual([written]);
    }
    // The same person written otherwise is nobody new: a given name and the second surname left out.
    for (const late of [
      'Paciente: MARÍA NÚÑEZ',
      'Paciente: NUNEZ IBANEZ, MA. JOSE',
      'Paciente: JOSÉ NÚÑEZ IBÁÑEZ',
    ])
      expect(readContentIdentity([mine, narrative, late]).otherNames, late).toEqual(
        late.includes('JOSÉ NÚÑEZ') ? ['JOSÉ NÚÑEZ IBÁÑEZ'] : [],
      );
  });

  it("reads an English lab report's bare Name:, not a test's, a physician's or an emergency contact's", () => {
    const lab = (line: string) => readContentIdentity(`LABORATORY REPORT\n${line}\nGlucose 95 mg/dL`);
    expect(lab('Name: LOPEZ HERNANDEZ, ROSA').name?.written).toBe('LOPEZ HERNANDEZ, ROSA');
    expect(lab('Name (Last, First): LOPEZ HERNANDEZ, ROSA').name?.written).toBe('LOPEZ HERNANDEZ, ROSA');
    for (const other of [
      'Test Name: Complete Blood Count',
      'Ordering Physician Name: John Smith Brown',
      "Doctor's Name: John Smith Brown",
      'EMERGENCY CONTACT\nName: Rosa Lopez Hernandez',
    ])
      expect(isIdentityAbsent(lab(other)), other).toBe(true); // Another patient's report as page 2 is a second patient; the page's signer is not.
    const mine = 'Patient: GARZA TIJERINA, MARIA ESTHER';
    expect(readContentIdentity([mine, 'LAB REPORT\nName: Rosa Lopez Hernandez']).otherNames).toEqual([
      'Rosa Lopez Hernandez',
    ]);
    expect(
      readContentIdentity([mine, 'Comments.\nReviewed by\nName: John Smith Brown   Signature: ____'])
        .otherNames,
    ).toEqual([]);
  });

  it('counts a bare Nombre: of another person on a later page read whole, not one under another role', () => {
    const mine = 'Paciente: GARZA TIJERINA, MARIA ESTHER';
    const lab = 'RESULTADOS DE LABORATORIO\nNombre: LOPEZ HERNANDEZ ROSA        Fecha: 12/03/2024';
    expect(readContentIdentity([mine, 'Evolución.', lab]).otherNames).toEqual(['LOPEZ HERNANDEZ ROSA']);
    const relative = 'DATOS DEL FAMILIAR RESPONSABLE\nNombre: LOPEZ HERNANDEZ ROSA';
    expect(readContentIdentity([mine, relative]).otherNames).toEqual([]);
    expect(readContentIdentity([mine, 'Nombre: MA. ESTHER GARZA']).otherNames).toEqual([]);
  });

  it("does not take the signature block atop a short last page for another patient's header", () => {
    const mine = 'Paciente: GARZA TIJERINA, MARIA ESTHER\nExpediente: 3000100001';
    for (const signature of [
      'Plan: control.\n\nElaboró:\nNombre: JUAN PEREZ LOPEZ   Cédula: 1234567',
      'Plan: control.\nNombre: JUAN PEREZ LOPEZ   Cédula profesional: 1234567\nFirma: ____',
      'Plan: control.\n_____________\nNombre: JUAN PEREZ LOPEZ\nMédico Internista',
      'Plan: control.\nNombre: JUAN PEREZ LOPEZ  Firma: ______',
      'Plan.\nAtendió: Dr. Juan Perez\nNombre: JUAN PEREZ LOPEZ',
      `${'Evolución favorable.\n'.repeat(6)}Nombre: JUAN PEREZ LOPEZ`,
    ])
      expect(readContentIdentity([mine, signature]).otherNames, signature).toEqual([]);
    const lab = 'RESULTADOS\nNombre: LOPEZ HERNANDEZ ROSA   Fecha: 12/03/2024\nMédico solicitante: Dr. X';
    expect(readContentIdentity([mine, lab]).otherNames).toEqual(['LOPEZ HERNANDEZ ROSA']);
  });

  it("takes the first identity from a later page's header when the first pages state none: it may be another patient's", () => {
    // Read only for another patient's header against what the first pages stated, such a page was ignored
    // when they stated nothing, and the document, about whoever page 4 names, was "absent" and attached.
    const narrative = 'Evolución: paciente estable, tolera vía oral.';
    const late = readContentIdentity(['', narrative, narrative, header('SOTO LEAL, ROSA', '3000000010')]);
    expect(late.expediente).toBe('3000000010');
    expect(late.name?.written).toBe('SOTO LEAL, ROSA');
    expect(late.evidence.map((e) => [e.field, e.page])).toEqual([
      ['expediente', 4],
      ['name', 4],
    ]);
    expect(late.otherExpedientes).toEqual([]);
    // A header after that one, of yet another patient, is another patient beside it.
    const two = readContentIdentity([
      narrative,
      narrative,
      narrative,
      header('SOTO LEAL, ROSA', '3000000010'),
      header('GARZA TIJERINA, MARIA ESTHER', '3000003799'),
    ]);
    expect(two.expediente).toBe('3000000010');
    expect(two.otherExpedientes).toEqual(['3000003799']);
    expect(two.otherNames).toEqual(['GARZA TIJERINA, MARIA ESTHER']);
    // What the first pages left unstated only: an expediente there stands, a later name fills in the name.
    const nameLater = readContentIdentity([
      'Expediente: 3000003799',
      narrative,
      narrative,
      'Paciente: SOTO LEAL, ROSA',
    ]);
    expect(nameLater.expediente).toBe('3000003799');
    expect(nameLater.name?.written).toBe('SOTO LEAL, ROSA');
    // A weaker label on a later page (a bare "Nombre:", "Registro:") is no patient's header.
    expect(
      isIdentityAbsent(readContentIdentity(['', '', '', 'Nombre: SOTO LEAL, ROSA\nRegistro: 3000000010'])),
    ).toBe(true);
  });

  it('reads at most maxPages pages, maxCharsPerPage characters of the first and maxCharsLaterPages of the others', () => {
    // Past maxPages only a patient's header counts, not a bare "Nombre:" or "Registro:".
    const late = ['', '', '', 'Nombre: GARZA TIJERINA, MARIA ESTHER\nRegistro: 3000003799'];
    expect(isIdentityAbsent(readContentIdentity(late))).toBe(true);
    expect(readContentIdentity(late, { maxPages: 4 }).expediente).toBe('3000003799');
    const long = `${'x'.repeat(7_000)}\n${header('GARZA TIJERINA, MARIA ESTHER', '3000003799')}`;
    expect(isIdentityAbsent(readContentIdentity(long))).toBe(true);
    const laterTail = `${'x'.repeat(2_500)}\n${header('SOTO LEAL, ROSA', '3000000010')}`;
    expect(
      readContentIdentity([header('GARZA TIJERINA, MARIA ESTHER', '3000003799'), laterTail]).otherExpedientes,
    ).toEqual([]);
    expect(
      readContentIdentity([header('GARZA TIJERINA, MARIA ESTHER', '3000003799'), laterTail], {
        maxCharsLaterPages: 3_000,
      }).otherExpedientes,
    ).toEqual(['3000000010']);
  });
});

describe('readContentIdentity: birth dates and sex', () => {
  it("does not take a newborn's birth date and sex, below its mother's header, for hers; a newborn's own sheet's are", () => {
    const postpartum = readContentIdentity(
      'NOTA POSTPARTO\nPaciente: GARZA TIJERINA, MARIA ESTHER\nDATOS DEL RECIÉN NACIDO\nPeso: 3200 g\nTalla: 50 cm\n' +
        'Sexo: Masculino   Fecha de nacimiento: 02/03/2024',
    );
    expect([postpartum.birthDate, postpartum.sex]).toEqual([null, null]);
    const withHers = readContentIdentity(
      'Paciente: GARZA TIJERINA, MARIA ESTHER\nFecha de nacimiento: 23/03/1995\nRECIÉN NACIDO\nFecha de nacimiento: 02/03/2024  Sexo: M',
    );
    expect([withHers.birthDate, withHers.sex]).toEqual(['1995-03-23', null]);
    const newborns = readContentIdentity(
      'HOJA DEL RECIÉN NACIDO\nPaciente: RN GARZA TIJERINA\nNombre de la madre: GARZA TIJERINA, MARIA ESTHER\n' +
        'Fecha de nacimiento: 02/03/2024   Sexo: M',
    );
    expect([newborns.birthDate, newborns.sex]).toEqual(['2024-03-02', 'M']);
  });

  it.each([
    ['15/03/1985', '1985-03-15'],
    ['15-03-1985', '1985-03-15'],
    ['15.03.1985', '1985-03-15'],
    ['1985-03-15', '1985-03-15'],
    ['1985/03/15', '1985-03-15'],
    ['5/3/1985', '1985-03-05'],
    ['15 de marzo de 1985', '1985-03-15'],
    ['15 de Marzo del 1985', '1985-03-15'],
    ['15/MAR/1985', '1985-03-15'],
    ['15-mar-1985', '1985-03-15'],
    ['15 MAR 1985', '1985-03-15'],
    ['01/sept/2001', '2001-09-01'],
    ['03/15/1985', '1985-03-15'],
    ['29/02/2000', '2000-02-29'],
  ])('Fecha de nacimiento: %s', (written, iso) => {
    expect(readContentIdentity(`Fecha de nacimiento: ${written}`).birthDate).toBe(iso);
  });

  it.each(['31/02/1985', '29/02/1985', '15/13/1985', '00/03/1985', '15/03/85'])(
    'rejects %s (impossible, or a two-digit year without a reference year)',
    (written) => {
      expect(readContentIdentity(`Fecha de nacimiento: ${written}`).birthDate).toBeNull();
    },
  );

  it('reads a two-digit year against the reference year', () => {
    expect(readContentIdentity('F. Nac.: 15/03/85', { referenceYear: 2026 }).birthDate).toBe('1985-03-15');
    expect(readContentIdentity('F. Nac.: 15/03/24', { referenceYear: 2026 }).birthDate).toBe('2024-03-15');
  });

  it.each([
    ['Fec. Nac.: 15/03/1985'],
    ['FN: 15/03/1985'],
    ['Fecha nac. 15/03/1985'],
    ['Nacimiento: 15/03/1985'],
  ])('reads the label %s', (text) => {
    expect(readContentIdentity(text).birthDate).toBe('1985-03-15');
  });

  it.each([
    ['Sexo: F', 'F'],
    ['Sexo: M', 'M'],
    ['Sexo: H', 'M'],
    ['Sexo: Femenino', 'F'],
    ['SEXO: MASCULINO', 'M'],
    ['Sexo: Mujer', 'F'],
    ['Sexo: Hombre', 'M'],
    ['Género: Fem.', 'F'],
    ['Sexo/Edad: F / 39', 'F'],
    ['Edad/Sexo: 39 años / M', 'M'],
    ['paciente de sexo femenino de 45 años', 'F'],
  ])('%s', (text, sex) => {
    expect(readContentIdentity(text).sex).toBe(sex);
  });

  it('does not read a sex from an unrelated word', () => {
    expect(readContentIdentity('Sexo: Fernanda').sex).toBeNull();
    expect(readContentIdentity('Edad: 39 años').sex).toBeNull();
  });

  it("reads a Spanish label's numeric date day first, with no second reading", () => {
    const identity = readContentIdentity('Fecha de nacimiento: 05/03/1985  Sexo: M');
    expect(identity).toMatchObject({ birthDate: '1985-03-05', birthDateAlternative: null, sex: 'M' });
  });
});

describe('readContentIdentity: English labels (an outside laboratory, a referral)', () => {
  it.each([
    ['DOB: 03/15/1985', '1985-03-15'],
    ['D.O.B.: 03/15/1985', '1985-03-15'],
    ['Date of Birth: 03/15/1985', '1985-03-15'],
    ['Birth Date: 03/15/1985', '1985-03-15'],
    ['Birthdate: 03/15/1985', '1985-03-15'],
    ['DOB: 15/03/1985', '1985-03-15'],
    ['DOB: 1985-03-15', '1985-03-15'],
    ['DOB: March 15, 1985', '1985-03-15'],
    ['DOB: Mar 15th 1985', '1985-03-15'],
    ['DOB: 15-MAR-1985', '1985-03-15'],
    ['DOB: 15 March 1985', '1985-03-15'],
    ['DOB: 05/05/1985', '1985-05-05'],
  ])('%s reads one way only', (text, iso) => {
    const identity = readContentIdentity(text);
    expect(identity.birthDate).toBe(iso);
    expect(identity.birthDateAlternative).toBeNull();
  });

  it.each([
    ['DOB: 05/03/1985', '1985-05-03', '1985-03-05'],
    ['D.O.B. 5/3/1985', '1985-05-03', '1985-03-05'],
    ['Date of birth: 12.01.1950', '1950-12-01', '1950-01-12'],
  ])(
    '%s: day and month both 12 or less read both ways round, month first first',
    (text, iso, alternative) => {
      const identity = readContentIdentity(text);
      expect(identity.birthDate).toBe(iso);
      expect(identity.birthDateAlternative).toBe(alternative);
    },
  );

  it.each([
    ['Fecha de nacimiento (dd/mm/aaaa): 05/03/1985', '1985-03-05'],
    ['FECHA DE NACIMIENTO (DD-MM-AAAA) 05-03-1985', '1985-03-05'],
    ['Date of Birth (MM/DD/YYYY): 03/05/1985', '1985-03-05'],
    ['DOB (mm/dd/yy): 3/5/85', '1985-03-05'],
    ['DOB (DD/MM/YYYY): 05/03/1985', '1985-03-05'],
    ['Fecha de nacimiento (aaaa-mm-dd): 1985-03-05', '1985-03-05'],
  ])('%s: the format the form writes after its label is skipped and says the order', (text, iso) => {
    const identity = readContentIdentity(text, { referenceYear: 2026 });
    expect(identity.birthDate).toBe(iso);
    expect(identity.birthDateAlternative).toBeNull();
  });

  it('reads a date below a header cell that carries its format', () => {
    const identity = readContentIdentity(
      'Paciente\tFecha de nacimiento (mm/dd/aaaa)\tSexo\nGARZA TIJERINA, MARIA ESTHER\t03/05/1985\tF',
    );
    expect(identity).toMatchObject({ birthDate: '1985-03-05', birthDateAlternative: null, sex: 'F' });
  });

  it('reads a bilingual label as the English one: the order is not known', () => {
    const identity = readContentIdentity('Fecha de nacimiento / Date of birth: 05/03/1985');
    expect(identity).toMatchObject({ birthDate: '1985-05-03', birthDateAlternative: '1985-03-05' });
  });

  it.each([
    ['Sex: Male', 'M'],
    ['Sex: Female', 'F'],
    ['Sex: M', 'M'],
    ['Sex: F', 'F'],
    ['Gender: Female', 'F'],
    ['GENDER: MALE', 'M'],
    ['Age/Sex: 62 Y / M', 'M'],
    ['Sex/Age: F / 39', 'F'],
  ])('%s', (text, sex) => {
    expect(readContentIdentity(text).sex).toBe(sex);
  });

  it('does not read a sex from an unrelated word', () => {
    expect(readContentIdentity('Sex: Malestar general').sex).toBeNull();
    expect(readContentIdentity('Sexual activity: none reported').sex).toBeNull();
  });

  it('reads a laboratory header on one line, the name ending before Date of Birth', () => {
    const identity = readContentIdentity(
      'Patient: JORGE ACOSTA MORALES Date of Birth: 05/03/1962 Sex: M  MRN: 3000576011',
    );
    expect(nameOf(identity)).toBe('ACOSTA / MORALES / JORGE');
    expect(identity).toMatchObject({
      expediente: '3000576011',
      birthDate: '1962-05-03',
      birthDateAlternative: '1962-03-05',
      sex: 'M',
    });
    expect(identity.evidence).toContainEqual({
      field: 'birthDate',
      page: 1,
      text: 'Date of Birth: 05/03/1962',
    });
  });

  it('reads an English table, columns kept or collapsed', () => {
    for (const text of [
      'Patient Name            MRN          DOB          Gender\nACOSTA MORALES, JORGE   3000576011   03/25/1962   Male',
      'Patient Name MRN DOB Gender\nACOSTA MORALES, JORGE 3000576011 03/25/1962 Male',
    ]) {
      const identity = readContentIdentity(text);
      expect(nameOf(identity)).toBe('ACOSTA / MORALES / JORGE');
      expect(identity).toMatchObject({ birthDate: '1962-03-25', birthDateAlternative: null, sex: 'M' });
    }
  });
});
