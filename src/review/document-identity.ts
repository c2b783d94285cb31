import { birthDateReadings } from '../core/content/cross-check-content.js';
import { readContentIdentity } from '../core/content/read-content-identity.js';
import type { ContentCheckDetails, ContentIdentity, ContentName } from '../core/content/types.js';
import { parsePersonName } from '../core/filename/parse-person-name.js';
import type { ParsedFilename } from '../core/filename/types.js';
import { judgeSamePerson, shareNoSurname } from '../core/matching/same-person.js';
import type { NameFields } from '../core/matching/types.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { Agreement, DocumentIdentity } from './types.js';

/**
 * The identity the document states, for the review: the ingest's content cross-check when it recorded one
 * (`matching_details.content`), otherwise read now from the kept text (readContentIdentity is pure and
 * reads the first pages only). Null when the document states nothing.
 */
export function documentIdentityFor(
  recorded: ContentCheckDetails | null,
  text: string | null,
  parsed: ParsedFilename | null,
  referenceYear: number,
): DocumentIdentity | null {
  const identity = recorded
    ? fromCrossCheck(recorded)
    : text
      ? fromText(readContentIdentity(text, { referenceYear }))
      : null;
  if (!identity) return null;
  if (!identity.expediente && !identity.name && !identity.birthDate && !identity.sex) return null;
  return {
    ...identity,
    agreement: {
      expediente: compareValues(identity.expediente, parsed?.expediente ?? null),
      name: compareNames(identity.nameFields, parsed),
    },
  };
}

type Identity = Omit<DocumentIdentity, 'agreement'>;

function fromCrossCheck(details: ContentCheckDetails): Identity {
  const id = details.identity;
  const parsed = id.nombre_completo ? parsePersonName(id.nombre_completo) : null;
  return {
    source: 'cross_check',
    expediente: id.expediente,
    name: id.nombre_completo ?? id.nombre_escrito,
    nameFields: parsed?.ok ? parsed.name : null,
    birthDate: id.fecha_nacimiento,
    birthDateAlternative: id.fecha_nacimiento_alternativa ?? null,
    sex: id.sexo,
    evidence: id.evidence.map((e) => ({ ...e, text: sanitizeForTerminal(e.text) })),
    otherExpedientes: id.other_expedientes,
    otherNames: id.other_names.map(sanitizeForTerminal),
    verdict: details.verdict,
    verdictAgainst: details.compared_with === null ? 'filename' : 'match',
    reasons: details.reasons.map(sanitizeForTerminal),
  };
}

function fromText(identity: ContentIdentity): Identity {
  return {
    source: 'text',
    expediente: identity.expediente,
    name: identity.name ? formatPatientName(identity.name) : null,
    nameFields: identity.name ? fieldsOf(identity.name) : null,
    birthDate: identity.birthDate,
    birthDateAlternative: identity.birthDateAlternative,
    sex: identity.sex,
    evidence: identity.evidence.map((e) => ({ ...e, text: sanitizeForTerminal(e.text) })),
    otherExpedientes: identity.otherExpedientes,
    otherNames: identity.otherNames.map(sanitizeForTerminal),
    verdict: null,
    verdictAgainst: 'match',
    reasons: [],
  };
}

function fieldsOf(name: ContentName): NameFields {
  return {
    apellidoPaterno: name.apellidoPaterno,
    apellidoMaterno: name.apellidoMaterno,
    nombres: name.nombres,
  };
}

/** Equal, different, or unknown when either side states nothing. */
export function compareValues(a: string | null | undefined, b: string | null | undefined): Agreement {
  if (!a || !b) return 'unknown';
  return a.trim().toUpperCase() === b.trim().toUpperCase() ? 'agrees' : 'differs';
}

/**
 * The document's birth date against a registry one, by the cross-check's rule (`birthDateReadings`): agrees
 * when it is either reading of a date whose day and month could be either way round, differs only when it
 * is neither (no verdict on a guessed order).
 */
export function compareBirthDates(
  document: Pick<DocumentIdentity, 'birthDate' | 'birthDateAlternative'> | null | undefined,
  registry: string | null | undefined,
): Agreement {
  if (!document?.birthDate || !registry) return 'unknown';
  return birthDateReadings(document).some((reading) => compareValues(reading, registry) === 'agrees')
    ? 'agrees'
    : 'differs';
}

/**
 * One person written two ways, clearly two people, or in between (DECISIONS 5's judgement). The same
 * given names on surnames that share nothing (JORGE ACOSTA MORALES against REYES MARTINEZ, JORGE) differ:
 * given names are shared by strangers, so agreeing on them alone is no partial agreement.
 */
export function compareNames(a: NameFields | null | undefined, b: NameFields | null | undefined): Agreement {
  if (!a || !b) return 'unknown';
  const judgement = judgeSamePerson(a, b);
  if (judgement === 'same') return 'agrees';
  return judgement === 'another' || shareNoSurname(a, b) ? 'differs' : 'uncertain';
}
