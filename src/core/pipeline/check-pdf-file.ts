import { trimSpaces } from '../filename/normalize-name.js';
import type { FileOutcome } from './file-outcome.js';

export interface FileFacts {
  filename: string;
  size: number;
  /** The first bytes of the file (at least 1 KiB when the file is that long). */
  head: Uint8Array;
}

export interface FileCheckFailure {
  outcome: FileOutcome;
  message: string;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
/** The PDF spec lets readers accept the header anywhere in the first 1024 bytes: the bytes `head` needs. */
export const HEADER_WINDOW = 1024;

/** Validation that needs no PDF parsing: extension, size and the `%PDF-` header. Pure. */
export function checkPdfFile(facts: FileFacts, limits: { maxFileSize: number }): FileCheckFailure | null {
  // Spaces after '.pdf' are debris the filename parser trims too (a name pasted with a trailing space): the
  // name it accepts must not be refused here as "not ending in .pdf", which would fail and quarantine a PDF.
  if (!/\.pdf$/i.test(trimSpaces(facts.filename))) {
    return { outcome: 'not_pdf', message: 'the file does not end in .pdf' };
  }
  if (facts.size === 0) return { outcome: 'empty_file', message: 'the file is empty (0 bytes)' };
  if (facts.size > limits.maxFileSize) {
    return {
      outcome: 'too_large',
      message: `the file has ${formatBytes(facts.size)}, over the limit of ${formatBytes(limits.maxFileSize)} (raise it with --max-file-size)`,
    };
  }
  if (findHeader(facts.head) < 0) {
    return {
      outcome: 'not_pdf',
      message: 'the file is named .pdf but its content is not a PDF (no %PDF- header)',
    };
  }
  return null;
}

function findHeader(head: Uint8Array): number {
  const end = Math.min(head.length, HEADER_WINDOW) - PDF_MAGIC.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < PDF_MAGIC.length; j++) if (head[i + j] !== PDF_MAGIC[j]) continue outer;
    return i;
  }
  return -1;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Parses sizes such as `10MB`, `512k`, `1048576`. Returns null when it cannot. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?\s*$/i.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'g' ? 1024 ** 3 : unit === 'm' ? 1024 ** 2 : unit === 'k' ? 1024 : 1;
  return Math.round(Number(match[1]) * factor);
}
