import { describe, expect, it } from 'vitest';
import type { ContentCheckDetails } from '../../src/core/content/types.js';
import { parseFilename } from '../../src/core/filename/parse-filename.js';
import { DEFAULT_THRESHOLDS, matchPatient } from '../../src/core/matching/index.js';
import type { PatientRecord } from '../../src/core/matching/types.js';
import { describeCandidate } from '../../src/review/candidate-evidence.js';
import { documentIdentityFor } from '../../src/review/document-identity.js';
import type { DocumentIdentity } from '../../src/review/types.js';
import { frequenciesFrom } from '../core/matching/support/registry-fixtures.js';

// Synthetic patients: Rocío was born on 1 July 1990 (01/07/1990 day first, 07/01/1990 month first).
const rocio: PatientRecord = {
  id: 'p-rocio',
  expediente: '1000000303',
  apellidoPaterno: 'IBARRA',
  apellidoMaterno: 'SALAS',
  nombres: 'ROCÍO',
  fechaNacimiento: '1990-07-01',
  sexo: 'F',
};
const parse = parseFilename('1000000303_IBARRA SALAS, ROCÍO_7001234567_LAB.pdf');
if (!parse.ok) throw new Error('the fixture filename does not parse');
const parsed = parse.parsed;

function evidenceFor(document: DocumentIdentity | null, patient: PatientRecord = rocio) {
  const candidate = matchPatient({
    query: parsed,
    candidates: [patient],
    frequencies: frequenciesFrom([patient]),
  }).candidates[0]!;
  return describeCandidate(candidate, 1, {
    filename: parsed,
    document,
    thresholds: DEFAULT_THRESHOLDS,
    documents: new Map(),
  });
}

const lab = (dob: string) =>
  `OUTSIDE LABORATORY REPORT\nPatient: IBARRA SALAS, ROCIO   MRN: 1000000303\nDOB: ${dob}   Sex: Female`;

describe('review evidence: a birth date whose day and month could be either way round', () => {
  it.each(['01/07/1990', '07/01/1990'])('DOB: %s agrees with the registry’s 1 July 1990, no risk', (dob) => {
    const document = documentIdentityFor(null, lab(dob), parsed, 2026);
    expect(document?.birthDateAlternative).not.toBeNull();
    const evidence = evidenceFor(document);
    expect(evidence.agreement).toMatchObject({ birthDate: 'agrees', sex: 'agrees' });
    expect(evidence.risks).not.toContain('birth_date_contradicts');
  });

  it('differs only when neither reading is the registry’s', () => {
    const document = documentIdentityFor(null, lab('02/07/1990'), parsed, 2026);
    const evidence = evidenceFor(document);
    expect(evidence.agreement.birthDate).toBe('differs');
    expect(evidence.risks).toContain('birth_date_contradicts');
  });

  it('reads both readings from the ingest’s cross-check, and one from a check recorded before they existed', () => {
    const recorded = (extra: object) =>
      ({
        verdict: 'agrees',
        identity: {
          expediente: '1000000303',
          nombre_completo: 'IBARRA SALAS, ROCIO',
          nombre_escrito: 'IBARRA SALAS, ROCIO',
          fecha_nacimiento: '1990-01-07',
          sexo: 'F',
          evidence: [],
          other_expedientes: [],
          other_names: [],
          ...extra,
        },
        reasons: [],
      }) as unknown as ContentCheckDetails;
    const now = documentIdentityFor(
      recorded({ fecha_nacimiento_alternativa: '1990-07-01' }),
      null,
      null,
      2026,
    );
    expect(now).toMatchObject({ birthDate: '1990-01-07', birthDateAlternative: '1990-07-01' });
    expect(evidenceFor(now).agreement.birthDate).toBe('agrees');
    const before = documentIdentityFor(recorded({}), null, null, 2026);
    expect(before?.birthDateAlternative).toBeNull();
    expect(evidenceFor(before).agreement.birthDate).toBe('differs');
  });
});

describe('review evidence: an exact homonym under another expediente', () => {
  const registeredElsewhere: PatientRecord = { ...rocio, id: 'p-rocio-2', expediente: '1000000999' };

  it('is the same identity when the name is the filename’s and the document’s birth date and sex agree', () => {
    const document = documentIdentityFor(null, lab('01/07/1990'), parsed, 2026);
    expect(evidenceFor(document, registeredElsewhere).sameIdentity).toBe(true);
  });

  it('is not when the document’s birth date differs, when it states none, or for the expediente’s own holder', () => {
    expect(
      evidenceFor(documentIdentityFor(null, lab('02/07/1990'), parsed, 2026), registeredElsewhere)
        .sameIdentity,
    ).toBe(false);
    expect(evidenceFor(null, registeredElsewhere).sameIdentity).toBe(false);
    expect(evidenceFor(documentIdentityFor(null, lab('01/07/1990'), parsed, 2026)).sameIdentity).toBe(false);
    const otherName: PatientRecord = { ...registeredElsewhere, nombres: 'ROCÍO ISABEL' };
    expect(
      evidenceFor(documentIdentityFor(null, lab('01/07/1990'), parsed, 2026), otherName).sameIdentity,
    ).toBe(false);
  });
});

