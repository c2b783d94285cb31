/**
 * The subset of a better-sqlite3 database that the sqlite-vec store needs. Structural, so that neither the
 * driver's types nor a second copy of the driver leak into this module; an open `Database` satisfies it.
 */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  /**
   * Wraps `fn` in a transaction (a savepoint when one is already open). Its `immediate` variant takes the
   * write lock first: a transaction that reads before it writes, begun plainly, cannot wait for another
   * process's write (SQLite refuses it at once as locked).
   */
  transaction<T>(fn: () => T): { (): T; immediate(): T };
  loadExtension(path: string, entryPoint?: string): unknown;
}

export interface SqliteStatement {
  /** better-sqlite3 returns `{ changes, lastInsertRowid }`; typed loosely so that narrower handles fit. */
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
