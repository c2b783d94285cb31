import { describe, expect, it } from 'vitest';
import {
  contentLookupQueries,
  crossCheckContent,
  readContentIdentity,
  type ContentLookup,
  type CrossCheckContentResult,
} from '../../../src/core/content/index.js';
import { matchPatient } from '../../../src/core/matching/index.js';
import type { NameQuery, PatientRecord } from '../../../src/core/matching/types.js';
import { InMemoryRegistry } from '../matching/support/in-memory-registry.js';
import { nameQuery } from '../matching/support/registry-fixtures.js';

function patient(
  expediente: string,
  paterno: string,
  materno: string,
  nombres: string,
  fechaNacimiento: string,
  sexo: 'F' | 'M',
): PatientRecord {
  return {
    id: `p-${expediente}`,
    expediente,
    apellidoPaterno: paterno,
    apellidoMaterno: materno,
    nombres,
    fechaNacimiento,
    sexo,
  };
}

const esther = patient('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER', '1985-03-15', 'F');
const rocio = patient('1000000303', 'IBARRA', 'SALAS', 'ROCÍO', '1990-07-01', 'F');
const pedro = patient('1000000505', 'GARZA', 'TIJERINA', 'PEDRO', '1982-01-20', 'M');
const gabriela = patient('1000000707', 'HUERTA', 'SOTO', 'GABRIELA', '1979-11-02', 'F');
const juanA = patient('1000000909', 'HERNANDEZ', 'LOPEZ', 'JUAN', '1960-05-05', 'M');
const juanB = patient('1000001111', 'HERNANDEZ', 'LOPEZ', 'JUAN', '1971-09-09', 'M');
// Two people each of whose names is a clerk's variant of the other's.
const joseSwapped = patient('1000001313', 'HERNANDEZ', 'GARCIA', 'JOSE', '1958-02-02', 'M');
const jose = patient('1000001515', 'GARCIA', 'HERNANDEZ', 'JOSE', '1966-06-06', 'M');
const ana = patient('1000001717', 'MARTINEZ', 'GOMEZ', 'ANA', '1991-04-04', 'F');
const anaLuisa = patient('1000001919', 'MARTINEZ', 'GOMEZ', 'ANA LUISA', '1993-08-08', 'F');
const registry = new InMemoryRegistry([
  esther,
  rocio,
  pedro,
  gabriela,
  juanA,
  juanB,
  joseSwapped,
  jose,
  ana,
  anaLuisa,
]);
// A large registry's frequencies: the few fixtures are rare names in it.
const frequencies = { ...registry.frequencies(), totalPatients: 100_000 };

function header(
  p: Pick<PatientRecord, 'apellidoPaterno' | 'apellidoMaterno' | 'nombres' | 'expediente'>,
): string {
  return `Paciente: ${p.apellidoPaterno} ${p.apellidoMaterno}, ${p.nombres}  Expediente: ${p.expediente}`;
}

interface Run extends CrossCheckContentResult {
  queries: NameQuery[];
}

/** The wiring as ingest will do it: filename decision, identity, look-ups when asked for, cross-check. */
function run(
  filename: NameQuery,
  text: string | readonly string[],
  options: { trustContent?: boolean; lookup?: false } = {},
): Run {
  const decision = matchPatient({
    query: filename,
    candidates: registry.candidatesFor(filename),
    frequencies,
  });
  const identity = readContentIdentity(text);
  const trustContent = options.trustContent ?? false;
  const queries = contentLookupQueries({ filename, decision, identity, trustContent });
  let lookup: ContentLookup | null = null;
  if (queries.length > 0 && options.lookup !== false) {
    const found = new Map<string, PatientRecord>();
    for (const q of queries) for (const p of registry.candidatesFor(q)) found.set(p.id, p);
    lookup = { candidates: [...found.values()], frequencies };
  }
  return { ...crossCheckContent({ filename, decision, identity, lookup, trustContent }), queries };
}

const estherFilename = nameQuery('1000000101', 'GARZA', 'TIJERINA', 'MARIA ESTHER');

