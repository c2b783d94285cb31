import type { ContentCheckDetails } from '../../core/content/types.js';
import type { FileResult } from '../../core/pipeline/events.js';
import type { BatchFile, BatchUpload } from '../../db/schema.js';

/** A session in the hospital service's status-response shape (snake_case). */
export function toSessionJson(
  session: BatchUpload & { alreadyWaiting?: number },
  processingTimeSeconds?: number,
) {
  const started = session.startedAt ? Date.parse(session.startedAt) : null;
  const completed = session.completedAt ? Date.parse(session.completedAt) : null;
  const seconds =
    processingTimeSeconds ?? (started !== null && completed !== null ? (completed - started) / 1000 : null);
  return {
    session_id: session.id,
    status: session.status,
    processing_type: session.processingType,
    uploaded_by: session.uploadedBy,
    source_dir: session.sourceDir,
    total_files: session.totalFiles,
    processed_files: session.processedFiles,
    failed_files: session.failedFiles,
    created_patients: session.createdPatients,
    matched_patients: session.matchedPatients,
    review_required: session.reviewRequired,
    // Copies of content that waited for review in another file already: that file's review, counted there.
    already_waiting: session.alreadyWaiting ?? 0,
    duplicates: session.duplicates,
    processing_time: seconds === null ? null : Math.round(seconds * 1000) / 1000,
    error_message: session.errorMessage,
    created_at: session.createdAt,
    started_at: session.startedAt,
    completed_at: session.completedAt,
  };
}

/** One file of the ingest report. */
export function toFileJson(file: FileResult) {
  return {
    path: file.relativePath,
    filename: file.filename,
    parse: file.parse
      ? file.parse.ok
        ? {
            ok: true,
            expediente: file.parse.parsed.expediente,
            apellido_paterno: file.parse.parsed.apellidoPaterno,
            apellido_materno: file.parse.parsed.apellidoMaterno,
            nombres: file.parse.parsed.nombres,
            numero: file.parse.parsed.numero,
            document_type: file.parse.parsed.documentType,
            document_type_code: file.parse.parsed.documentTypeCode,
          }
        : { ok: false, code: file.parse.error.code, message: file.parse.error.message }
      : null,
    match: file.match
      ? {
          decision: file.match.decision,
          status: file.match.status,
          confidence: round(file.match.confidence),
          reason: file.match.reason,
          patient_expediente: file.match.patientExpediente,
          candidates: file.match.candidates.map((c) => ({
            expediente: c.expediente,
            name: c.name,
            confidence: round(c.confidence),
            reasons: c.reasons,
          })),
        }
      : null,
    outcome: file.outcome,
    processing_status: file.processingStatus,
    pages: file.pages,
    chunks: file.chunks,
    document_id: file.documentId,
    content_sha256: file.contentSha256,
    ocr: file.ocr
      ? { engine: file.ocr.engine, pages: file.ocr.pages, confidence: file.ocr.confidence }
      : null,
    /** The identity the document's text states and the verdict (agrees, contradicts, absent); null before the text was read. */
    content: file.match?.content ?? null,
    flags: [
      ...(file.ocr?.lowConfidence ? ['low_ocr_confidence'] : []),
      ...(file.match?.reason === 'content_mismatch' ? ['content_mismatch'] : []),
    ],
    error: file.message,
    moved_to: file.movedTo ?? null,
    move_error: file.moveError ?? null,
  };
}

/** A stored batch file, for `status --files`. */
export function toBatchFileJson(file: BatchFile) {
  return {
    id: file.id,
    path: file.relativePath,
    filename: file.filename,
    expediente: file.expediente,
    document_type: file.documentType,
    numero: file.numero,
    matching_status: file.matchingStatus,
    processing_status: file.processingStatus,
    outcome: file.outcome,
    match_confidence: file.matchConfidence === null ? null : round(file.matchConfidence),
    patient_id: file.patientId,
    document_id: file.documentId,
    pages: file.pages,
    chunks: file.chunks,
    ocr: file.ocrEngine
      ? { engine: file.ocrEngine, pages: file.ocrPages, confidence: file.ocrConfidence }
      : null,
    content: contentSummary(storedContent(file)),
    flags: batchFileFlags(file),
    error: file.errorMessage,
    move_error: file.moveError,
  };
}

/**
 * Marks for an administrator: a low OCR confidence, a document whose text names another patient, a document
 * whose own expediente chose its patient (`--trust-content`: the filename did not lead there alone).
 */
export function batchFileFlags(file: BatchFile): string[] {
  const content = storedContent(file);
  return [
    ...(file.lowOcrConfidence ? ['low_ocr_confidence'] : []),
    ...(content?.verdict === 'contradicts' && file.matchingStatus === 'review_required'
      ? ['content_mismatch']
      : []),
    ...(content?.verdict === 'confirmed' ? ['content_confirmed'] : []),
  ];
}

/** The content cross-check stored with the file's match (`matching_details.content`), if any. */
export function storedContent(file: BatchFile): ContentCheckDetails | null {
  if (!file.matchingDetails) return null;
  try {
    const details = JSON.parse(file.matchingDetails) as { content?: ContentCheckDetails };
    return details.content ?? null;
  } catch {
    return null;
  }
}

/** What `status --files --json` says of the content check: the verdict, whom the text names, and why. */
function contentSummary(content: ContentCheckDetails | null) {
  if (content === null) return null;
  return {
    verdict: content.verdict,
    expediente: content.identity.expediente,
    nombre_completo: content.identity.nombre_completo,
    content_patient: content.content_patient,
    reasons: content.reasons,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
