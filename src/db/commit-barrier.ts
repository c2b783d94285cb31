import fs from 'node:fs';

/**
 * Makes the SQLite commits made so far survive an OS crash or a power cut, for the moments that need it:
 * before a file leaves the drop folder for the archive or the quarantine.
 *
 * The registry runs with `synchronous = NORMAL` in WAL mode: a commit is written to the -wal file but only
 * synced at checkpoints, which is durable across a kill of the process, not across an OS crash. For most
 * writes that is the right price (a lost commit is redone by the next run). A file moved out of the drop
 * folder is different: if the move reached the disk and the commit that recorded the file did not, the
 * next run no longer sees the file and the registry never had it. Syncing the -wal file (fdatasync) before
 * the move closes that window at the cost of one sync, and concurrent callers share one: the moves of a
 * committed group wait for a single sync, not one each (`synchronous = FULL` would sync every commit).
 */
export class CommitBarrier {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly syncCommits: () => Promise<void>) {}

  /** Resolves once every commit made before the call is on disk. */
  wait(): Promise<void> {
    if (!this.running) return this.start();
    // The sync under way may have begun before the caller's commit: one more after it covers every caller
    // that arrives meanwhile.
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<void> {
    const running = this.syncCommits().finally(() => {
      if (this.running === running) this.running = null;
    });
    this.running = running;
    return running;
  }
}

/** Syncs a SQLite database's -wal file: its committed transactions that are not checkpointed yet. */
export function syncWriteAheadLog(databaseFile: string): () => Promise<void> {
  return async () => {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(`${databaseFile}-wal`, 'r');
    } catch (error) {
      // No -wal file: every commit is checkpointed into the database file, which the checkpoint synced.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  };
}
