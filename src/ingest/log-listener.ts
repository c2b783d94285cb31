import type { FileResult, PipelineEvent, PipelineListener } from '../core/pipeline/events.js';
import { outcomeKind } from '../core/pipeline/file-outcome.js';
import { redactNames } from '../core/text/redact-names.js';

/** The subset of a pino logger the pipeline log needs. */
export interface PipelineLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface LogListenerOptions {
  /**
   * Keep patient names out of the log (the default of `--log-file`): files are identified by expediente,
   * document type, numero and content hash, and messages lose the names they quote.
   */
  redact: boolean;
  /**
   * Add the session's and the file's ids to each file's line (`ingest --log-file`): the ids `status --files
   * --json` shows, and the only ones a misnamed, empty or unreadable file has in a redacted log (no expediente,
   * no hash). The worker and serve logs add them themselves.
   */
  fileIds?: boolean;
}

/**
 * One structured line per session event and per file outcome — a third subscriber to the same
 * events as the dashboard and the progress line.
 */
export function createLogListener(logger: PipelineLogger, options: LogListenerOptions): PipelineListener {
  let sessionId: string | null = null;
  const ids = (result: FileResult) =>
    options.fileIds ? { session_id: sessionId, file_id: result.fileId } : {};
  return (event: PipelineEvent) => {
    switch (event.type) {
      case 'session_started':
        sessionId = event.sessionId;
        logger.info(
          {
            event: 'session_started',
            session_id: event.sessionId,
            source_dir: event.sourceDir,
            total_files: event.totalFiles,
            processing_type: event.processingType,
          },
          'session started',
        );
        break;
      case 'file_finished': {
        const { level, fields, message } = fileFinishedLine(event.result, options);
        logger[level]({ ...fields, ...ids(event.result) }, message);
        break;
      }
      case 'file_outcome_changed': {
        const { fields, message } = fileOutcomeChangedLine(event.previous, event.result, options);
        logger.info({ ...fields, ...ids(event.result) }, message);
        break;
      }
      case 'session_finished':
        logger.info(
          {
            event: 'session_finished',
            session_id: event.sessionId,
            status: event.status,
            seconds: Math.round(event.seconds * 1000) / 1000,
            total_files: event.totals.totalFiles,
            processed_files: event.totals.processedFiles,
            failed_files: event.totals.failedFiles,
            created_patients: event.totals.createdPatients,
            matched_patients: event.totals.matchedPatients,
            review_required: event.totals.reviewRequired,
            already_waiting: event.totals.alreadyWaiting ?? 0,
            duplicates: event.totals.duplicates,
            deferred: event.totals.deferred,
            still_being_written: event.totals.stillBeingWritten ?? 0,
            not_moved: event.totals.notMoved,
            pages: event.totals.pages,
            chunks: event.totals.chunks,
          },
          'session finished',
        );
        break;
      default:
        break;
    }
  };
}

/**
 * A file outcome's log line: its level, fields and message. Exported for the logs that add their own
 * fields to it (a worker's session, file and attempt; serve's file id).
 */
export function fileFinishedLine(
  result: FileResult,
  options: LogListenerOptions,
): { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string } {
  const parsed = result.parse?.ok ? result.parse.parsed : null;
  const identity = options.redact
    ? {
        expediente: parsed?.expediente ?? null,
        document_type: parsed?.documentType ?? null,
        numero: parsed?.numero ?? null,
        content_sha256: result.contentSha256,
      }
    : {
        path: result.relativePath,
        expediente: parsed?.expediente ?? null,
        content_sha256: result.contentSha256,
      };
  const fields = {
    event: 'file_finished',
    ...identity,
    outcome: result.outcome,
    processing_status: result.processingStatus,
    decision: result.match?.decision ?? null,
    confidence: result.match ? Math.round(result.match.confidence * 1000) / 1000 : null,
    reason: result.match?.reason ?? null,
    // The verdict only: the identity the document states is a name, kept out of every log.
    content_verdict: result.match?.content?.verdict ?? null,
    patient_expediente: result.match?.patientExpediente ?? null,
    pages: result.pages,
    chunks: result.chunks,
    document_id: result.documentId,
    message: result.message && options.redact ? redactNames(result.message, namesOf(result)) : result.message,
    ...(result.movedTo ? { moved_to: options.redact ? '[redacted]' : result.movedTo } : {}),
    ...(result.moveError
      ? {
          move_error: options.redact
            ? redactNames(redactPaths(result.moveError), namesOf(result))
            : result.moveError,
        }
      : {}),
  };
  const kind = outcomeKind(result.outcome);
  if (result.moveError) return { level: 'warn', fields, message: 'file not moved' };
  if (kind === 'failed') return { level: 'warn', fields, message: 'file failed' };
  if (kind === 'review') return { level: 'info', fields, message: 'file held for review' };
  return { level: 'info', fields, message: 'file done' };
}

/**
 * A file's name as a log may show it: whole with `redact` off; otherwise without its patient's name, as the messages'
 * quoted filenames are (`3000003799_[redacted]_6001467010_CONS.pdf`; a name off the pattern goes whole:
 * `[redacted].pdf`). Its expediente, numero and type stay: the redacted line has them already.
 */
export function loggedFilename(result: FileResult, options: LogListenerOptions): string {
  if (!options.redact) return result.filename;
  // Quoted, so that redactNames reads it as the filename it is (“…”: a filename's own apostrophe cannot end it).
  return redactNames(`“${result.filename}”`, namesOf(result)).slice(1, -1);
}

/**
 * A changed file's log line: the file's line again, as it stands now, and what it was (a log read later must
 * not keep the first). Exported, as fileFinishedLine, for the worker's log.
 */
export function fileOutcomeChangedLine(
  previous: FileResult,
  result: FileResult,
  options: LogListenerOptions,
): { fields: Record<string, unknown>; message: string } {
  const { fields } = fileFinishedLine(result, options);
  return {
    fields: { ...fields, event: 'file_outcome_changed', previous_outcome: previous.outcome },
    message: result.outcome === previous.outcome ? 'file detail changed' : 'file outcome changed',
  };
}

/** A move error names the archive folder and the reason, never the file: only an absolute path could carry a name. */
function redactPaths(message: string): string {
  return message.replace(/\/\S*\.pdf\b/gi, '[redacted]');
}

/**
 * The names a file's message may show: its own (the filename's name part, and its folders: a folder per patient)
 * and the registry's candidates (a match reason compares them word by word). Not the filename's document type
 * (`CONS`) nor its numero: they name no one, and IT tells files apart by them. A name that does not parse gives
 * every part but a last one-word part (its type code, as the pattern places it).
 */
function namesOf(result: FileResult): string[] {
  const folders = result.relativePath.split(/[/\\]/).slice(0, -1);
  const own = result.parse?.ok
    ? [result.parse.parsed.nombreCompleto]
    : [unparsedNamePart(result.relativePath)];
  return [...folders, ...own, ...(result.match?.candidates.map((candidate) => candidate.name) ?? [])];
}

/** A base name that did not parse, `EXP_NAME…_TYPE.pdf`, without its extension and a last one-word part. */
function unparsedNamePart(relativePath: string): string {
  const parts = (relativePath.split(/[/\\]/).pop() ?? '').replace(/\.[^.]*$/, '').split('_');
  if (parts.length > 2 && /^\p{L}+$/u.test(parts.at(-1)!)) parts.pop();
  return parts.join(' ');
}
