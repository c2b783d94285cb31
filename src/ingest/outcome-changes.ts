import type { FileResult } from '../core/pipeline/events.js';
import type { BatchRepository } from '../db/repositories/batch-repository.js';
import type { BatchFile } from '../db/schema.js';
import { ingestedOnceMessage, isTakenBack, takenBackWithMessage } from './file-processor.js';
import { resultFromRow, takenBackResult, takenBackRow } from './recorded-result.js';
import type { Run, RunPlan } from './run-ingest.js';
import type { ProcessedFile, TakenBack } from './session-tally.js';

/** A copy whose detail followed its holder into review: as it was reported, and as its row says now. */
export interface CopyRewritten {
  previous: FileResult;
  copy: FileResult;
}

/**
 * The copies among `copies` that say their content was ingested once by `holder`, now that `holder` was
 * taken back into review: their rows say they share that review instead. Each `copy` given is rewritten in
 * place and returned with its previous state. A row another process rewrote first (a worker beside this
 * one) is left to it, so that only one of them reports the change.
 */
export async function shareTakenBackReview(
  batches: Pick<BatchRepository, 'rewriteMessage'>,
  holder: string,
  copies: Iterable<FileResult>,
): Promise<CopyRewritten[]> {
  const once = ingestedOnceMessage(holder);
  const message = takenBackWithMessage(holder);
  const rewritten: CopyRewritten[] = [];
  for (const copy of copies) {
    if (copy.outcome !== 'duplicate_in_batch' || copy.message !== once) continue;
    if (!(await batches.rewriteMessage(copy.fileId, once, message))) continue;
    rewritten.push({ previous: { ...copy }, copy: Object.assign(copy, { message }) });
  }
  return rewritten;
}

/**
 * A copy just written "ingested once" by a worker, as its row must say: the holder may have been taken back
 * by another worker after this one read it and before this copy's row was written, and that worker's
 * rewrite of the copies (shareTakenBackReview) ran before this row existed. Read after the write, the
 * holder's row shows any take-back whose rewrite missed the copy: either that rewrite saw this row, or this
 * read sees the take-back.
 */
export async function followHolderAfterWrite(
  batches: Pick<BatchRepository, 'rewriteMessage' | 'findFileByPath'>,
  sessionId: string,
  result: FileResult,
  holder: string,
): Promise<FileResult> {
  const once = ingestedOnceMessage(holder);
  if (result.outcome !== 'duplicate_in_batch' || result.message !== once) return result;
  const holderRow = await batches.findFileByPath(sessionId, holder);
  if (!holderRow || !isTakenBack(holderRow)) return result;
  const message = takenBackWithMessage(holder);
  // Whether this worker or the one that took it back rewrites the row, it says this now.
  await batches.rewriteMessage(result.fileId, once, message);
  return { ...result, message };
}

/**
 * A finished file as its row records it now: an ingested file that a copy took back into review before the
 * file was reported (`takenBack`: such files, by id) is reported waiting for review. The same result when
 * nothing changed it.
 */
export function asRecorded(
  result: FileResult,
  takenBack: ReadonlyMap<string, Pick<TakenBack, 'message'>>,
): FileResult {
  const back = takenBack.get(result.fileId);
  return back && result.outcome === 'ingested' ? takenBackResult(result, back.message) : result;
}

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
    const recorded = asRecorded(result, this.takenBack);
    let rewritten: string | null = null;
    if (recorded !== result) {
      // Its copy reported first: the file is reported as its row now records it. The patient it created
      // stays (and counts); the one it matched is no longer its.
      Object.assign(result, recorded);
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
      if (earlierRow) Object.assign(earlierRow, takenBackRow(taken.message));
      this.changed(
        previous,
        { result: next, patient: previous.patient === 'created' ? 'created' : null },
        reported,
      );
    }
    if (!sha) return;
    // The copies this run reported, then those an earlier run of the session settled.
    const copies = this.copiesIngestedOnce.get(sha) ?? [];
    this.copiesIngestedOnce.delete(sha);
    for (const { previous, copy } of await shareTakenBackReview(
      this.run.batches,
      taken.relativePath,
      copies,
    )) {
      this.changed({ result: previous, patient: null }, { result: copy, patient: null }, true);
    }
    const earlierCopies = [...this.earlier.values()]
      .filter((row) => row.contentSha256 === sha)
      .map(resultFromRow);
    for (const { previous, copy } of await shareTakenBackReview(
      this.run.batches,
      taken.relativePath,
      earlierCopies,
    )) {
      this.earlier.get(copy.fileId)!.errorMessage = copy.message;
      this.changed({ result: previous, patient: null }, { result: copy, patient: null }, false);
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
