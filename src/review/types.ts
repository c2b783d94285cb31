import type { ContentCheckDetails } from '../core/content/types.js';
import type { ParsedFilename } from '../core/filename/types.js';
import type { MatchDecision, ScoredCandidate } from '../core/matching/types.js';
import type { BatchFile, Patient } from '../db/schema.js';

/** One review-required file with fresh evidence: re-parsed name, re-run matching, the text's first lines. */
export interface ReviewCase {
  fileId: string;
  batchId: string;
  relativePath: string;
  filename: string;
  /** Null when the stored filename no longer parses (only reject or skip make sense then). */
  parsed: ParsedFilename | null;
  parseError: string | null;
  /** Matching re-run against the registry as it is now. */
  decision: MatchDecision | null;
  /** Best first; key N attaches to candidates[N - 1]. */
  candidates: ScoredCandidate[];
  /** The patient who holds the filename's expediente, if any: a new patient with it is impossible. */
  expedienteOwner: Patient | null;
  /** The expediente belongs to a differently named patient. */
  idConflict: boolean;
  /** Why the file was held when it was ingested (from matching_details). */
  heldReason: string | null;
  /** What the document's own text said of its patient when it was held (issue 15), if it was read. */
  content?: ContentCheckDetails | null;
  heldConfidence: number | null;
  pages: number | null;
  /** First lines of the extracted text, already sanitised for the terminal. */
  preview: string[];
  /** The text is missing: the file cannot be attached without extracting it again. */
  textMissing: boolean;
}

export type ReviewChoice =
  { kind: 'attach'; candidate: number } | { kind: 'new_patient' } | { kind: 'reject' } | { kind: 'skip' };

/** A decision either took effect or was refused with a reason; refusals change nothing. */
export type DecisionResult =
  | { ok: true; choice: ReviewChoice['kind']; fileId: string; message: string }
  | { ok: false; fileId: string; message: string };

export type UndoResult =
  | { ok: true; fileId: string; choice: 'attach' | 'new_patient' | 'reject'; message: string }
  | { ok: false; message: string };

/** The batch file's fields a decision changes, as they were before it (restored exactly by undo). */
export type FileSnapshot = Pick<
  BatchFile,
  | 'matchingStatus'
  | 'processingStatus'
  | 'outcome'
  | 'errorMessage'
  | 'patientId'
  | 'documentId'
  | 'chunks'
  | 'pages'
  | 'extractedText'
  | 'matchConfidence'
  | 'matchingDetails'
  | 'updatedAt'
>;

export interface CountsDelta {
  reviewRequired: number;
  matchedPatients: number;
  createdPatients: number;
}
