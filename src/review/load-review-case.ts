import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { ContentCheckDetails } from '../core/content/types.js';
import { isClearlyAnotherPerson } from '../core/matching/same-person.js';
import type { MatchingDetails } from '../core/matching/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { BatchFile } from '../db/schema.js';
import { UserError } from '../errors.js';
import { matchAgainstRegistry, scorePatient } from '../db/match-against-registry.js';
import { describeCandidate } from './candidate-evidence.js';
import { documentIdentityFor } from './document-identity.js';
import { recheckContent } from './recheck-content.js';
import { readSessionSettings } from './session-settings.js';
import { textLines } from './text-preview.js';
import type { HeldReason, PendingEntry, ReviewCase, TakenBack } from './types.js';

/** As the ingest's cross-check words it (core/content): the candidate's first reason. */
const NAMED_BY_DOCUMENT = "named by the document's own text";
/** The reason of the patient a copy of the file names (a file taken back into review over that copy). */
const NAMED_BY_COPY = 'named by a copy of this file';

/**
 * Builds the evidence for one file from what is stored (no PDF is read): the filename parsed again, the
 * matching run again against the registry as it is now (it may have changed since the file was held),
 * each candidate's registry identity and documents, what the document itself states (its verdict, and the
 * patient it names, checked again against the registry as it is now too), and its whole text.
 */
export async function loadReviewCase(
  database: OpenDatabase,
  fileId: string,
  /** `file`: the file's row when the caller has just read it (the review reads it for the claim anyway). */
  options: { now?: Date; file?: BatchFile } = {},
): Promise<ReviewCase> {
  const batches = new BatchRepository(database.db);
  const patients = new PatientRepository(database.db);
  const file = options.file ?? (await batches.findFile(fileId));
  if (!file) throw new UserError(`file ${fileId} is not in the database`);
  const session = await batches.findSession(file.batchId);
  const settings = session ? readSessionSettings(session) : null;
  const thresholds = settings?.thresholds ?? DEFAULT_THRESHOLDS;
  const held = readHeld(file.matchingDetails);
  const parse = parseFilename(file.filename);
  const parsed = parse.ok ? parse.parsed : null;
  const referenceYear = (options.now ?? new Date()).getUTCFullYear();
  const [totalPatients, owner] = await Promise.all([
    patients.count(),
    // A clearly other person holding the number, or it with other leading zeros, is the id-conflict banner's.
    parsed ? patients.findNumberHolder(parsed.expediente) : undefined,
  ]);
  const decision = parsed
    ? await matchAgainstRegistry(patients, parsed, { totalPatients, thresholds })
    : null;
  // The verdict against the registry as it is now, not as it was when the file was held.
  const content =
    held.content && parsed && decision
      ? await recheckContent(
          patients,
          held.content,
          { text: file.extractedText, filename: parsed, decision, referenceYear },
          { totalPatients, thresholds },
        )
      : held.content;
  const document = documentIdentityFor(content, file.extractedText, parsed, referenceYear);
  const base = {
    fileId: file.id,
    batchId: file.batchId,
    relativePath: file.relativePath,
    filename: file.filename,
    registeredAt: file.createdAt,
    heldReason: held.reason,
    heldConfidence: file.matchConfidence,
    detached: held.detached,
    pages: file.pages,
    text: textLines(file.extractedText),
    textMissing: !file.extractedText,
    document,
    content,
    thresholds,
  };
  if (!parsed || !decision) {
    return {
      ...base,
      parsed: null,
      parseError: parse.ok ? null : parse.error.message,
      decision: null,
      candidates: [],
      evidence: [],
      expedienteOwner: null,
      idConflict: false,
    };
  }
  const candidates = [...decision.candidates];
  // The patient the document's own text names (issue 15): the filename's retrieval need not bring them, and
  // without them a misfiled document's choices were the wrong patient or a new (duplicate) one. The one the
  // registry of today names, and the one it named when the file was held if it no longer does: a choice more
  // to read is harmless, a patient the document once named gone from the choices is not.
  const namedNow = content?.content_patient ?? null;
  for (const named of [namedNow, held.content?.content_patient ?? null]) {
    if (named === null || candidates.some((c) => c.patient.id === named.patient_id)) continue;
    const patient =
      (await patients.findById(named.patient_id)) ?? (await patients.findByExpediente(named.expediente));
    const scored =
      patient === undefined || candidates.some((c) => c.patient.id === patient.id)
        ? undefined
        : await scorePatient(patients, parsed, patient, { totalPatients, thresholds });
    if (scored !== undefined) candidates.push({ ...scored, reasons: [NAMED_BY_DOCUMENT, ...scored.reasons] });
  }
  // Taken back over a copy that names another patient: that patient is one of the two the file may belong
  // to, whether or not the filename's own matching brings them.
  const copyExpediente = held.detached?.copy?.expediente ?? null;
  if (copyExpediente !== null) {
    const patient = await patients.findByExpediente(copyExpediente);
    if (patient !== undefined && !candidates.some((c) => c.patient.id === patient.id)) {
      const scored = await scorePatient(patients, parsed, patient, { totalPatients, thresholds });
      if (scored !== undefined) candidates.push({ ...scored, reasons: [NAMED_BY_COPY, ...scored.reasons] });
    }
  }
  const documents = await new DocumentRepository(database.db).summarizeByPatient(
    candidates.map((c) => c.patient.id),
  );
  const context = { filename: parsed, document, thresholds, documents };
  return {
    ...base,
    parsed,
    parseError: null,
    decision,
    candidates,
    evidence: candidates.map((candidate, i) => describeCandidate(candidate, i + 1, context)),
    expedienteOwner: owner ?? null,
    // By its expediente only: a name alone may be a homonym's (the document of a new patient of that name).
    documentPatientId:
      namedByExpediente(namedNow) ?? namedByExpediente(held.content?.content_patient ?? null),
    // DECISIONS 5: the banner only when the owner is clearly another person — also for a file an older
    // version held as id_conflict over a plain typo (GRABIELA HUERTA SOTA on GABRIELA HUERTA SOTO's).
    idConflict: owner !== undefined && isClearlyAnotherPerson(parsed, owner),
  };
}

