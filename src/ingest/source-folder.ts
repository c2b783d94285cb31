import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import { ServiceUnavailableError } from '../errors.js';

/**
 * The folder a run reads, as it was when the run started. Unmounted (the mount point left behind is another
 * folder, on another device), moved away or deleted since, every file left would fail as "disappeared" and a
 * night's folder would end as hundreds of failures; the run stops instead, as for a backend that went down,
 * and its files not done stay pending for the next run.
 */
export class SourceFolder {
  private readonly identity: string | null;

  constructor(readonly dir: string) {
    let identity: string | null = null;
    try {
      identity = identityOf(fsSync.statSync(dir));
    } catch {
      // Not there to begin with: the walk has said so already; nothing to compare against.
    }
    this.identity = identity;
  }

  /** Throws ServiceUnavailableError (exit 69) when the folder is no longer the one the run started in. */
  async refuseGone(): Promise<void> {
    if (this.identity === null) return;
    const now = await fs.stat(this.dir).then(identityOf, () => null);
    if (now === this.identity) return;
    throw new ServiceUnavailableError(
      `the folder ${this.dir} is no longer there (unmounted, moved or deleted during the run)`,
      'mount or restore the folder, then run the same command again: the files not done are taken then',
    );
  }
}

function identityOf(stat: fsSync.Stats): string {
  return `${stat.dev}:${stat.ino}`;
}
