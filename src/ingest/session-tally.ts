import { emptyTotals, type FileResult, type PipelineStage, type SessionTotals } from '../core/pipeline/events.js';
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
}

/** A file of the session that the run had attached, now waiting for review again: why, for the report. */
export interface TakenBack {
  fileId: string;
  relativePath: string;
  message: string;
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

  record({ result, patient }: ProcessedFile): void {
    const t = this.totals;
    const kind = outcomeKind(result.outcome);
    if (kind === 'pending') {
      // Not processed: left for a later run.
      if (result.outcome === 'deferred') t.deferred++;
      return;
    }
    if (kind === 'failed') t.failedFiles++;
    else if (kind === 'review') t.reviewRequired++;
    if (result.outcome === 'duplicate' || result.outcome === 'duplicate_in_batch') t.duplicates++;
    if (result.outcome === 'previously_rejected') t.rejected = (t.rejected ?? 0) + 1;
    if (result.moveError) t.notMoved++;
    t.processedFiles++;
    if (patient === 'created') t.createdPatients++;
    else if (patient === 'matched') t.matchedPatients++;
    if (result.outcome === 'ingested') {
      t.pages += result.pages ?? 0;
      t.chunks += result.chunks ?? 0;
    }
    for (const [stage, ms] of Object.entries(result.stageMs) as [PipelineStage, number][]) {
      this.stageSeconds[stage] = (this.stageSeconds[stage] ?? 0) + ms / 1000;
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