function namedByExpediente(named: ContentCheckDetails['content_patient']): string | null {
  return named?.by === 'expediente' ? named.patient_id : null;
}

/**
 * What the document's own text says of a held file, its verdict against the registry as it is now (see
 * recheckContent); null when the ingest read no identity. For `review --json`, which lists the cases unopened.
 */
export async function currentContentCheck(
  database: OpenDatabase,
  file: BatchFile,
  options: { now?: Date } = {},
): Promise<ContentCheckDetails | null> {
  const held = readHeld(file.matchingDetails);
  const parse = parseFilename(file.filename);
  if (!held.content || !parse.ok) return held.content;
  const patients = new PatientRepository(database.db);
  const session = await new BatchRepository(database.db).findSession(file.batchId);
  const thresholds = (session ? readSessionSettings(session).thresholds : null) ?? DEFAULT_THRESHOLDS;
  const totalPatients = await patients.count();
  const decision = await matchAgainstRegistry(patients, parse.parsed, { totalPatients, thresholds });
  return recheckContent(
    patients,
    held.content,
    {
      text: file.extractedText,
      filename: parse.parsed,
      decision,
      referenceYear: (options.now ?? new Date()).getUTCFullYear(),
    },
    { totalPatients, thresholds },
  );
}

/** A pending file for the list of cases: no matching, no text. */
export function pendingEntryOf(file: BatchFile): PendingEntry {
  const held = readHeld(file.matchingDetails);
  const parse = parseFilename(file.filename);
  return {
    fileId: file.id,
    sessionId: file.batchId,
    relativePath: file.relativePath,
    expediente: parse.ok ? parse.parsed.expediente : file.expediente,
    name: parse.ok ? parse.parsed.nombreCompleto : null,
    typeCode: parse.ok ? parse.parsed.documentTypeCode : file.documentTypeCode,
    registeredAt: file.createdAt,
    reason: held.reason,
    confidence: file.matchConfidence,
  };
}

interface Held {
  reason: HeldReason | null;
  content: ContentCheckDetails | null;
  detached: ReviewCase['detached'];
}

function readHeld(json: string | null): Held {
  const none: Held = { reason: null, content: null, detached: null };
  if (!json) return none;
  let value: Partial<MatchingDetails> & { detached?: Record<string, unknown> };
  try {
    value = JSON.parse(json) as typeof value;
  } catch {
    return none;
  }
  const detached = readTakenBack(value.detached);
  const content =
    value.content && typeof value.content === 'object' && value.content.identity ? value.content : null;
  return {
    reason: detached ? detached.kind : typeof value.reason === 'string' ? value.reason : null,
    content,
    detached,
  };
}

function readTakenBack(value: Record<string, unknown> | undefined): TakenBack | null {
  if (!value || typeof value !== 'object') return null;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
  const copyExpediente = text('copy_expediente');
  return {
    kind: value.kind === 'taken_back' ? 'taken_back' : 'detached',
    by: text('by') ?? '',
    at: text('at') ?? '',
    fromExpediente: text('from_expediente') ?? '',
    reason: text('reason'),
    copy: copyExpediente ? { expediente: copyExpediente, relativePath: text('copy_path') ?? '' } : null,
  };
}
