import { sql, type Kysely } from 'kysely';
import type { DedicatedConnection } from '../open-database.js';
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

  /** Every row: the runs going on (or left behind) on any folder of this database. */
  async listHolders(): Promise<RunLockHolder[]> {
    return this.db.selectFrom('runLocks').selectAll().execute();
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
  async setSession(
    holder: Pick<RunLockHolder, 'lockKey' | 'pid' | 'host'>,
    sessionId: string,
  ): Promise<void> {
    await this.db
      .updateTable('runLocks')
      .set({ sessionId })
      .where('lockKey', '=', holder.lockKey)
      .where('pid', '=', holder.pid)
      .where('host', '=', holder.host)
      .execute();
  }

  /** PostgreSQL: writes the holder's row beside the advisory lock (the row only names the holder). */
  async upsertHolder(holder: RunLockHolder): Promise<void> {
    await this.db
      .insertInto('runLocks')
      .values(holder)
      .onConflict((oc) =>
        oc
          .column('lockKey')
          .doUpdateSet({ pid: holder.pid, host: holder.host, sessionId: null, startedAt: holder.startedAt }),
      )
      .execute();
  }
}

/**
 * PostgreSQL's session-level advisory lock for a run: taken on a connection of its own, outside the pool,
 * held for the whole run, so that the server releases it when a killed run's connection drops.
 */
export const advisoryLock = {
  /** Takes the lock on `connection` unless another session holds it; says whether it did. */
  async tryTake(connection: DedicatedConnection, lockKey: string): Promise<boolean> {
    // The connection idles by design for the whole run: a server-wide idle_session_timeout (PostgreSQL 14+)
    // would end it, and the lock with it, while the run goes on. (An older server has no such setting.)
    await connection.query('set idle_session_timeout = 0').catch(() => undefined);
    const [row] = await connection.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1, $2) as locked',
      advisoryKeys(lockKey),
    );
    return row?.locked === true;
  },

  async release(connection: DedicatedConnection, lockKey: string): Promise<void> {
    await connection.query('select pg_advisory_unlock($1, $2)', advisoryKeys(lockKey));
  },

  /**
   * Whether any session of this database holds the lock, read from `pg_locks`: taking the lock to find out
   * (as a run does) would, for that instant, refuse a run starting on the folder with exit 75.
   */
  async isHeld(db: Kysely<Database>, lockKey: string): Promise<boolean> {
    const [key1, key2] = advisoryKeys(lockKey);
    // A two-key advisory lock is listed with its keys (as oids) in classid and objid, and objsubid 2.
    const { rows } = await sql<{ held: boolean }>`
      select exists (
        select 1 from pg_locks
         where locktype = 'advisory' and granted and objsubid = 2
           and database = (select oid from pg_database where datname = current_database())
           and classid = (${key1}::int4)::oid and objid = (${key2}::int4)::oid
      ) as held`.execute(db);
    return rows[0]?.held === true;
  },
};

function advisoryKeys(lockKey: string): [number, number] {
  return [parseInt(lockKey.slice(0, 8), 16) | 0, parseInt(lockKey.slice(8, 16), 16) | 0];
}
