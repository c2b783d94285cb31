import type { FileResult } from '../core/pipeline/events.js';
import type { BatchFile } from '../db/schema.js';
import { ingestedOnceMessage, takenBackWithMessage } from './file-processor.js';
import { resultFromRow, takenBackResult } from './recorded-result.js';
import type { Run, RunPlan } from './run-ingest.js';
import type { ProcessedFile, TakenBack } from './session-tally.js';

/** What a finished file's handler does after the file's own counting: see OutcomeChanges.seen. */
export interface SeenFile {
  /** Records the file's rewritten detail (a copy whose holder was taken back before it reported). */
  rewrite(): Promise<void>;
  /** Reports the files this one changed, already reported (this run) or settled (an earlier run). */
  report(): Promise<void>;
}

/**
 * Files whose recorded state changes after they were settled: a copy of an ingested file's content, named
 * for another patient, takes that file back into review (see FileProcessor.takeBackIntoReview), and the
 * copies that shared its end ("ingested once") then share its review. Whichever of them reports first,
 * the report, the live counts and the events follow the database: a file reported before the change gets a
 * `file_outcome_changed` event; one that reports after it is reported changed.
 */
export class OutcomeChanges {
  /** Holders taken back, by file and by content. */
  private readonly takenBack = new Map<string, TakenBack>();
  private readonly takenBackContents = new Map<string, TakenBack>();
  /** Files this run reported ingested: a take-back reported later changes them. */
  private readonly reportedIngested = new Set<string>();
  /** Copies this run reported "ingested once", by content: told if their holder is taken back later. */
  private readonly copiesIngestedOnce = new Map<string, FileResult[]>();
  /** Rows an earlier run of the session settled, by id: kept as the database records them. */
  private readonly earlier: Map<string, BatchFile>;

  constructor(
    private readonly run: Pick<Run, 'batches' | 'listener' | 'tally' | 'results'>,
    plan: Pick<RunPlan, 'earlier'>,
  ) {
    this.earlier = new Map(plan.earlier.map((row) => [row.id, row]));
  }

  /**
   * Called first (before any await) for each finished file: rewrites its result when a change reached it
   * first, and notes what a later change must find. Returns what is left to record and report.
   */
  seen(processed: ProcessedFile): SeenFile {
    const { result } = processed;
    const back = this.takenBack.get(result.fileId);
    let rewritten: string | null = null;
    if (back && result.outcome === 'ingested') {
      // Its copy reported first: the file is reported as its row now records it. The patient it created
      // stays (and counts); the one it matched is no longer its.
      Object.assign(result, takenBackResult(result, back.message));
      if (processed.patient === 'matched') processed.patient = null;
    }
    const sha = result.contentSha256;
    if (sha && result.outcome === 'duplicate_in_batch') {
      const holder = this.takenBackContents.get(sha);
      if (holder && result.message === ingestedOnceMessage(holder.relativePath)) {
        result.message = rewritten = takenBackWithMessage(holder.relativePath);
      } else if (!holder && result.message !== null) {
        this.copiesIngestedOnce.set(sha, [...(this.copiesIngestedOnce.get(sha) ?? []), result]);
      }
    }
    if (result.outcome === 'ingested') this.reportedIngested.add(result.fileId);
    const taken = processed.takenBack;
    if (taken) {
      this.takenBack.set(taken.fileId, taken);
      if (sha) this.takenBackContents.set(sha, taken);
    }
    return {
      rewrite: async () => {
        if (rewritten !== null) await this.run.batches.updateFile(result.fileId, { errorMessage: rewritten });
      },
      report: async () => {
        if (taken) await this.reportTakenBack(taken, sha);
      },
    };
  }

  private async reportTakenBack(taken: TakenBack, sha: string | null): Promise<void> {
    const { previous } = taken;
    const earlierRow = this.earlier.get(taken.fileId);
    const reported = this.reportedIngested.has(taken.fileId);
    // Not reported yet: its own report will show it taken back (see seen).
    if (reported || earlierRow) {
      const shown = this.run.results?.find((result) => result.fileId === taken.fileId);
      const next = takenBackResult(shown ?? previous.result, taken.message);
      if (shown) Object.assign(shown, next);
      if (earlierRow) {
        Object.assign(earlierRow, {
          outcome: 'review_required',
          processingStatus: 'pending',
          matchingStatus: 'review_required',
          errorMessage: taken.message,
          documentId: null,
          chunks: null,
          patientId: null,
        } satisfies Partial<BatchFile>);
      }
      this.changed(
        previous,
        { result: next, patient: previous.patient === 'created' ? 'created' : null },
        reported,
      );
    }
    if (!sha) return;
    const copies = this.copiesIngestedOnce.get(sha) ?? [];
    this.copiesIngestedOnce.delete(sha);
    const once = ingestedOnceMessage(taken.relativePath);
    const message = takenBackWithMessage(taken.relativePath);
    for (const copy of copies.filter((c) => c.message === once && c.outcome === 'duplicate_in_batch')) {
      const before = { ...copy };
      copy.message = message;
      await this.run.batches.updateFile(copy.fileId, { errorMessage: message });
      this.changed({ result: before, patient: null }, { result: copy, patient: null }, true);
    }
    for (const row of this.earlier.values()) {
      if (row.contentSha256 !== sha || row.outcome !== 'duplicate_in_batch' || row.errorMessage !== once)
        continue;
      const before = resultFromRow(row);
      row.errorMessage = message;
      await this.run.batches.updateFile(row.id, { errorMessage: message });
      this.changed(
        { result: before, patient: null },
        { result: { ...before, message }, patient: null },
        false,
      );
    }
  }

  private changed(previous: ProcessedFile, next: ProcessedFile, reported: boolean): void {
    this.run.tally.replace(previous, next);
    this.run.listener({
      type: 'file_outcome_changed',
      previous: previous.result,
      result: next.result,
      reported,
      totals: this.run.tally.snapshot(),
    });
  }
}
