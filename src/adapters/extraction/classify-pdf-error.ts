import type { ExtractionFailureOutcome } from './types.js';

// The exception names pdf-parse maps pdf.js failures to. Matched by name, not class, because the
// error may have crossed a thread boundary or come from another copy of the library.
const CORRUPT_NAMES = new Set(['InvalidPDFException', 'FormatError', 'UnknownErrorException']);

const UNREADABLE_CODES = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'EISDIR',
  'ENOTDIR',
  'ELOOP',
  'EIO',
  'ENAMETOOLONG',
]);

export type ClassifiedError = { outcome: ExtractionFailureOutcome; detail: string };

export function classifyPdfError(error: unknown): ClassifiedError {
  const { name, message, code } = describeThrown(error);
  if (code !== undefined && UNREADABLE_CODES.has(code)) return { outcome: 'unreadable', detail: message };
  if (name === 'PasswordException') return { outcome: 'encrypted', detail: message };
  if (CORRUPT_NAMES.has(name)) return { outcome: 'corrupt', detail: message };
  return { outcome: 'extraction_error', detail: `${name}: ${message}` };
}

function describeThrown(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, code };
  }
  return { name: 'Error', message: String(error) };
}
