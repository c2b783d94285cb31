/**
 * The labels a Mexican clinical document puts before the patient's identity, as patterns over the label
 * view (upper-case, no accents; see text-view.ts). `[IL]` wherever OCR confuses a lower-case l with I.
 */

export type LabelKind =
  | 'expediente'
  | 'patient'
  | 'genericName'
  | 'paterno'
  | 'materno'
  | 'surnames'
  | 'givenNames'
  | 'birthDate'
  | 'sex';

export interface LabelPattern {
  kind: LabelKind;
  pattern: RegExp;
  /** 2: names the patient outright; 1: needs its context (a bare `Nombre:`, `Registro`). */
  strength: 1 | 2;
  /**
   * An English label (DOB, Sex): a numeric date under it may be written month first, the US way, and is
   * read both ways round when it could be either (see readDate). Spanish labels read day first.
   */
  english?: true;
}

const NUMBER_PREFIX = String.raw`(?:(?:N[O0](?:\.|\b)|NUM(?:ERO)?\b\.?|N\s?[°º]|#)\s*(?:DE\s+|DEL\s+)?)`;
const OF_PATIENT = String.raw`(?:\s+DE(?:L|\s+LA)?\s+PAC[IL]ENTE\b)?`;

export const LABEL_PATTERNS: readonly LabelPattern[] = [
  {
    kind: 'expediente',
    pattern: new RegExp(
      String.raw`\b${NUMBER_PREFIX}?(?:EXPED[IL]ENTE(?:\s+CL[IL]N[IL]CO)?\b|EXPED\b\.?|EXP\b\.?)${OF_PATIENT}`,
      'g',
    ),
    strength: 2,
  },
  {
    kind: 'expediente',
    // Not a sanitary, federal (RFC) or professional registration: those are not the patient's number.
    pattern: new RegExp(
      String.raw`\b${NUMBER_PREFIX}?REG[IL]STRO\b(?!\s+(?:SAN[IL]TAR[IL]O|FEDERAL|PROFES[IL]ONAL|SSA|COFEPR[IL]S|MED[IL]CO))${OF_PATIENT}`,
      'g',
    ),
    strength: 1,
  },
  {
    kind: 'patient',
    // Not `Firma del paciente`, `Domicilio del paciente`: only the name of the patient is the name.
    pattern:
      /\bNOMBRE\s+(?:COMPLETO\s+)?DE(?:L|\s+LA)?\s+PAC[IL]ENTE\b|(?<!\b(?:DE|DEL|LA|AL|EL|LOS|LAS)\s+)\bPAC[IL]ENTE\b/g,
    strength: 2,
  },
  // English headers (an outside laboratory's, a referral's): a misfiled one must not pass as stating nobody.
  { kind: 'patient', pattern: /\bPAT[IL]ENT(?:\s+NAME)?\b/g, strength: 2 },
  {
    kind: 'expediente',
    pattern: /\bMRN\b|\bMED[IL]CAL\s+RECORD(?:\s+(?:N[O0]\b\.?|NUMBER\b))?/g,
    strength: 2,
  },
  {
    kind: 'paterno',
    pattern: /\bAPE[IL][IL][IL]DO\s+PATERNO\b|\bPR[IL]MER\s+APE[IL][IL][IL]DO\b/g,
    strength: 2,
  },
  {
    kind: 'materno',
    pattern: /\bAPE[IL][IL][IL]DO\s+MATERNO\b|\bSEGUNDO\s+APE[IL][IL][IL]DO\b/g,
    strength: 2,
  },
  { kind: 'surnames', pattern: /\bAPE[IL][IL][IL]DOS\b/g, strength: 2 },
  { kind: 'givenNames', pattern: /\bNOMBRE\s*\(S\)|\bNOMBRES\b/g, strength: 1 },
  { kind: 'genericName', pattern: /\bNOMBRE\b(?!\s*\()/g, strength: 1 },
  {
    kind: 'birthDate',
    pattern:
      /\b(?:FECHA|FEC\b\.?|F\b\.?)\s*(?:DE\s+)?NAC(?:[IL]M[IL]ENTO\b|\b\.?)|\bNAC[IL]M[IL]ENTO\b|\bF\.?\s?N\.?(?=\s*:)/g,
    strength: 2,
  },
  { kind: 'sex', pattern: /\b(?:SEXO|GENERO)(?:\s*\/\s*EDAD\b)?|\bEDAD\s*\/\s*SEXO\b/g, strength: 2 },
  // An outside laboratory's or a referral's header: its birth date and sex are checked like the Spanish ones.
  {
    kind: 'birthDate',
    pattern: /\bD\.?\s?O\.?\s?B\b\.?|\bDATE\s+OF\s+B[IL]RTH\b|\bB[IL]RTH\s*DATE\b/g,
    strength: 2,
    english: true,
  },
  {
    kind: 'sex',
    pattern: /\b(?:SEX|GENDER)\b(?:\s*\/\s*AGE\b)?|\bAGE\s*\/\s*(?:SEX|GENDER)\b/g,
    strength: 2,
    english: true,
  },
  // An outside laboratory's bare `Name:`, read as a bare `Nombre:` is: unread, another patient's lab report
  // stated nobody and was attached with the file. Only a bare one: a word before it makes it another
  // thing's name (`Test Name`, `Physician Name`, `Doctor's Name`); `Patient Name` is the label above. A US
  // form's `Name (Last, First):` is the label with its hint.
  {
    kind: 'genericName',
    pattern: /(?<![A-Z0-9'’][ \t]?)\bNAME\b(?:\s*\((?:LAST|FIRST)\b[^)\n]{0,30}\))?/g,
    strength: 1,
    english: true,
  },
];

function scanOf(english: boolean): RegExp {
  const alternatives = LABEL_PATTERNS.flatMap((label, index) =>
    (label.english === true) === english ? [`(?<l${index}>${label.pattern.source})`] : [],
  );
  return new RegExp(alternatives.join('|'), 'g');
}

/**
 * Every label pattern in two regexes, two scans of the page instead of twelve. Alternatives are tried in
 * catalogue order at each position, so a longer label that starts like a shorter one (NOMBRE DEL
 * PACIENTE, NOMBRES) must come before it (NOMBRE), as it does above. The English birth-date and sex
 * labels are the second, small scan: as alternatives of the first they doubled its time (18 → 38 µs on a
 * 4,300-character page), apart they add about 5 µs (findLabels merges the two as one regex would).
 */
export const LABEL_SCANS: readonly [main: RegExp, english: RegExp] = [scanOf(false), scanOf(true)];

/** Which LABEL_PATTERNS entry a match of a LABEL_SCANS regex is. */
export function labelOf(groups: Record<string, string | undefined>): LabelPattern {
  for (let index = 0; index < LABEL_PATTERNS.length; index++) {
    if (groups[`l${index}`] !== undefined) return LABEL_PATTERNS[index]!;
  }
  throw new Error('a label match without its group');
}

/**
 * Words that end a name written after its label when no colon follows them: the next field of a header
 * written on one line with single spaces (`Paciente: GARZA TIJERINA MARIA Expediente 3000003799`).
 */
export const FIELD_WORDS =
  /\b(?:EXPED[IL]ENTE|EXP|REG[IL]STRO|EDAD|SEXO|GENERO|FECHA|FEC|NAC|NSS|CURP|RFC|CAMA|FOLIO|SERV[IL]C[IL]O|HAB[IL]TAC[IL]ON|HAB|TEL|TELEFONO|DX|D[IL]AGNOST[IL]CO|MED[IL]CO|AFIL[IL]AC[IL]ON|N[O0]\.|NUM\.|MRN|DOB|SEX|GENDER|AGE|DATE|B[IL]RTH|B[IL]RTHDATE)\b/;

/**
 * An institution's own name opening a heading: the letterhead (`HOSPITAL TECSALUD`, `CENTRO MÉDICO ZAMBRANO
 * HELLION`, `CLÍNICA …`), not a section about somebody else (`DATOS DEL HOSPITAL`, `MÉDICO TRATANTE`).
 */
export const LETTERHEAD_OPENING =
  /^[^A-Z0-9]*(?:HOSP[IL]TA[IL]|CENTRO MED[IL]CO|C[IL][IL]N[IL]CA|[IL]NST[IL]TUTO|SANATOR[IL]O|TECSA[IL]UD)\b/;

/**
 * People a document names beside the patient. A bare `Nombre:` (or an outside laboratory's `Name:`) under or
 * beside one of these is theirs: the doctor's, the relative responsible for the patient, a witness.
 */
export const OTHER_PEOPLE =
  /\b(?:MED[IL]CO|DR|DRA|DOCTORA?|FAM[IL][IL]AR|RESPONSABLE|TUTOR|MADRE|PADRE|ACOMPANANTE|[IL]NFORMANTE|CONYUGE|ESPOSO|ESPOSA|TEST[IL]GO|CONTACTO|EMERGENC[IL]A|ENFERMER[AO]|QU[IL]M[IL]CO|C[IL]RUJANO|ANESTES[IL]O[IL]OGO|RAD[IL]O[IL]OGO|E[IL]ABORO|SO[IL][IL]C[IL]TANTE|TRATANTE|T[IL]TU[IL]AR|REPRESENTANTE|AVA[IL]|BENEF[IL]C[IL]AR[IL]O|HOSP[IL]TA[IL]|[IL]NST[IL]TUC[IL]ON|EMPRESA|ASEGURADORA|REFERENC[IL]A|QU[IL]EN|PHYS[IL]C[IL]AN|PROV[IL]DER|ORDER[IL]NG|REFERR[IL]NG|ATTEND[IL]NG|NURSE|SURGEON|GUARD[IL]AN|MOTHER|FATHER|PARENT|SPOUSE|RE[IL]AT[IL]VE|K[IL]N|W[IL]TNESS|CONTACT|EMERGENCY|[IL]NSURANCE|[IL]NSURED|SUBSCR[IL]BER|GUARANTOR|EMP[IL]OYER)\b/;
