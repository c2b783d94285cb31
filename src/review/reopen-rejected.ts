import { isIdPrefix } from '../core/text/id-prefix.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import type { OpenDatabase } from '../db/open-database.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { RejectionRepository } from '../db/repositories/rejection-repository.js';
import { ReviewRepository } from '../db/repositories/review-repository.js';
import type { BatchFile, RejectedContent } from '../db/schema.js';
import { UsageError } from '../errors.js';

export interface ReopenResult {
  contentSha256: string;
  filename: string;
  /** The file now waiting for review again; null when its row or text is gone (the next ingest takes it). */
  fileId: string | null;
  sessionId: string | null;
}

/**
 * `review --reopen ID`: lifts a rejection. ID is a rejected file's id (as `status --files` and the
 * rejection message print it) or the first characters of the content hash (as a later run's message
 * prints it). When the rejected file's row still holds its text, it waits for review again at once, in
 * its session; otherwise the rejection is lifted and the next ingest of its folder reviews it.
 */
export async function reopenRejected(
  database: OpenDatabase,
  input: { id: string; reviewer: string },
): Promise<ReopenResult> {
  const batches = new BatchRepository(database.db);
  const rejections = new RejectionRepository(database.db);
  const id = input.id.trim();
  if (!isIdPrefix(id)) {
    throw new UsageError(
      `'${sanitizeForTerminal(id)}' is not a file id or content hash`,
      '`tecsalud-batch status SESSION --files` lists rejected files; a later run names the content hash',
    );
  }
  if (id.length < 4) throw new UsageError('give at least 4 characters of the file id or content hash');
  const files = (await batches.findFilesByIdPrefix(id)).filter((f) => f.matchingStatus === 'rejected');
  let rejection: RejectedContent | undefined;
  let file: BatchFile | undefined;
  if (files.length > 1)
    throw new UsageError(`'${sanitizeForTerminal(id)}' matches several files`, 'give more of the id');
  if (files.length === 1) {
    file = files[0]!;
    rejection = file.contentSha256 ? await rejections.find(file.contentSha256) : undefined;
  } else {
    const found = await rejections.findByPrefix(id.toLowerCase());
    if (found.length > 1) {
      throw new UsageError(
        `'${sanitizeForTerminal(id)}' matches several rejected contents`,
        'give more of the hash',
      );
    }
    rejection = found[0];
    const original = rejection?.batchFileId ? await batches.findFile(rejection.batchFileId) : undefined;
    if (original?.matchingStatus === 'rejected') file = original;
  }
  if (!rejection && !file) {
    const notRejected = (await batches.findFilesByIdPrefix(id)).filter(
      (f) => f.matchingStatus !== 'rejected',
    );
    if (notRejected.length === 1) throw notRejectedError(notRejected[0]!);
    // The whole content hash (as a later run's message names it) of a file reopened already.
    const waiting = /^[0-9a-f]{64}$/i.test(id)
      ? await batches.findPendingReviewBySha(id.toLowerCase())
      : undefined;
    if (waiting) throw notRejectedError(waiting);
    throw new UsageError(
      `no rejected file or content '${sanitizeForTerminal(id)}'`,
      '`tecsalud-batch status SESSION --files` lists rejected files; a later run names the content hash',
    );
  }
  const contentSha256 = rejection?.contentSha256 ?? file!.contentSha256 ?? '';
  const back = file && file.extractedText && file.contentSha256 ? file : null;
  await new ReviewRepository(database.db).reopen({
    contentSha256,
    file: back
      ? {
          id: back.id,
          batchId: back.batchId,
          note: `reopened by ${input.reviewer}: waiting for review again`,
        }
      : null,
    audit: {
      actor: input.reviewer,
      actorKind: 'reviewer',
      action: back ? 'review_reopened' : 'rejection_lifted',
      sessionId: back?.batchId ?? rejection?.sessionId ?? null,
      fileId: back?.id ?? rejection?.batchFileId ?? null,
      entityType: 'batch_file',
      entityId: back?.id ?? rejection?.batchFileId ?? null,
      details: {
        content_sha256: contentSha256,
        filename: file?.filename ?? rejection?.filename ?? null,
        rejected_by: rejection?.rejectedBy ?? null,
        rejected_at: rejection?.rejectedAt ?? null,
      },
    },
  });
  return {
    contentSha256,
    filename: file?.filename ?? rejection?.filename ?? '',
    fileId: back?.id ?? null,
    sessionId: back?.batchId ?? null,
  };
}

/** A file id that names a file with no rejection to lift: reopened already, or never rejected. */
function notRejectedError(file: BatchFile): UsageError {
  const name = sanitizeForTerminal(file.filename);
  if (file.matchingStatus === 'review_required' || file.matchingStatus === 'pending') {
    return new UsageError(
      `'${name}' is not rejected: it already waits for review (session ${file.batchId}); nothing to reopen`,
      `review it with \`tecsalud-batch review ${file.batchId.slice(0, 8)}\``,
    );
  }
  return new UsageError(
    `'${name}' was not rejected: its review ended with '${file.matchingStatus}'; nothing to reopen`,
    '`tecsalud-batch documents move ID --to EXPEDIENTE` or `documents detach ID` change where its document is attached',
  );
}
