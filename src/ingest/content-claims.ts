import type { FileToProcess } from './file-processor.js';

/**
 * Which file of a session is the first with a given content: the others with the same bytes are
 * `duplicate_in_batch`, and the content is ingested once. A single run keeps this in memory; workers on
 * several machines keep it in the database (see queue/database-content-claims).
 */
export interface ContentClaims {
  /** Claims `contentSha256` for `file`; returns the relative path of the file that holds it, or null if this one does. */
  claim(contentSha256: string, file: FileToProcess): Promise<string | null>;
}

export class InMemoryContentClaims implements ContentClaims {
  private readonly holders = new Map<string, string>();

  async claim(contentSha256: string, file: FileToProcess): Promise<string | null> {
    const holder = this.holders.get(contentSha256);
    if (holder !== undefined) return holder;
    this.holders.set(contentSha256, file.relativePath);
    return null;
  }
}