describe('crossCheckContent: nothing changes when the document agrees or says nothing', () => {
  it('absent: no identity in the text', () => {
    const result = run(estherFilename, 'BIOMETRÍA HEMÁTICA\nHemoglobina 14.2 g/dL');
    expect(result.verdict).toBe('absent');
    expect(result.queries).toEqual([]);
    expect(result.decision).toMatchObject({ decision: 'auto', reason: 'exact_id_and_name', patient: esther });
    expect(result.decision.matchingDetails.content?.verdict).toBe('absent');
  });

  it('agrees: the header names the filename’s patient, without any registry look-up', () => {
    const result = run(estherFilename, `${header(esther)}\nFecha de nacimiento: 15/03/1985  Sexo: Femenino`);
    expect(result.verdict).toBe('agrees');
    expect(result.queries).toEqual([]);
    expect(result.decision).toMatchObject({ decision: 'auto', reason: 'exact_id_and_name', patient: esther });
    expect(result.details.fields).toEqual({
      expediente: 'agrees',
      nombre: 'agrees',
      fecha_nacimiento: 'agrees',
      sexo: 'agrees',
    });
    expect(result.details.registry_checked).toBe(false);
  });

  it('agrees through OCR slips and name order', () => {
    const result = run(estherFilename, 'PAClENTE: MARlA ESTER GARZA T1JERINA  EXP: 1OOOOOO1O1');
    expect(result.verdict).toBe('agrees');
    expect(result.decision.decision).toBe('auto');
  });

  it('agrees on a typo the review banner must not call a conflict (issue 14)', () => {
    const result = run(
      nameQuery('1000000707', 'HUERTA', 'SOTO', 'GABRIELA'),
      'Paciente: GRABIELA HUERTA SOTA  Expediente: 1000000707',
    );
    expect(result.verdict).toBe('agrees');
    expect(result.decision.decision).toBe('auto');
  });

  it('agrees with a new patient’s filename and keeps it new', () => {
    const filename = nameQuery('1000009999', 'ZAMBRANO', 'QUIROGA', 'ULISES');
    const result = run(filename, 'Paciente: ULISES ZAMBRANO QUIROGA  Expediente: 1000009999');
    expect(result.verdict).toBe('agrees');
    expect(result.decision.decision).toBe('new');
  });

  it('records only a birth date and sex that agree', () => {
    const result = run(estherFilename, 'Fecha de nacimiento: 15/03/1985\nSexo: F');
    expect(result.verdict).toBe('agrees');
    expect(result.queries).toEqual([]);
    expect(result.decision.decision).toBe('auto');
  });
});

