import type { ExtractionFailure, ExtractionFailureOutcome } from './types.js';

export type FailureContext = {
  /** The low-level reason (an exception message or a tool's stderr line), added in parentheses. */
  detail?: string;
  timeoutMs?: number;
  maxMemoryMb?: number;
  pages?: number;
};

function sentenceFor(outcome: ExtractionFailureOutcome, context: FailureContext): string {
  switch (outcome) {
    case 'encrypted':
      return 'the PDF is password-protected (encrypted); ask the sender for an unprotected copy';
    case 'corrupt':
      return 'the PDF is damaged or is not a valid PDF, so its text cannot be read; ask the sender for a new copy';
    case 'image_only':
      return 'the PDF has no text layer (it looks like a scan or contains only images); it needs OCR before it can be ingested';
    case 'timeout': {
      const limit = context.timeoutMs === undefined ? '' : ` (${formatSeconds(context.timeoutMs)})`;
      return `reading the PDF's text took longer than the per-file time limit${limit} and was stopped; check the file, or raise the limit with --timeout`;
    }
    case 'too_large_memory': {
      const limit = context.maxMemoryMb === undefined ? '' : ` (${context.maxMemoryMb} MB)`;
      return `reading the PDF's text needed more than the memory limit${limit} and was stopped; the file may be unusually large or damaged`;
    }
    case 'unreadable':
      return 'the file could not be read from disk; check that it exists and that this tool may read it';
    case 'extraction_error':
      return 'text extraction failed unexpectedly; retry, and report the file if it fails again';
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

/** Builds the failure result with its administrator-facing message. */
export function describeFailure(
  outcome: ExtractionFailureOutcome,
  context: FailureContext = {},
): ExtractionFailure {
  const detail = context.detail?.trim();
  const message = detail ? `${sentenceFor(outcome, context)} (${detail})` : sentenceFor(outcome, context);
  const failure: ExtractionFailure = { ok: false, outcome, message };
  if (context.pages !== undefined) failure.pages = context.pages;
  return failure;
}
