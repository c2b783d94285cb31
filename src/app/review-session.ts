import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { BatchFile } from '../db/schema.js';
import type { ContentCheckDetails } from '../core/content/types.js';
import { currentContentCheck, pendingEntryOf } from '../review/load-review-case.js';
import { reopenRejected, type ReopenResult } from '../review/reopen-rejected.js';
import { ReviewService } from '../review/review-service.js';
import { ReviewWalk, type ReviewTally, type ReviewWalkOptions } from './review-walk.js';
import { openSearchAdapters } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface ReviewSessionOptions {
  database: OpenDatabase;
  /** The backends the ingest used: settling a file stores its document where the others are. */
  backends: BackendConfig;
  /** Who decides, for the audit log. */
  reviewer: string;
  /** Only this session's files (all sessions' when absent). */
  sessionId?: string;
  /** `--collection`: overrides the collection each session recorded. */
  collection?: string;
  /** The walk's key guard and clock (tests). */
  walk?: ReviewWalkOptions;
}

/** One sitting of review: the files pending when it opened, walked one at a time. */
export interface ReviewSession {
  pending: BatchFile[];
  /** The state a UI shows and sends key actions to. */
  walk: ReviewWalk;
  /** Ends the sitting (undo no longer possible) and says what was decided and what is still pending. */
  close(): Promise<{ tally: ReviewTally; stillPending: number }>;
}

/** The files waiting for review (of one session, or all). */
export async function listPendingReviews(database: OpenDatabase, sessionId?: string): Promise<BatchFile[]> {
  return new ReviewService({ database, reviewer: '' }).listPending(sessionId);
}

/** Each file with what its document's text says, checked against the registry as it is now (`review --json`). */
export async function withContentNow(
  database: OpenDatabase,
  files: BatchFile[],
): Promise<{ file: BatchFile; content: ContentCheckDetails | null }[]> {
  const out = [];
  for (const file of files) out.push({ file, content: await currentContentCheck(database, file) });
  return out;
}

/** Opens a sitting over the files pending now; null when there are none. */
export async function openReviewSession(options: ReviewSessionOptions): Promise<ReviewSession | null> {
  const { database, backends } = options;
  const service = new ReviewService({
    database,
    reviewer: options.reviewer,
    openVectors: (collection) =>
      openSearchAdapters({ database, backends, collection: options.collection ?? collection }),
  });
  const pending = await service.listPending(options.sessionId);
  if (pending.length === 0) return null;
  const walk = new ReviewWalk(service, pending.map(pendingEntryOf), options.walk);
  const restoreLockWait = shortenLockWait(database);
  let closed = false;
  return {
    pending,
    walk,
    close: async () => {
      try {
        if (!closed) {
          closed = true;
          await service.close();
        }
        const stillPending = (await service.listPending(options.sessionId)).length;
        return { tally: walk.getState().tally, stillPending };
      } finally {
        restoreLockWait();
      }
    },
  };
}

/** How long one try of a review decision waits on a locked SQLite registry (see ReviewWalk's lock patience). */
export const REVIEW_LOCK_TRY_MS = 1000;

/**
 * better-sqlite3 waits for a lock synchronously: while it waits, nothing else runs, the screen and Ctrl-C
 * included. A sitting's tries wait a second each, and the walk tries again, saying what it waits for, for as
 * long as any other write would wait; whoever opened the connection (`review`, or `ingest` reviewing after
 * its run) gets its own wait back when the sitting closes.
 */
function shortenLockWait(database: OpenDatabase): () => void {
  const sqlite = database.sqlite;
  if (!sqlite) return () => undefined;
  const before = (sqlite.prepare('PRAGMA busy_timeout').get() as { timeout: number }).timeout;
  sqlite.exec(`PRAGMA busy_timeout = ${REVIEW_LOCK_TRY_MS}`);
  return () => sqlite.exec(`PRAGMA busy_timeout = ${before}`);
}

/** `review --reopen ID`: lifts a remembered rejection (see review/reopen-rejected). */
export async function reopenRejection(
  location: RegistryLocation,
  input: { id: string; reviewer: string },
): Promise<ReopenResult> {
  return withRegistry(location, (database) => reopenRejected(database, input));
}
