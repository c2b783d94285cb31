import { sql, type Kysely } from 'kysely';
import type { Database, RunLocksTable } from '../schema.js';

/** Who holds (or wants) a run lock: one row of `run_locks`. */
export type RunLockHolder = RunLocksTable;

/**
 * `run_locks`: one row per (source folder, database) being ingested, naming the run that holds it. On SQLite
 * the row is the lock (its primary key arbitrates a race); on PostgreSQL a session-level advisory lock is,
 * and the row only names the holder.
 */
export class RunLockRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the holder's row unless another holds the key; says whether it was inserted. */
  async tryInsert(holder: RunLockHolder): Promise<boolean> {
    const inserted = await this.db
      .insertInto('runLocks')
      .values(holder)
      .onConflict((oc) => oc.column('lockKey').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async findHolder(lockKey: string): Promise<RunLockHolder | undefined> {
    return this.db.selectFrom('runLocks').selectAll().where('lockKey', '=', lockKey).executeTakeFirst();
  }

  /** Deletes exactly this (stale) row: of two contenders taking it over, only one deletes it. */
  async deleteExactly(holder: Pick<RunLockHolder, 'lockKey' | 'pid' | 'startedAt'>): Promise<void> {
    await this.db
      .deleteFrom('runLocks')
      .where('lockKey', '=', holder.lockKey)
      .where('pid', '=', holder.pid)
      .where('startedAt', '=', holder.startedAt)
      .execute();
  }

  /** Deletes the row if this process still holds it. */
  async release(holder: Pick<RunLockHolder, 'lockKey' | 'pid' | 'host'>): Promise<void> {
    await this.db
      .deleteFrom('runLocks')
      .where('lockKey', '=', holder.lockKey)
      .where('pid', '=', holder.pid)
      .where('host', '=', holder.host)
      .execute();
  }

  /** Names the session the holder is running, for the message a second run prints. */
  async setSession(holder: Pick<RunLockHolder, 'lockKey' | 'pid' | 'host'>, sessionId: string): Promise<void> {
    await this.db
      .updateTable('runLocks')
      .set({ sessionId })
      .where('lockKey', '=', holder.lockKey)
      .where('pid', '=', holder.pid)
      .where('host', '=', holder.host)
      .execute();
  }

  /**
   * PostgreSQL: runs `work` holding a session-level advisory lock on one connection, kept out of the pool
   * for the whole run, so that the server releases the lock when a killed run's connection drops. The
   * holder's row is written beside it. Returns `{ acquired: false }` at once when another session holds it.
   */
  async withAdvisoryLock<T>(
    holder: RunLockHolder,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const [high, low] = advisoryKeys(holder.lockKey);
    return this.db.connection().execute(async (connection) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${high}, ${low}) as locked`.execute(connection);
      if (!rows[0]?.locked) return { acquired: false };
      try {
        await connection
          .insertInto('runLocks')
          .values(holder)
          .onConflict((oc) =>
            oc
              .column('lockKey')
              .doUpdateSet({ pid: holder.pid, host: holder.host, sessionId: null, startedAt: holder.startedAt }),
          )
          .execute();
        return { acquired: true, value: await work() };
      } finally {
        await connection
          .deleteFrom('runLocks')
          .where('lockKey', '=', holder.lockKey)
          .execute()
          .catch(() => undefined);
        await sql`select pg_advisory_unlock(${high}, ${low})`.execute(connection).catch(() => undefined);
      }
    });
  }
}

function advisoryKeys(lockKey: string): [number, number] {
  return [parseInt(lockKey.slice(0, 8), 16) | 0, parseInt(lockKey.slice(8, 16), 16) | 0];
}
