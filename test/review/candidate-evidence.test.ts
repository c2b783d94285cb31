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
