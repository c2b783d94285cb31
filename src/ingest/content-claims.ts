import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import type { FileToProcess } from './file-processor.js';

/** How the file holding a content ended: its final outcome and message. */
export interface HolderEnd {
  outcome: FileOutcome;
  message: string | null;
  /**
   * Since taken back into review by a copy naming another patient (read from its row: by another worker,
   * or an earlier run); its copies then share that review.
   */
  takenBack?: boolean;
}

/**
 * Which file of a session is the first with a given content: the others with the same bytes wait for its
 * end, and share it — `duplicate_in_batch` when it was ingested (or is waiting for review, or already
 * known), its very outcome when it failed, so that a copy of content this run could not ingest is never
 * reported done. The content is worked on once. A single run keeps this in memory; workers on several
 * machines keep it in the database (see queue/database-content-claims).
 */
export interface ContentClaims {
  /** Claims `contentSha256` for `file`; returns the relative path of the file that holds it, or null if this one does. */
  claim(contentSha256: string, file: FileToProcess): Promise<string | null>;
  /**
   * How the holder of `contentSha256` (`holder`, as `claim` named it) ended, once it has: waits for it.
   * `readHolder` reads the holder's final state as its row records it (null while it has none). Resolves
   * null when the holder will not end in this run (it stopped unfinished: a backend down, the database gone).
   */
  holderEnd(
    contentSha256: string,
    holder: string,
    readHolder: () => Promise<HolderEnd | null>,
  ): Promise<HolderEnd | null>;
  /** Told by the steps when `file` ended (null: unfinished); nothing unless it holds `contentSha256`. */
  ended(contentSha256: string, file: FileToProcess, end: HolderEnd | null): void;
}

interface Holder {
  fileId: string;
  relativePath: string;
  end: Promise<HolderEnd | null>;
  resolve: (end: HolderEnd | null) => void;
}

/** The holders of a single run: the holder runs in this process, which hears of its end at once. */
export class InMemoryContentClaims implements ContentClaims {
  private readonly holders = new Map<string, Holder>();

  async claim(contentSha256: string, file: FileToProcess): Promise<string | null> {
    const holder = this.holders.get(contentSha256);
    if (holder !== undefined) return holder.fileId === file.fileId ? null : holder.relativePath;
    let resolve!: (end: HolderEnd | null) => void;
    const end = new Promise<HolderEnd | null>((r) => (resolve = r));
    this.holders.set(contentSha256, { fileId: file.fileId, relativePath: file.relativePath, end, resolve });
    return null;
  }

  holderEnd(contentSha256: string): Promise<HolderEnd | null> {
    return this.holders.get(contentSha256)?.end ?? Promise.resolve(null);
  }

  ended(contentSha256: string, file: FileToProcess, end: HolderEnd | null): void {
    const holder = this.holders.get(contentSha256);
    if (holder?.fileId === file.fileId) holder.resolve(end);
  }
}