describe('review evidence: the document names the same given names on other surnames', () => {
  // Synthetic: the filename names JORGE REYES MARTINEZ (and his expediente); the document JORGE ACOSTA MORALES.
  const reyes: PatientRecord = {
    id: 'p-reyes',
    expediente: '1000000606',
    apellidoPaterno: 'REYES',
    apellidoMaterno: 'MARTINEZ',
    nombres: 'JORGE',
    fechaNacimiento: '2019-06-06',
    sexo: 'M',
  };
  const file = parseFilename('1000000606_REYES MARTINEZ, JORGE_9200000001_LAB.pdf');
  if (!file.ok) throw new Error('the fixture filename does not parse');
  const evidenceOf = (document: DocumentIdentity | null, patient: PatientRecord = reyes) =>
    describeCandidate(
      matchPatient({ query: file.parsed, candidates: [patient], frequencies: frequenciesFrom([patient]) })
        .candidates[0]!,
      1,
      { filename: file.parsed, document, thresholds: DEFAULT_THRESHOLDS, documents: new Map() },
    );

  it.each([
    ['JORGE ACOSTA MORALES', 'REYES MARTINEZ, JORGE'],
    ['ISAAC GALVAN MORALES', 'SAENZ DE LA TORRE, ISAAC'],
    ['RAMIREZ LOPEZ, JOSEFINA', 'CASTILLO BAUTISTA, JOSEFINA'],
  ])('%s against %s: the name differs, and attaching asks for a second look', (written, registered) => {
    const [surnames, nombres] = registered.split(', ') as [string, string];
    const [apellidoPaterno, ...materno] =
      surnames === 'SAENZ DE LA TORRE' ? ['SAENZ', 'DE LA TORRE'] : surnames.split(' ');
    const patient = {
      ...reyes,
      apellidoPaterno: apellidoPaterno!,
      apellidoMaterno: materno.join(' '),
      nombres,
    };
    const document = documentIdentityFor(null, `NOTA\nPaciente: ${written}\n`, file.parsed, 2026);
    expect(document?.nameFields).not.toBeNull();
    const evidence = evidenceOf(document, patient);
    expect(evidence.agreement.name).toBe('differs');
    expect(evidence.risks).toContain('name_contradicts');
  });

  it('reads the name the ingest’s cross-check recorded the same way, and the document line against the filename', () => {
    const recorded = {
      verdict: 'contradicts',
      identity: {
        expediente: null,
        nombre_completo: 'ACOSTA MORALES, JORGE',
        nombre_escrito: 'JORGE ACOSTA MORALES',
        fecha_nacimiento: null,
        sexo: null,
        evidence: [],
        other_expedientes: [],
        other_names: [],
      },
      reasons: [],
    } as unknown as ContentCheckDetails;
    const document = documentIdentityFor(recorded, null, file.parsed, 2026);
    expect(document?.agreement.name).toBe('differs');
    expect(evidenceOf(document).risks).toContain('name_contradicts');
  });

  it('keeps a shared surname uncertain, and a variant of the same name agreeing, without a risk', () => {
    // A married name or a child re-registered keeps one surname: not the same name, not proof of another.
    const married = documentIdentityFor(null, 'Paciente: REYES GARCIA, JORGE', file.parsed, 2026);
    expect(evidenceOf(married).agreement.name).toBe('uncertain');
    expect(evidenceOf(married).risks).not.toContain('name_contradicts');
    const variant = documentIdentityFor(null, 'Paciente: REYES, JORGE', file.parsed, 2026);
    expect(evidenceOf(variant).agreement.name).toBe('agrees');
    expect(evidenceOf(variant).risks).toEqual([]);
  });
});

describe('review evidence: a document that names a second patient later in the file', () => {
  const twoPatients =
    'NOTA DE CONSULTA\nPaciente: IBARRA SALAS, ROCIO   Expediente: 1000000303\n\f' +
    'NOTA DE CONSULTA\nPaciente: CASTILLO BAUTISTA, JOSEFINA   Expediente: 3000855322\n';

  it('makes attaching the whole file risky for every candidate, the filename’s own patient too', () => {
    const document = documentIdentityFor(null, twoPatients, parsed, 2026);
    expect([...document!.otherExpedientes, ...document!.otherNames].join(' ')).toMatch(/3000855322|JOSEFINA/);
    const own = evidenceFor(document);
    expect(own.agreement).toMatchObject({ expediente: 'agrees', name: 'agrees' });
    expect(own.risks).toEqual(['second_patient_in_file']);
  });

  it('is no risk when the file names one patient only', () => {
    const document = documentIdentityFor(null, twoPatients.split('\f')[0]!, parsed, 2026);
    expect(evidenceFor(document).risks).toEqual([]);
  });
});
