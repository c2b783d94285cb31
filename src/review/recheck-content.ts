import { birthDateReadings } from '../core/content/cross-check-content.js';
import { readContentIdentity } from '../core/content/read-content-identity.js';
import type { ContentCheckDetails, ContentIdentity } from '../core/content/types.js';
import { parsePersonName } from '../core/filename/parse-person-name.js';
import type { ParsedFilename } from '../core/filename/types.js';
import type { MatchDecision } from '../core/matching/types.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { crossCheckAgainstRegistry, type RegistryMatchContext } from '../db/match-against-registry.js';
import type { PatientRepository } from '../db/repositories/patient-repository.js';

/**
 * The ingest's content cross-check done again against the registry as it is now: a case waits for days, and
 * meanwhile a registry import may have given the filename's patient the birth date the document contradicts
 * (or agrees with), or brought the patient the document names. The verdict, the field comparisons and the
 * patient the document names are the registry's of today; what the document states stays what the ingest
 * read. `decision` is the filename's match against the registry as it is now (loadReviewCase's).
 */
export async function recheckContent(
  patients: PatientRepository,
  recorded: ContentCheckDetails,
  input: { text: string | null; filename: ParsedFilename; decision: MatchDecision; referenceYear: number },
  context: RegistryMatchContext,
): Promise<ContentCheckDetails> {
  const identity = identityOf(recorded.identity, input.text, input.referenceYear);
  const { details } = await crossCheckAgainstRegistry(
    patients,
    // Never trusted here: a person is deciding, and `trusted: …` would name an attach nobody made.
    { filename: input.filename, decision: input.decision, identity, trustContent: false },
    context,
  );
  // The ingest's own reading, word for word (its evidence, page by page).
  return { ...details, identity: recorded.identity };
}

/**
 * The identity the ingest read, for the cross-check: the kept text read again when it yields the very values
 * recorded (the ingest read page by page; the kept text joins the pages, and a name's other reading is only
 * in a fresh reading), else rebuilt from the record.
 */
function identityOf(
  recorded: ContentCheckDetails['identity'],
  text: string | null,
  referenceYear: number,
): ContentIdentity {
  const read = text ? readContentIdentity(text, { referenceYear }) : null;
  if (read && sameValues(read, recorded)) return read;
  const parsed = recorded.nombre_completo ? parsePersonName(recorded.nombre_completo) : null;
  return {
    expediente: recorded.expediente,
    name: parsed?.ok
      ? {
          apellidoPaterno: parsed.name.apellidoPaterno,
          apellidoMaterno: parsed.name.apellidoMaterno,
          nombres: parsed.name.nombres,
          written: recorded.nombre_escrito ?? recorded.nombre_completo!,
          order: 'comma',
          alternative: null,
        }
      : null,
    birthDate: recorded.fecha_nacimiento,
    birthDateAlternative: recorded.fecha_nacimiento_alternativa ?? null,
    sex: recorded.sexo,
    evidence: recorded.evidence,
    otherExpedientes: recorded.other_expedientes,
    otherNames: recorded.other_names,
  };
}

function sameValues(read: ContentIdentity, recorded: ContentCheckDetails['identity']): boolean {
  const same = (a: readonly string[], b: readonly string[]) => a.join('\n') === b.join('\n');
  return (
    read.expediente === recorded.expediente &&
    (read.name ? formatPatientName(read.name) : null) === recorded.nombre_completo &&
    same(birthDateReadings(read), birthDateReadings(recordedDates(recorded))) &&
    read.sex === recorded.sexo &&
    same(read.otherExpedientes, recorded.other_expedientes) &&
    same(read.otherNames, recorded.other_names)
  );
}

function recordedDates(recorded: ContentCheckDetails['identity']) {
  return {
    birthDate: recorded.fecha_nacimiento,
    birthDateAlternative: recorded.fecha_nacimiento_alternativa ?? null,
  };
}