describe('crossCheckContent: content is never silently overruled', () => {
  it('a misfiled document: the filename is exactly one patient, the text names another', () => {
    const result = run(estherFilename, header(rocio));
    expect(result.verdict).toBe('contradicts');
    expect(result.decision).toMatchObject({
      decision: 'review',
      reason: 'content_mismatch',
      patient: esther,
    });
    expect(result.decision.confidence).toBeLessThan(0.95);
    expect(result.decision.candidates.map((c) => c.patient.id)).toContain(rocio.id);
    expect(result.details.compared_with?.patient_id).toBe(esther.id);
    expect(result.details.content_patient).toMatchObject({ patient_id: rocio.id, by: 'expediente' });
    expect(result.details.identity).toMatchObject({
      expediente: rocio.expediente,
      nombre_completo: 'IBARRA SALAS, ROCÍO',
    });
    expect(result.details.filename_decision).toEqual({
      decision: 'auto',
      reason: 'exact_id_and_name',
      patient_id: esther.id,
    });
    expect(result.decision.matchingDetails.reason).toBe('content_mismatch');
    expect(result.decision.matchingDetails.suggestions.map((s) => s.patient_id)).toContain(rocio.id);
  });

  it('a misfiled document that states only the other patient’s name', () => {
    const result = run(estherFilename, 'Nombre del paciente: ROCIO IBARRA SALAS');
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.nombre).toBe('differs');
    expect(result.decision.decision).toBe('review');
  });

  it('a name that is a variant of the filename’s patient’s but exactly another patient’s', () => {
    const cases = [
      { filename: joseSwapped, text: 'Paciente: GARCIA HERNANDEZ, JOSE', other: jose },
      { filename: jose, text: 'Nombre: Hernández García José', other: joseSwapped },
      { filename: ana, text: 'Paciente: MARTÍNEZ GÓMEZ, ANA LUISA', other: anaLuisa },
      { filename: anaLuisa, text: 'Paciente: MARTINEZ GOMEZ, ANA', other: ana },
      // Even beside the filename's own expediente: the name still says somebody else.
      {
        filename: ana,
        text: `Paciente: MARTINEZ GOMEZ, ANA LUISA  Expediente: ${ana.expediente}`,
        other: anaLuisa,
      },
    ];
    for (const { filename, text, other } of cases) {
      const query = nameQuery(
        filename.expediente,
        filename.apellidoPaterno,
        filename.apellidoMaterno,
        filename.nombres,
      );
      const result = run(query, text);
      expect(result.verdict, text).toBe('contradicts');
      expect(result.details.fields.nombre, text).toBe('uncertain');
      expect(result.decision, text).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
      expect(
        result.decision.candidates.map((c) => c.patient.id),
        text,
      ).toContain(other.id);
      expect(result.details.reasons.join('\n'), text).toContain(`registry patient ${other.expediente}'s`);
    }
    // The very name agrees without a look-up; a variant nobody else has agrees after one.
    expect(
      run(nameQuery(ana.expediente, 'MARTINEZ', 'GOMEZ', 'ANA'), 'Paciente: Martínez Gómez, Ana'),
    ).toMatchObject({
      verdict: 'agrees',
      queries: [],
    });
    const variant = run(estherFilename, 'Paciente: TIJERINA GARZA, MARIA ESTHER');
    expect(variant.verdict).toBe('agrees');
    expect(variant.details.registry_checked).toBe(true);
  });

  it('a homonym’s review: a document that agrees with its filename tells against the candidate, not the filename', () => {
    // Rocío's name under an expediente nobody holds: review, Rocío (another expediente) first.
    const filename = nameQuery('1000002222', 'IBARRA', 'SALAS', 'ROCÍO');
    const alone = run(filename, 'BIOMETRÍA HEMÁTICA');
    expect(alone.decision).toMatchObject({ decision: 'review', patient: rocio });
    const result = run(
      filename,
      'Paciente: ROCIO IBARRA SALAS  Expediente: 1000002222\nFecha de nacimiento: 02/02/1970',
    );
    expect(result.verdict).toBe('agrees');
    expect(result.decision).toMatchObject({
      decision: 'review',
      reason: alone.decision.reason,
      patient: rocio,
    });
    expect(result.details.compared_with).toBeNull();
    expect(result.details.fields).toMatchObject({ expediente: 'agrees', nombre: 'agrees' });
    expect(result.details.reasons).toContain(
      "the document's birth date 1970-02-02 is not candidate 1000000303's (1990-07-01)",
    );
    // Stating the candidate's expediente instead, the document is compared with the candidate.
    expect(run(filename, header(rocio)).details.compared_with?.patient_id).toBe(rocio.id);
  });

  it('a relative: same surnames, another given name', () => {
    const result = run(estherFilename, 'Paciente: GARZA TIJERINA, PEDRO');
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.nombre).toBe('uncertain');
    expect(result.details.content_patient).toMatchObject({ patient_id: pedro.id, by: 'name' });
    expect(result.decision.decision).toBe('review');
  });

  it('a homonym: the same name with another patient’s expediente', () => {
    const result = run(nameQuery(juanA.expediente, 'HERNANDEZ', 'LOPEZ', 'JUAN'), header(juanB));
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields).toMatchObject({ expediente: 'differs', nombre: 'agrees' });
    expect(result.decision).toMatchObject({ decision: 'review', reason: 'content_mismatch', patient: juanA });
  });

  it('a homonym told apart by the birth date alone', () => {
    const filename = nameQuery(juanA.expediente, 'HERNANDEZ', 'LOPEZ', 'JUAN');
    const result = run(filename, 'Paciente: JUAN HERNANDEZ LOPEZ\nFecha de nacimiento: 09/09/1971');
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.fecha_nacimiento).toBe('differs');
  });

  it('a sex that contradicts the registry', () => {
    const result = run(estherFilename, `${header(esther)}\nSexo: Masculino`);
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.sexo).toBe('differs');
  });

  it('an expediente not in the registry beside the right name', () => {
    const result = run(estherFilename, 'Paciente: GARZA TIJERINA, MARIA ESTHER  Expediente: 5550001234');
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.expediente).toBe('differs');
  });

  it('an OCR slip of one digit in the document’s expediente is near, not a contradiction', () => {
    const result = run(estherFilename, 'Paciente: GARZA TIJERINA, MARIA ESTHER  Expediente: 1000000191');
    expect(result.details.fields.expediente).toBe('near');
    expect(result.verdict).toBe('agrees');
  });

  it('a new patient’s filename on a document that names a registry patient (a duplicate avoided)', () => {
    const filename = nameQuery('1000009999', 'ZAMBRANO', 'QUIROGA', 'ULISES');
    const result = run(filename, header(esther));
    expect(result.verdict).toBe('contradicts');
    expect(result.decision).toMatchObject({
      decision: 'review',
      reason: 'content_mismatch',
      patient: esther,
    });
    expect(result.details.compared_with).toBeNull();
    expect(result.details.filename_decision.decision).toBe('new');
  });

  it('a review whose candidate is under another expediente is no new patient’s filename', () => {
    // The filename is Pedro's expediente under Esther's name, its review led to Esther (as a retrieval that
    // missed Pedro would); the document names Pedro by the filename's own expediente.
    const filename = nameQuery(pedro.expediente, 'GARZA', 'TIJERINA', 'MARIA ESTHER');
    const decision = matchPatient({ query: filename, candidates: [esther], frequencies });
    expect(decision).toMatchObject({ decision: 'review', patient: esther });
    const identity = readContentIdentity(`Paciente: GARZA TIJERINA, PEDRO  Expediente: ${pedro.expediente}`);
    const queries = contentLookupQueries({ filename, decision, identity });
    const lookup = { candidates: queries.flatMap((q) => registry.candidatesFor(q)), frequencies };
    const result = crossCheckContent({ filename, decision, identity, lookup });
    expect(result.verdict).toBe('contradicts');
    expect(result.details.compared_with).toBeNull();
    expect(result.details.reasons).toContain(
      `the document names registry patient ${pedro.expediente}, not the review's candidate ${esther.expediente}`,
    );
    expect(result.details.reasons.join('\n')).not.toContain('new patient');
  });

  it('another patient’s expediente printed in groups, on a sheet that states nothing else', () => {
    const result = run(estherFilename, 'RADIOGRAFÍA DE TÓRAX\nExpediente: 1000 0003 03\nSin alteraciones.');
    expect(result.verdict).toBe('contradicts');
    expect(result.details.identity.expediente).toBe(rocio.expediente);
    expect(result.details.content_patient?.expediente).toBe(rocio.expediente);
    expect(result.decision).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
  });

  it('an expediente OCR read mostly as letters is compared exactly: another patient’s goes to review', () => {
    // 1000000303 scanned as 1OOOOOO3O3 under its label: rocío's number, never "near enough" to esther's.
    const scanned = run(estherFilename, 'RADIOGRAFÍA DE TÓRAX\nExpediente: 1OOOOOO3O3\nSin alteraciones.');
    expect(scanned.details.identity.expediente).toBe(rocio.expediente);
    expect(scanned.verdict).toBe('contradicts');
    expect(scanned.decision).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
    const own = run(estherFilename, 'RADIOGRAFÍA DE TÓRAX\nExpediente: 1OOOOOOlOl\nSin alteraciones.');
    expect(own.details.fields.expediente).toBe('agrees');
    expect(own.verdict).toBe('agrees');
  });

  it('pages of two patients in one file', () => {
    const result = run(estherFilename, [header(esther), header(rocio)]);
    expect(result.verdict).toBe('contradicts');
    expect(result.details.identity.other_expedientes).toEqual([rocio.expediente]);
    expect(result.decision.decision).toBe('review');
  });

  it('says so when the registry was needed and not consulted, and still blocks the attachment', () => {
    const result = run(estherFilename, header(rocio), { lookup: false });
    expect(result.details.registry_checked).toBe(false);
    expect(result.details.reasons.join(' ')).toContain('not consulted');
    expect(result.decision.decision).toBe('review');
  });
});

