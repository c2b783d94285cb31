import { isKnownDocumentTypeCode } from '../core/filename/document-types.js';
import type { PipelineEvent } from '../core/pipeline/events.js';

/**
 * The type codes of this run's files that the service's table does not know (`_CSON.pdf`, a typo for CONS),
 * with how many files carry each. Such a file is not refused — a new code from the scanning room must not
 * stop a batch — but it is filed as type `other`, and the closing lines say so instead of letting it pass.
 */
export class UnknownTypeCodes {
  readonly counts = new Map<string, number>();

  readonly listener = (event: PipelineEvent): void => {
    if (event.type !== 'file_finished') return;
    const parse = event.result.parse;
    if (!parse?.ok || isKnownDocumentTypeCode(parse.parsed.documentTypeCode)) return;
    const code = parse.parsed.documentTypeCode;
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  };
}
