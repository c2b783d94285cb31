import { isKnownDocumentTypeCode } from '../core/filename/document-types.js';
import type { FileResult, PipelineEvent } from '../core/pipeline/events.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';

/** Outcomes whose file is on record with its type: its document stored, or its review entry waiting to file it. */
const RECORDED_WITH_TYPE: ReadonlySet<FileOutcome> = new Set<FileOutcome>([
  'ingested',
  'review_required',
  'patient_conflict',
]);

/**
 * The type codes of this run's files that the service's table does not know (`_CSON.pdf`, a typo for CONS),
 * with how many files carry each. Such a file is not refused — a new code from the scanning room must not
 * stop a batch — but it is filed as type `other`, and the closing lines say so instead of letting it pass.
 * `recorded` counts those of them actually on record as `other` (see RECORDED_WITH_TYPE): a file that failed
 * or was a duplicate recorded nothing, and the closing line must not say it did.
 */
export class UnknownTypeCodes {
  readonly counts = new Map<string, number>();
  /** By path: whether the file is on record with its (unknown, so `other`) type, as its latest outcome says. */
  private readonly onRecord = new Map<string, boolean>();

  /** The files with an unknown code that are on record as type `other`. */
  get recorded(): number {
    let n = 0;
    for (const recorded of this.onRecord.values()) if (recorded) n++;
    return n;
  }

  readonly listener = (event: PipelineEvent): void => {
    if (
      event.type === 'file_outcome_changed' &&
      event.reported &&
      this.onRecord.has(event.result.relativePath)
    ) {
      this.onRecord.set(event.result.relativePath, RECORDED_WITH_TYPE.has(event.result.outcome));
      return;
    }
    if (event.type !== 'file_finished') return;
    const code = unknownCodeOf(event.result);
    if (code === null) return;
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    this.onRecord.set(event.result.relativePath, RECORDED_WITH_TYPE.has(event.result.outcome));
  };
}

function unknownCodeOf(result: FileResult): string | null {
  const parse = result.parse;
  if (!parse?.ok || isKnownDocumentTypeCode(parse.parsed.documentTypeCode)) return null;
  return parse.parsed.documentTypeCode;
}
