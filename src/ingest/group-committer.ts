import { collectionsListedOnce } from '../documents/remove-copies-elsewhere.js';
import { writeFiles, type FileWrite } from '../documents/store-document.js';
import type { StoreDocumentDependencies, WriteDependencies } from '../documents/store-document.js';
import { writesStopped } from '../db/storage-errors.js';
import { serviceDown } from '../db/connection-loss.js';
import type { ServiceUnavailableError } from '../errors.js';

export interface GroupCommitterOptions {
  /** Files per group: a group is written as soon as it has this many. */
  maxFiles: number;
  /** How long the first file of a group waits for others before the group is written anyway. */
  maxDelayMs: number;
}

interface Waiting {
  write: FileWrite;
  resolve: (storeMs: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes the files of a run in groups ("group commit"): one vector-store call and one database transaction
 * for many files instead of one of each per file. Per-file writes cost the main thread more than anything
 * but extraction (a commit, a WAL append and kysely's query building each); grouped, they are shared.
 *
 * `write` resolves only once the file's group is committed, so nothing is reported before it is stored, and
 * a kill loses at most the uncommitted group, which the re-run processes again. Groups are written one
 * after another, in the order their files arrived.
 *
 * A group that fails is written again file by file, so that one bad file (a record the vector store
 * refuses) fails alone: its `write` rejects with FileStageError('vector_store_failed') and the others go on. A database error
 * rejects as it is (a PostgreSQL connection lost in a restart is tried again file by file, on new connections),
 * and so does a backend that is down (a ServiceUnavailableError, or the database's storage refusing writes: a
 * full or failing disk, a lock another program keeps), for this group and every later one, without trying each
 * file again: the run stops, and the files not written wait for the next one.
 */
export class GroupCommitter {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<void> = Promise.resolve();
  private uncommitted = 0;
  /** Set once a write found a backend down: every later write fails with it without trying again. */
  private down: ServiceUnavailableError | null = null;

  private readonly deps: WriteDependencies;

  constructor(
    deps: Pick<StoreDocumentDependencies, 'database' | 'vectorStore'>,
    private readonly options: GroupCommitterOptions,
  ) {
    // The store's collections are listed once for the run, not once per group of re-ingested files.
    this.deps = deps.vectorStore ? { ...deps, collections: collectionsListedOnce(deps.vectorStore) } : deps;
  }

  /** Files handed to `write` and not yet committed (or failed): what the caller holds in memory for it. */
  get backlog(): number {
    return this.uncommitted;
  }

  /** Resolves, once the file is committed, with its share of the group's write time in milliseconds. */
  write(write: FileWrite): Promise<number> {
    this.uncommitted++;
    return new Promise<number>((resolve, reject) => {
      const settle = () => this.uncommitted--;
      this.waiting.push({
        write,
        resolve: (ms) => {
          settle();
          resolve(ms);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      if (this.waiting.length >= this.options.maxFiles) this.startGroup();
      else this.timer ??= setTimeout(() => this.startGroup(), this.options.maxDelayMs);
    });
  }

  /**
   * Writes try again after a backend was down: for a worker, which pauses and goes on with the same session
   * where a run stops. Without it, every later write of the session failed with the outage, for good.
   */
  resume(): void {
    this.down = null;
  }

  /** Writes whatever is waiting, and resolves when every group so far is committed. */
  async flush(): Promise<void> {
    this.startGroup();
    await this.tail;
  }

  private startGroup(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiting.length === 0) return;
    const group = this.waiting;
    this.waiting = [];
    this.tail = this.tail.then(() => this.commit(group));
  }

  private stopping(error: unknown): ServiceUnavailableError | null {
    return writesStopped(error, this.deps.database.target);
  }

  private async commit(group: Waiting[]): Promise<void> {
    const started = performance.now();
    if (this.down) {
      for (const waiting of group) waiting.reject(this.down);
      return;
    }
    try {
      await writeFiles(
        this.deps,
        group.map((w) => w.write),
      );
      const share = (performance.now() - started) / group.length;
      for (const waiting of group) waiting.resolve(share);
      return;
    } catch (error) {
      // A backend that is down would refuse each file again (or make each wait out its timeout).
      this.down = this.stopping(error);
      if (group.length === 1 || this.down) {
        for (const waiting of group) waiting.reject(this.down ?? error);
        return;
      }
    }
    // Written again one by one, each file alone tells whether (and which) a single one was refused.
    for (const waiting of group) {
      if (this.down) {
        waiting.reject(this.down);
        continue;
      }
      const alone = performance.now();
      try {
        await writeFiles(this.deps, [waiting.write]);
        waiting.resolve(performance.now() - alone);
      } catch (error) {
        // A PostgreSQL connection lost again, on a new connection: the server is away, not restarting; each
        // file would wait out the connect timeout in turn (32 × 10 s) before the run could stop.
        this.down = this.stopping(error) ?? serviceDown(error, this.deps.database);
        waiting.reject(this.down ?? error);
      }
    }
  }
}
