import { duplicatedByNewPatient, type ApiReviewCase } from '../app/api-reviews.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FileResult, PipelineEvent, SessionTotals } from '../core/pipeline/events.js';
import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from '../core/pipeline/file-outcome.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import type { MatchingStatus } from '../core/pipeline/statuses.js';
import type { BatchFile, BatchUpload } from '../db/schema.js';
import { withoutLocations } from '../core/text/without-locations.js';
import type { ReviewCase } from '../review/types.js';

/** The hospital service's four session statuses. */
export type ApiStatus = 'pending' | 'processing' | 'completed' | 'failed';

/**
 * The service's status for an internal one (DECISIONS 1): `partially_failed` is `completed` (with
 * `failed_files` > 0) and `interrupted` is `failed`; `detailed_status` carries the exact one.
 */
export function apiStatus(status: string): ApiStatus {
  switch (status) {
    case 'pending':
    case 'processing':
    case 'completed':
      return status;
    case 'partially_failed':
      return 'completed';
    default:
      return 'failed';
  }
}

function seconds(session: BatchUpload): number | null {
  if (!session.startedAt || !session.completedAt) return null;
  return Math.round(Date.parse(session.completedAt) - Date.parse(session.startedAt)) / 1000;
}

/** The process call's answer (and the 202's, with the counts so far). */
export function processSummary(
  session: BatchUpload & { alreadyWaiting?: number },
  message: string,
  processingTime?: number,
) {
  return {
    message,
    session_id: session.id,
    total_files: session.totalFiles,
    processed_files: session.processedFiles,
    failed_files: session.failedFiles,
    created_patients: session.createdPatients,
    matched_patients: session.matchedPatients,
    review_required: session.reviewRequired,
    // Added beside review_required (which no longer counts them): copies of content already waiting for review.
    already_waiting: session.alreadyWaiting ?? 0,
    duplicates: session.duplicates,
    processing_time:
      processingTime === undefined ? seconds(session) : Math.round(processingTime * 1000) / 1000,
    status: apiStatus(session.status),
    detailed_status: session.status,
  };
}

function isFinished(file: BatchFile): boolean {
  return (
    file.processingStatus === 'completed' ||
    file.processingStatus === 'failed' ||
    file.matchingStatus === 'review_required'
  );
}

export function fileStatus(file: BatchFile) {
  const reviewRequired = file.matchingStatus === 'review_required' && file.processingStatus === 'pending';
  return {
    file_id: file.id,
    filename: file.filename,
    patient_matching_status: file.matchingStatus,
    processing_status: file.processingStatus,
    matching_confidence: file.matchConfidence,
    review_required: reviewRequired,
    error_message: file.errorMessage,
    processed_at: file.outcome && isFinished(file) ? file.updatedAt : null,
    outcome: file.outcome,
    size: file.fileSize,
    document_id: file.documentId,
  };
}

/** `expiresAt`: when the session is discarded if nobody uploads into it nor processes it first (null: never). */
export function sessionStatus(session: BatchUpload, files: BatchFile[], expiresAt: string | null) {
  // From the files' states: the session's own reviews, and apart the copies of content that already waited for
  // review in another file (`already_pending_review`), which its counter once counted as reviews of its own.
  const waiting = files.filter((file) => file.processingStatus === 'pending' && isReview(file.outcome));
  const alreadyWaiting = countAlreadyWaiting(files);
  return {
    session_id: session.id,
    status: apiStatus(session.status),
    detailed_status: session.status,
    uploaded_by: session.uploadedBy,
    processing_type: session.processingType,
    total_files: Math.max(session.totalFiles, files.length),
    processed_files: session.processedFiles,
    failed_files: session.failedFiles,
    created_patients: session.createdPatients,
    matched_patients: session.matchedPatients,
    review_required: waiting.length - alreadyWaiting,
    already_waiting: alreadyWaiting,
    duplicates: session.duplicates,
    error_message: sessionErrorMessage(session),
    created_at: session.createdAt,
    started_at: session.startedAt,
    completed_at: session.completedAt,
    expires_at: expiresAt,
    files: files.map(fileStatus),
  };
}