describe('crossCheckContent: trustContent', () => {
  const typo = nameQuery('1000000102', 'GARZA', 'TIJERINA', 'MARIA ESTHER');

  it('leaves an expediente typo in review by default', () => {
    const result = run(typo, `${header(esther)}\nFecha de nacimiento: 15/03/1985`);
    expect(result.verdict).toBe('agrees');
    expect(result.decision).toMatchObject({ decision: 'review', reason: 'expediente_typo', patient: esther });
  });

  it('attaches an expediente typo that the document resolves', () => {
    const result = run(typo, `${header(esther)}\nFecha de nacimiento: 15/03/1985`, { trustContent: true });
    expect(result.decision).toMatchObject({ decision: 'auto', reason: 'content_confirmed', patient: esther });
    expect(result.decision.confidence).toBeGreaterThanOrEqual(0.95);
    expect(result.details.trust_content).toBe(true);
    expect(result.decision.matchingDetails.reason).toBe('content_confirmed');
  });

  it('attaches a far expediente typo that sent the filename to a new patient', () => {
    const filename = nameQuery('1000007777', 'GARZA', 'TIJERINA', 'MARIA ESTHER');
    const plain = run(filename, header(esther));
    expect(plain.decision.decision).toBe('review');
    const trusted = run(filename, header(esther), { trustContent: true });
    expect(trusted.decision).toMatchObject({
      decision: 'auto',
      reason: 'content_confirmed',
      patient: esther,
    });
  });

  it('does not attach when the birth date contradicts the registry', () => {
    const result = run(typo, `${header(esther)}\nFecha de nacimiento: 16/03/1985`, { trustContent: true });
    expect(result.decision.decision).toBe('review');
  });

  it('does not attach on a document without the full name', () => {
    const result = run(typo, 'Paciente: GARZA, MARIA ESTHER  Expediente: 1000000101', { trustContent: true });
    expect(result.decision.decision).toBe('review');
  });

  it('does not attach when the filename’s name is somebody else', () => {
    const filename = nameQuery('1000000102', 'IBARRA', 'SALAS', 'ROCIO');
    const result = run(filename, header(esther), { trustContent: true });
    expect(result.decision.decision).toBe('review');
  });

  it('does not attach when the document’s expediente and name are two patients', () => {
    const result = run(typo, 'Paciente: GARZA TIJERINA, MARIA ESTHER  Expediente: 1000000303', {
      trustContent: true,
    });
    expect(result.decision.decision).toBe('review');
  });

  it('never turns a homonym’s misfiled document into an attachment', () => {
    const filename = nameQuery(juanA.expediente, 'HERNANDEZ', 'LOPEZ', 'JUAN');
    const result = run(filename, header(juanB), { trustContent: true });
    expect(result.decision).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
  });

  it('never attaches when the filename’s expediente is one keystroke from a homonym’s', () => {
    // 1000000908 is a typo of Juan A's 1000000909; the document names Juan B by his own expediente.
    const filename = nameQuery('1000000908', 'HERNANDEZ', 'LOPEZ', 'JUAN');
    const result = run(filename, header(juanB), { trustContent: true });
    expect(result.verdict).toBe('contradicts');
    expect(result.decision.decision).toBe('review');
  });

  it('confirms an id conflict whose expediente the document corrects', () => {
    // The filename's expediente is Rocío's; its name and the document are Esther's.
    const filename = nameQuery(rocio.expediente, 'GARZA', 'TIJERINA', 'MARIA ESTHER');
    expect(run(filename, header(esther)).decision.decision).toBe('review');
    const result = run(filename, header(esther), { trustContent: true });
    expect(result.decision).toMatchObject({ decision: 'auto', reason: 'content_confirmed', patient: esther });
    // Attached to the patient the document chose: recorded as such, not as a contradiction of that attachment.
    expect(result.verdict).toBe('confirmed');
    expect(result.decision.matchingDetails.content?.verdict).toBe('confirmed');
    expect(result.details.reasons[0]).toBe(
      "confirmed by the document's own expediente and full name: registry patient 1000000101 (GARZA TIJERINA, MARIA ESTHER)",
    );
    // What the filename said is kept below it.
    expect(result.details.reasons.join('\n')).toContain(`the document's expediente ${esther.expediente}`);
    expect(run(filename, header(esther)).verdict).toBe('contradicts');
  });
});

