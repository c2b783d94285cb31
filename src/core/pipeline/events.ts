import type { FilenameParseResult } from '../filename/types.js';
import type { FileOutcome } from './file-outcome.js';
import type { ContentCheckDetails } from '../content/types.js';

/** `content`: the document's own identity read and cross-checked with the filename's match (issue 15). */
export type PipelineStage =
  'validate' | 'parse' | 'match' | 'extract' | 'content' | 'chunk' | 'embed' | 'store';

export interface CandidateSummary {
  expediente: string;
  name: string;
  confidence: number;
  reasons: string[];
}

export interface MatchSummary {
  decision: 'auto' | 'review' | 'new';
  /** The service's matching status after the file was handled. */
  status: 'pending' | 'matched' | 'new_patient' | 'review_required' | 'rejected';
  confidence: number;
  reason: string;
  patientExpediente: string | null;
  candidates: CandidateSummary[];
  /** What the document's text says of its patient, and the verdict; null before the text is read. */
  content?: ContentCheckDetails | null;
}

/** How OCR read a file, when it did. */
export interface FileOcr {
  engine: string;
  /** Pages OCR read. */
  pages: number;
  /** Mean word confidence, 0-1 (null when the OCR'd pages had no words). */
  confidence: number | null;
  /** Below the session's threshold: ingested, but flagged `low_ocr_confidence` for an administrator. */
  lowConfidence: boolean;
}

/** One file's result: what the JSON report lists and what the UIs show. */
export interface FileResult {
  fileId: string;
  relativePath: string;
  filename: string;
  outcome: FileOutcome;
  processingStatus: 'pending' | 'processing' | 'completed' | 'failed';
  message: string | null;
  parse: FilenameParseResult | null;
  match: MatchSummary | null;
  pages: number | null;
  chunks: number | null;
  documentId: string | null;
  contentSha256: string | null;
  /** Set when OCR read some of the file's pages. */
  ocr?: FileOcr | null;
  /** Where drop-folder hygiene moved the file (--archive-dir / --quarantine-dir), if it did. */
  movedTo?: string | null;
  /** Why it could not be moved there (its final state is recorded all the same). */
  moveError?: string | null;
  /** Milliseconds spent in each stage, for the benchmark's breakdown. */
  stageMs: Partial<Record<PipelineStage, number>>;
}

export interface SessionTotals {
  totalFiles: number;
  processedFiles: number;
  failedFiles: number;
  createdPatients: number;
  matchedPatients: number;
  /** Files this session holds for review (its own reviews; a re-run's copies of them are `alreadyWaiting`). */
  reviewRequired: number;
  /**
   * Files whose content was already waiting for review when the session reached them (`already_pending_review`,
   * a re-run of a folder): the review is another file's, counted there. Apart, so that sums over sessions are
   * right. Absent: none.
   */
  alreadyWaiting?: number;
  duplicates: number;
  /** Set aside: a reviewer rejected the same content before (`review --reopen` lifts it). Absent: none. */
  rejected?: number;
  /** Files over --max-files, left for the next run (`deferred`). */
  deferred: number;
  /**
   * Files still being copied into the drop (`still_being_written`): not failed, not read; the next run takes
   * them. Absent: none.
   */
  stillBeingWritten?: number;
  /**
   * Files under a transfer's name that their tool renamed once complete (`renamed_by_transfer`): done, but the
   * document is the final name's, so not ingested twice. Absent: none.
   */
  renamedByTransfer?: number;
  /** Files whose final state is recorded but that could not be archived or quarantined. */
  notMoved: number;
  pages: number;
  chunks: number;
}

/** Files this run leaves for the next one without a final state: over --max-files, or still being written. */
export function leftForNextRun(t: Pick<SessionTotals, 'deferred' | 'stillBeingWritten'>): number {
  return t.deferred + (t.stillBeingWritten ?? 0);
}

/**
 * The files a run's report says are left for the next run: over --max-files, still being written, or never
 * finished by a run that was stopped (Ctrl-C, SIGTERM, a backend down). The summary and `--json` say the same.
 */
export function filesLeftForNextRun(
  t: Pick<SessionTotals, 'deferred' | 'stillBeingWritten' | 'totalFiles' | 'processedFiles'>,
): number {
  return Math.max(leftForNextRun(t), t.totalFiles - t.processedFiles);
}

export function emptyTotals(): SessionTotals {
  return {
    totalFiles: 0,
    processedFiles: 0,
    failedFiles: 0,
    createdPatients: 0,
    matchedPatients: 0,
    reviewRequired: 0,
    duplicates: 0,
    deferred: 0,
    notMoved: 0,
    pages: 0,
    chunks: 0,
  };
}

/**
 * How far a scan's OCR has got: reading the `page`th of the `pages` pages it reads. A scan of 30 pages takes
 * minutes; without it the screen shows the same "extract" all along, as it would a run that hangs.
 */
export interface OcrPageProgress {
  page: number;
  pages: number;
}

/** The typed events the pipeline emits; the dashboard, the progress line and the JSON report subscribe. */
export type PipelineEvent =
  | {
      type: 'session_started';
      sessionId: string;
      sourceDir: string;
      totalFiles: number;
      processingType: string;
    }
  | { type: 'file_started'; fileId: string; relativePath: string }
  /** `ocrPage`: during `extract`, the page of a scan OCR is reading now, out of the pages it reads. */
  | {
      type: 'file_stage';
      fileId: string;
      relativePath: string;
      stage: PipelineStage;
      ocrPage?: OcrPageProgress;
    }
  | { type: 'file_finished'; result: FileResult; totals: SessionTotals }
  /**
   * A file already settled whose recorded state changed since: a later copy of its content, named for
   * another patient, took its document back into review; or the file it shared its content with was. The
   * subscribers show `result` from now on, in place of `previous`, so that the screen, the log and the final
   * report agree at every moment. `reported`: this run reported `previous` (file_finished); false when an
   * earlier run of the session settled the file (the live counts included it, the per-run ones did not).
   */
  | {
      type: 'file_outcome_changed';
      previous: FileResult;
      result: FileResult;
      reported: boolean;
      totals: SessionTotals;
    }
  | { type: 'session_finished'; sessionId: string; status: string; totals: SessionTotals; seconds: number };

export type PipelineListener = (event: PipelineEvent) => void;
