import type { ExtractionFailureOutcome } from './types.js';

export type PdftotextRun = { exitCode: number | null; stderr: string };

/** The first line of poppler's diagnostics that says what went wrong, for the message's detail. */
function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /error/i.test(line)) ?? lines[0] ?? '';
}

/**
 * Maps a failed pdftotext run to an outcome. Poppler's exit codes: 1 the PDF could not be opened
 * (damaged, or an incorrect password), 2 the output could not be written, 3 permissions forbid
 * copying text, 99 anything else (including command-line errors).
 */
export function classifyPdftotextFailure(run: PdftotextRun): {
  outcome: ExtractionFailureOutcome;
  detail: string;
} {
  const detail = firstErrorLine(run.stderr);
  if (/Incorrect password/i.test(run.stderr) || run.exitCode === 3) return { outcome: 'encrypted', detail };
  if (/Command Line Error/i.test(run.stderr)) return { outcome: 'extraction_error', detail };
  if (run.exitCode === 1) return { outcome: 'corrupt', detail };
  return {
    outcome: 'extraction_error',
    detail: detail || `pdftotext exited with code ${String(run.exitCode)}`,
  };
}

/** pdftotext repairs what it can and exits 0; a "Syntax Error" on an empty result means damage, not a scan. */
export function reportsSyntaxErrors(stderr: string): boolean {
  return /Syntax Error/i.test(stderr);
}