describe('crossCheckContent: an English header (DOB, Sex)', () => {
  // Rocío was born on 1 July 1990: 01/07/1990 day first, 07/01/1990 month first.
  const rocioFilename = nameQuery(rocio.expediente, 'IBARRA', 'SALAS', 'ROCÍO');
  const lab = (dob: string, sex = 'Female') =>
    `OUTSIDE LABORATORY REPORT\nPatient: IBARRA SALAS, ROCIO   MRN: ${rocio.expediente}\nDOB: ${dob}   Sex: ${sex}`;

  it.each(['01/07/1990', '07/01/1990', 'July 1, 1990', '1990-07-01'])(
    'agrees on DOB: %s and Sex: Female, whichever order a numeric date was written in',
    (dob) => {
      const result = run(rocioFilename, lab(dob));
      expect(result.verdict).toBe('agrees');
      expect(result.details.fields).toMatchObject({ fecha_nacimiento: 'agrees', sexo: 'agrees' });
      expect(result.decision).toMatchObject({ decision: 'auto', patient: rocio });
    },
  );

  it('records both readings of an ambiguous date for the reviewer', () => {
    const { details } = run(rocioFilename, lab('01/07/1990'));
    expect(details.identity).toMatchObject({
      fecha_nacimiento: '1990-01-07',
      fecha_nacimiento_alternativa: '1990-07-01',
      sexo: 'F',
    });
    expect(run(rocioFilename, lab('07/15/1990')).details.identity.fecha_nacimiento_alternativa).toBeNull();
  });

  it('contradicts when neither reading of an ambiguous date is the registry’s', () => {
    const result = run(rocioFilename, lab('02/07/1990'));
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields.fecha_nacimiento).toBe('differs');
    expect(result.details.reasons).toContain(
      "the document's birth date 1990-02-07 or 1990-07-02 (day and month order unclear) is not 1990-07-01",
    );
    expect(result.decision).toMatchObject({ decision: 'review', reason: 'content_mismatch' });
  });

  it('contradicts on a date that reads one way only, and on Sex: Male', () => {
    expect(run(rocioFilename, lab('07/15/1990')).details.fields.fecha_nacimiento).toBe('differs');
    expect(run(rocioFilename, lab('July 2, 1990')).verdict).toBe('contradicts');
    const male = run(rocioFilename, lab('01/07/1990', 'Male'));
    expect(male.verdict).toBe('contradicts');
    expect(male.details.fields.sexo).toBe('differs');
    expect(run(rocioFilename, lab('01/07/1990', 'M')).details.fields.sexo).toBe('differs');
  });

  it('tells a homonym apart by an English birth date', () => {
    const filename = nameQuery(juanA.expediente, 'HERNANDEZ', 'LOPEZ', 'JUAN');
    const result = run(
      filename,
      'Patient Name: Juan Hernandez Lopez\nDate of Birth: 09/09/1971   Gender: Male',
    );
    expect(result.verdict).toBe('contradicts');
    expect(result.details.fields).toMatchObject({ fecha_nacimiento: 'differs', sexo: 'agrees' });
  });

  it('with trustContent, an ambiguous date that fits the patient does not block a confirmation; one that does not, does', () => {
    const typo = nameQuery('1000000304', 'IBARRA', 'SALAS', 'ROCÍO');
    expect(run(typo, lab('01/07/1990')).decision).toMatchObject({
      decision: 'review',
      reason: 'expediente_typo',
    });
    expect(run(typo, lab('01/07/1990'), { trustContent: true }).decision).toMatchObject({
      decision: 'auto',
      reason: 'content_confirmed',
      patient: rocio,
    });
    expect(run(typo, lab('02/07/1990'), { trustContent: true }).decision.decision).toBe('review');
  });
});

