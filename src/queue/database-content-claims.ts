import type { QueueRepository } from '../db/repositories/queue-repository.js';
import type { ContentClaims } from '../ingest/content-claims.js';
import type { FileToProcess } from '../ingest/file-processor.js';

/**
 * Content claims kept in the database, so that workers on several machines agree on which file of a
 * session is the first with a content: it is ingested, the others are `duplicate_in_batch`. A worker that
 * dies after claiming leaves the claim to its file, whose retried job finds it its own.
 */
export class DatabaseContentClaims implements ContentClaims {
  constructor(
    private readonly repository: QueueRepository,
    private readonly sessionId: string,
  ) {}

  claim(contentSha256: string, file: FileToProcess): Promise<string | null> {
    return this.repository.claimContent(this.sessionId, contentSha256, file);
  }
}
