import { FILE_OUTCOMES, outcomeKind, type FileOutcome } from '../core/pipeline/file-outcome.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { SettledFileRepository } from '../db/repositories/settled-file-repository.js';
import type { BatchFile, SettledFile } from '../db/schema.js';
import { readSessionOptions } from '../db/session-options.js';
import type { Settled } from './file-run.js';
import type { FileToProcess } from './file-processor.js';
import { alreadyIngestedMessage, type MessageClient } from '../core/pipeline/already-ingested.js';
import { formatLocalTimestamp } from '../core/text/local-timestamp.js';
import { settleWaitingReviewAdvice } from '../core/pipeline/client-advice.js';

/**
 * Failures that are the file's own: the same bytes fail the same way on every run, so an unchanged file
 * is not extracted again to learn it (a folder of scans would otherwise take the --max-files window
 * every night). A failure a re-run may fix (a timeout, a backend down) is always tried again.
 */
const INTRINSIC_FAILURES: ReadonlySet<FileOutcome> = new Set<FileOutcome>([
  'encrypted',
  'corrupt',
  'image_only',
]);

/** Final states worth remembering a file by: settled without work (done, waiting for review) or intrinsic. */
export function isRemembered(outcome: FileOutcome): boolean {
  const kind = outcomeKind(outcome);
  return kind === 'done' || kind === 'review' || INTRINSIC_FAILURES.has(outcome);
}

/** A file settled from what is remembered of it, without reading it. */
export interface KnownFile {
  file: FileToProcess;
  settled: Settled;
  contentSha256: string;
}

/** Whether the file is as it was when a run settled it: the same size and modification time. */
export function unchangedSince(
  memory: Pick<SettledFile, 'size' | 'mtimeMs'>,
  file: Pick<FileToProcess, 'size' | 'mtimeMs'>,
): boolean {
  return memory.size === file.size && memory.mtimeMs === file.mtimeMs;
}

/**
 * Splits a run's files into those settled from what is known of them — unchanged (same path, size and
 * modification time) since a run settled them, their content now ingested, waiting for review, or failed
 * for a reason of its own — and those that need work. The known ones are never read: a folder's files
 * already done cost a stat and a lookup each, and take no place in the --max-files window.
 */
export async function settleKnownFiles(
  database: OpenDatabase,
  sourceDir: string,
  files: FileToProcess[],
  run: { ocrReadsScans: boolean; client?: MessageClient } = { ocrReadsScans: false },
): Promise<{ known: KnownFile[]; work: FileToProcess[] }> {
  const remembered = await new SettledFileRepository(database.db).lookup(
    sourceDir,
    files.map((file) => file.relativePath),
  );
  const unchanged = files.flatMap((file) => {
    const memory = remembered.get(file.relativePath);
    return memory && !file.outsideSource && unchangedSince(memory, file) ? [{ file, memory }] : [];
  });
  const shas = [...new Set(unchanged.map(({ memory }) => memory.contentSha256))];
  const [documents, waiting] = await Promise.all([
    new DocumentRepository(database.db).findByShas(shas),
    new BatchRepository(database.db).pendingReviewsBySha(shas),
  ]);
  const scansNotOcrd = run.ocrReadsScans
    ? await sessionsWithoutOcr(
        database,
        unchanged.map(({ memory }) => memory),
      )
    : new Set<string>();
  const known: KnownFile[] = [];
  const settledIds = new Set<string>();
  for (const { file, memory } of unchanged) {
    const since = `unchanged since ${formatLocalTimestamp(memory.settledAt, 'en', 'date')}; not read again`;
    const sha = memory.contentSha256;
    const document = documents.get(sha);
    const review = waiting.get(sha);
    let settled: Settled | null = null;
    if (document) {
      settled = {
        outcome: 'duplicate',
        message: alreadyIngestedMessage(document, run.client ?? 'cli', since),
      };
    } else if (review && review.id !== file.fileId) {
      settled = alreadyWaitingForReview(review, run.client ?? 'cli', since);
    } else if (
      isOutcome(memory.outcome) &&
      INTRINSIC_FAILURES.has(memory.outcome) &&
      // A scan that failed image_only with OCR off is this run's to OCR: the same bytes no longer fail.
      !(memory.outcome === 'image_only' && memory.batchId !== null && scansNotOcrd.has(memory.batchId))
    ) {
      settled = {
        outcome: memory.outcome,
        message: `${memory.errorMessage ?? FILE_OUTCOMES[memory.outcome].label} (${since})`,
      };
    }
    if (settled) {
      known.push({ file, settled, contentSha256: sha });
      settledIds.add(file.fileId);
    }
  }
  return { known, work: files.filter((file) => !settledIds.has(file.fileId)) };
}

/** The sessions, among those that settled image_only files, that ran with OCR off (or recorded no OCR). */
async function sessionsWithoutOcr(database: OpenDatabase, memories: SettledFile[]): Promise<Set<string>> {
  const ids = [
    ...new Set(
      memories.flatMap((m) => (m.outcome === 'image_only' && m.batchId !== null ? [m.batchId] : [])),
    ),
  ];
  const batches = new BatchRepository(database.db);
  const without = new Set<string>();
  for (const id of ids) {
    const session = await batches.findSession(id);
    const ocr = session ? readSessionOptions(session.optionsJson).ocr : null;
    if (!ocr || ocr.mode === 'off') without.add(id);
  }
  return without;
}

function isOutcome(value: string): value is FileOutcome {
  return Object.hasOwn(FILE_OUTCOMES, value);
}

/**
 * A copy of a file already waiting for review is not queued twice; it names the session that holds the
 * review, and `review` of this run's session walks it too (BatchRepository.pendingReviewsHeldBy).
 */
export function alreadyWaitingForReview(
  waiting: Pick<BatchFile, 'id' | 'filename' | 'batchId'>,
  client: MessageClient,
  since?: string,
): Settled {
  return {
    outcome: 'already_pending_review',
    message:
      `the same content ('${waiting.filename}') is already waiting for review in session ${waiting.batchId.slice(0, 8)}` +
      `${since ? ` (${since})` : ''}; ${settleWaitingReviewAdvice({ sessionId: waiting.batchId, fileId: waiting.id }, client)}`,
  };
}