describe('contentLookupQueries', () => {
  const decision = matchPatient({
    query: estherFilename,
    candidates: registry.candidatesFor(estherFilename),
    frequencies,
  });
  const queries = (text: string, trustContent = false) =>
    contentLookupQueries({
      filename: estherFilename,
      decision,
      identity: readContentIdentity(text),
      trustContent,
    });

  it('asks nothing for a document that agrees or states nothing', () => {
    expect(queries(header(esther))).toEqual([]);
    expect(queries('Hemoglobina 14.2')).toEqual([]);
    expect(queries('Sexo: M')).toEqual([]);
  });

  it('asks for the document’s identity as a filename-like query', () => {
    expect(queries(header(rocio))).toEqual([
      { expediente: rocio.expediente, apellidoPaterno: 'IBARRA', apellidoMaterno: 'SALAS', nombres: 'ROCÍO' },
    ]);
    expect(queries('Expediente: 1000000303')).toEqual([
      { expediente: '1000000303', apellidoPaterno: '', apellidoMaterno: '', nombres: '' },
    ]);
  });

  it('asks for both readings of a name whose order is unknown', () => {
    expect(queries('Paciente: ZERTUCHE OYERVIDES LUCERITO')).toHaveLength(2);
  });
});

describe('crossCheckContent: details', () => {
  it('are JSON-serialisable and carry both identities', () => {
    const { details, decision } = run(
      estherFilename,
      `${header(rocio)}\nFecha de nacimiento: 01/07/1990\nSexo: F`,
    );
    expect(JSON.parse(JSON.stringify(details))).toEqual(details);
    expect(JSON.parse(JSON.stringify(decision.matchingDetails))).toEqual(decision.matchingDetails);
    expect(details.identity).toMatchObject({
      expediente: rocio.expediente,
      nombre_completo: 'IBARRA SALAS, ROCÍO',
      nombre_escrito: 'IBARRA SALAS, ROCÍO',
      fecha_nacimiento: '1990-07-01',
      sexo: 'F',
    });
    expect(details.compared_with).toEqual({
      patient_id: esther.id,
      expediente: esther.expediente,
      nombre_completo: 'GARZA TIJERINA, MARIA ESTHER',
      fecha_nacimiento: '1985-03-15',
      sexo: 'F',
    });
    expect(details.identity.evidence.map((e) => e.field)).toEqual(['expediente', 'name', 'birthDate', 'sex']);
    expect(details.reasons.length).toBeGreaterThan(0);
  });

  it('name the patient without the period that ends a sentence (the review and match --json show them)', () => {
    const misfiled = run(
      estherFilename,
      'Paciente: ROCIO IBARRA SALAS. Acude a control.\nExpediente: 1000000303. Sexo: F.',
    );
    expect(misfiled.verdict).toBe('contradicts');
    expect(misfiled.details.identity).toMatchObject({
      nombre_completo: 'IBARRA SALAS, ROCIO',
      nombre_escrito: 'ROCIO IBARRA SALAS',
    });
    expect(misfiled.details.content_patient).toMatchObject({ patient_id: rocio.id, by: 'expediente' });
    expect(misfiled.details.reasons.join('\n')).not.toContain('SALAS.');

    const agreeing = run(estherFilename, 'Paciente: GARZA TIJERINA., MARIA ESTHER  Expediente: 1000000101');
    expect(agreeing.verdict).toBe('agrees');
    expect(agreeing.details.identity.nombre_completo).toBe('GARZA TIJERINA, MARIA ESTHER');
  });
});
