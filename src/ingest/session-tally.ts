import {
  emptyTotals,
  type FileResult,
  type PipelineStage,
  type SessionTotals,
} from '../core/pipeline/events.js';
import { outcomeKind } from '../core/pipeline/file-outcome.js';
import { sessionStatus } from '../core/pipeline/session-counts.js';
import type { BatchStatus } from '../db/schema.js';
import type { SessionCounts } from '../db/repositories/session-counter-repository.js';

/** What one file contributed: its result, and whether it matched or created a patient. */
export interface ProcessedFile {
  result: FileResult;
  /** The patient the file was attached to: found in the registry, or created for it. Null when not attached. */
  patient: 'matched' | 'created' | null;
  /** Another file of the session this one's outcome took back into review (its document detached). */
  takenBack?: TakenBack;
  /** A copy's: the relative path of the session's file holding its content, whose end it shared. */
  holder?: string;
}

/** A file of the session that the run had attached, now waiting for review again: why, for the report. */
export interface TakenBack {
  fileId: string;
  relativePath: string;
  message: string;
  /** The file as its row recorded it before (ingested), with the patient it counted: what the counts take back. */
  previous: ProcessedFile;
}

/**
 * A run's running counts: the only place they change, one file at a time, from what each file returned.
 * (Files report; they never touch the counts themselves.)
 */
export class SessionTally {
  private readonly totals: SessionTotals;
  /** Seconds spent in each stage, summed over files (they overlap under concurrency: compare shares). */
  readonly stageSeconds: Partial<Record<PipelineStage, number>> = {};

  /** `from`: the counts the session already holds (a resumed session's earlier runs). */
  constructor(totalFiles: number, from: Partial<SessionTotals> = {}) {
    this.totals = { ...emptyTotals(), ...from, totalFiles };
  }

  /** Files left for the next run (over --max-files). */
  defer(files: number): void {
    this.totals.deferred += files;
  }

  /** A file created its patient but reached no final state in this run (a backend went down). */
  patientCreated(): void {
    this.totals.createdPatients++;
  }

  record(processed: ProcessedFile): void {
    this.count(processed, 1);
    for (const [stage, ms] of Object.entries(processed.result.stageMs) as [PipelineStage, number][]) {
      this.stageSeconds[stage] = (this.stageSeconds[stage] ?? 0) + ms / 1000;
    }
  }

  /**
   * A file counted before (this run, or the earlier runs the counts started from) whose recorded state
   * changed since (see the `file_outcome_changed` event): its old contribution goes, its new one comes.
   */
  replace(previous: ProcessedFile, next: ProcessedFile): void {
    this.count(previous, -1);
    this.count(next, 1);
  }

  private count({ result, patient }: ProcessedFile, sign: 1 | -1): void {
    const t = this.totals;
    const kind = outcomeKind(result.outcome);
    if (kind === 'pending') {
      // Not processed: left for a later run.
      if (result.outcome === 'deferred') t.deferred += sign;
      if (result.outcome === 'still_being_written') t.stillBeingWritten = (t.stillBeingWritten ?? 0) + sign;
      return;
    }
    if (kind === 'failed') t.failedFiles += sign;
    else if (result.outcome === 'already_pending_review') t.alreadyWaiting = (t.alreadyWaiting ?? 0) + sign;
    else if (kind === 'review') t.reviewRequired += sign;
    if (result.outcome === 'duplicate' || result.outcome === 'duplicate_in_batch') t.duplicates += sign;
    if (result.outcome === 'previously_rejected') t.rejected = (t.rejected ?? 0) + sign;
    if (result.outcome === 'renamed_by_transfer') t.renamedByTransfer = (t.renamedByTransfer ?? 0) + sign;
    if (result.moveError) t.notMoved += sign;
    t.processedFiles += sign;
    if (patient === 'created') t.createdPatients += sign;
    else if (patient === 'matched') t.matchedPatients += sign;
    if (result.outcome === 'ingested') {
      t.pages += sign * (result.pages ?? 0);
      t.chunks += sign * (result.chunks ?? 0);
    }
  }

  /** A copy of the counts as they stand (for events and the result). */
  snapshot(): SessionTotals {
    return { ...this.totals };
  }

  /** The counts as the session's `batch_uploads` columns hold them. */
  counts(): SessionCounts {
    const t = this.totals;
    return {
      totalFiles: t.totalFiles,
      processedFiles: t.processedFiles,
      failedFiles: t.failedFiles,
      createdPatients: t.createdPatients,
      matchedPatients: t.matchedPatients,
      reviewRequired: t.reviewRequired,
      duplicates: t.duplicates,
    };
  }

  /** The session's final status: failed when every file it attempted failed, or the run itself stopped. */
  status(stopped: boolean): BatchStatus {
    return sessionStatus(this.totals, { interrupted: false, stopped });
  }
}
