import { DEFAULT_JOB_TIMEOUT_SECONDS } from '../core/queue/defaults.js';
import type { QueueRepository } from '../db/repositories/queue-repository.js';
import type { ContentClaims, HolderEnd } from '../ingest/content-claims.js';
import type { FileToProcess } from '../ingest/file-processor.js';

/** How often a copy looks at its holder's row while the holder is still being worked on (growing to the last). */
const POLL_MS = [100, 250, 500, 1000, 2000];
/**
 * How long a copy waits at most: as long as a job may run. Past it, the copy's attempt fails (the holder's
 * worker may be gone, its job not yet handed on) and its job is retried later, when the holder may have ended.
 */
const MAX_WAIT_MS = DEFAULT_JOB_TIMEOUT_SECONDS * 1000;

/**
 * Content claims kept in the database, so that workers on several machines agree on which file of a
 * session is the first with a content: it is worked on, the others wait for its row to say how it ended
 * and share that end (see ContentClaims). A worker that dies after claiming leaves the claim to its file,
 * whose retried job finds it its own — and ends it, which the copies see.
 */
export class DatabaseContentClaims implements ContentClaims {
  constructor(
    private readonly repository: QueueRepository,
    private readonly sessionId: string,
    private readonly maxWaitMs = MAX_WAIT_MS,
  ) {}

  claim(contentSha256: string, file: FileToProcess): Promise<string | null> {
    return this.repository.claimContent(this.sessionId, contentSha256, file);
  }

  /** The holder may be on another machine: its row is the only word on its end, read until it has one. */
  async holderEnd(
    _contentSha256: string,
    holder: string,
    readHolder: () => Promise<HolderEnd | null>,
  ): Promise<HolderEnd | null> {
    const deadline = performance.now() + this.maxWaitMs;
    for (let attempt = 0; ; attempt++) {
      const end = await readHolder();
      if (end) return end;
      if (performance.now() >= deadline) {
        throw new Error(
          `the file with identical content, '${holder}', has not ended yet; this file waits for it`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(attempt, POLL_MS.length - 1)]));
    }
  }

  /** The holder's row says it: nothing to keep here. */
  ended(): void {}
}