/** The session's files whose content already waited for review in another file (see sessionStatus). */
export function countAlreadyWaiting(files: BatchFile[]): number {
  return files.filter(
    (file) => file.processingStatus === 'pending' && file.outcome === 'already_pending_review',
  ).length;
}

/** What an upload reads from a filename: the expediente and the name, when it follows the pattern. */
export function parsedUpload(filename: string) {
  const parse = parseFilename(filename);
  return parse.ok
    ? {
        parsed: true,
        patient_id: parse.parsed.expediente,
        patient_name: formatPatientName(parse.parsed),
        parse_error: null,
      }
    : { parsed: false, patient_id: null, patient_name: null, parse_error: parse.error.message };
}

function readStoredDetails(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The content check as the ingest recorded it, for a case whose evidence could not be built. */
function storedContent(stored: Record<string, unknown>): unknown {
  const content = stored.content;
  return content && typeof content === 'object' && 'identity' in content ? content : null;
}

/**
 * One file of the review list. `matching_details` is a JSON string, as the service stores it, with
 * `algorithm` and `candidates`: the candidates matched again against the registry as it is now, which are
 * the ones a decision's `attach` accepts.
 */
export function reviewItem({ file, evidence, problem }: ApiReviewCase) {
  const stored = readStoredDetails(file.matchingDetails);
  const parsed = evidence?.parsed ?? null;
  const details = {
    algorithm: typeof stored.algorithm === 'string' ? stored.algorithm : 'tecsalud-batch',
    reason: evidence?.decision?.reason ?? stored.reason ?? null,
    held_reason: evidence?.heldReason ?? null,
    confidence: evidence?.decision?.confidence ?? file.matchConfidence,
    id_conflict: evidence?.idConflict ?? false,
    expediente_owner: evidence?.expedienteOwner
      ? {
          expediente: evidence.expedienteOwner.expediente,
          nombre_completo: formatPatientName(evidence.expedienteOwner),
        }
      : null,
    // What the terminal review asks a second look for before attaching to a candidate (index-aligned evidence),
    // or before creating a new patient: a client shows them before it sends the decision.
    candidates: (evidence?.candidates ?? []).map((c, i) => ({
      patient_id: c.patient.id,
      expediente: c.patient.expediente,
      nombre_completo: formatPatientName(c.patient),
      confidence: Math.round(c.scores.combined * 1000) / 1000,
      reasons: c.reasons,
      risks: evidence?.evidence[i]?.risks ?? [],
    })),
    new_patient_risk: newPatientRiskJson(evidence),
    // What the document's own text states (verdict, identity, reasons), checked against the registry as it is now:
    // the candidates alone rank the filename's match first even where the text names another patient, whose
    // row then reads as the weakest. The same `content` as `review --json`.
    content: evidence ? (evidence.content ?? null) : storedContent(stored),
  };
  return {
    file_id: file.id,
    filename: file.filename,
    parsed_patient_name: parsed ? formatPatientName(parsed) : null,
    parsed_patient_id: parsed?.expediente ?? file.expediente,
    matching_confidence: file.matchConfidence,
    matching_details: JSON.stringify(details),
    error_message: problem ?? file.errorMessage,
    patient_matching_status: file.matchingStatus,
  };
}

/** The registry patient a new patient would most likely duplicate (see duplicatedByNewPatient), or null. */
function newPatientRiskJson(evidence: ReviewCase | null) {
  const duplicated = evidence ? duplicatedByNewPatient(evidence) : null;
  if (!duplicated) return null;
  return {
    risk: duplicated.risks[0],
    patient_id: duplicated.candidate.patientId,
    expediente: duplicated.candidate.expediente,
    nombre_completo: duplicated.candidate.name,
  };
}

/** What the event stream says of a file's result, in the service's field names. */
function fileResultJson(result: FileResult) {
  const status: MatchingStatus = result.match?.status ?? 'pending';
  return {
    file_id: result.fileId,
    filename: result.filename,
    outcome: result.outcome,
    processing_status: result.processingStatus,
    // A file that never reached matching (its name did not parse, it failed validation) is `pending`, as its row and
    // so the status say: one vocabulary for a client, never null here and a word there.
    patient_matching_status: status,
    // A file attached to nobody (it failed after its name was matched) has no confidence in its row either.
    matching_confidence: status === 'pending' ? null : (result.match?.confidence ?? null),
    error_message: result.message,
  };
}

function totalsJson(t: SessionTotals) {
  return {
    total_files: t.totalFiles,
    processed_files: t.processedFiles,
    failed_files: t.failedFiles,
    created_patients: t.createdPatients,
    matched_patients: t.matchedPatients,
    review_required: t.reviewRequired,
    already_waiting: t.alreadyWaiting ?? 0,
    duplicates: t.duplicates,
  };
}

/**
 * `session_finished` for a session that ended without this stream seeing its run end (finished before the
 * client connected, a run that failed before it could start, a server restarted meanwhile): the summary's
 * fields as before, and `totals` as the live event carries them, so that a client reads one shape.
 */
export function finishedFromSummary(
  summary: ReturnType<typeof processSummary> & { error_message: string | null },
) {
  const {
    total_files,
    processed_files,
    failed_files,
    created_patients,
    matched_patients,
    review_required,
    already_waiting,
    duplicates,
  } = summary;
  return {
    ...summary,
    message: 'finished',
    totals: {
      total_files,
      processed_files,
      failed_files,
      created_patients,
      matched_patients,
      review_required,
      already_waiting,
      duplicates,
    },
  };
}

/** A pipeline event as the events stream sends it (the dashboard's progress, in the API's field names). */
export function eventJson(event: PipelineEvent): { type: string; data: Record<string, unknown> } {
  switch (event.type) {
    case 'session_started':
      return {
        type: event.type,
        data: {
          session_id: event.sessionId,
          total_files: event.totalFiles,
          processing_type: event.processingType,
        },
      };
    case 'file_started':
      return { type: event.type, data: { file_id: event.fileId, filename: event.relativePath } };
    case 'file_stage':
      return {
        type: event.type,
        data: {
          file_id: event.fileId,
          filename: event.relativePath,
          stage: event.stage,
          // A scan's OCR takes minutes: the page being read, as the dashboard's `[OCR page 12/30]`; null otherwise.
          ocr_page: event.ocrPage?.page ?? null,
          ocr_pages: event.ocrPage?.pages ?? null,
        },
      };
    case 'file_finished':
      return {
        type: event.type,
        data: { ...fileResultJson(event.result), totals: totalsJson(event.totals) },
      };
    case 'file_outcome_changed':
      return {
        type: event.type,
        data: {
          ...fileResultJson(event.result),
          previous_outcome: event.previous.outcome,
          totals: totalsJson(event.totals),
        },
      };
    case 'session_finished':
      return {
        type: event.type,
        data: {
          session_id: event.sessionId,
          status: apiStatus(event.status),
          detailed_status: event.status,
          processing_time: Math.round(event.seconds * 1000) / 1000,
          totals: totalsJson(event.totals),
        },
      };
  }
}

function isReview(outcome: string | null): boolean {
  return (
    outcome !== null &&
    Object.hasOwn(FILE_OUTCOMES, outcome) &&
    outcomeKind(outcome as FileOutcome) === 'review'
  );
}

/** Why a run could not start (a backend down), as a client is told it: not where that backend lives. */
export function sessionErrorMessage(session: Pick<BatchUpload, 'errorMessage'>): string | null {
  return session.errorMessage === null ? null : withoutLocations(session.errorMessage);
}
