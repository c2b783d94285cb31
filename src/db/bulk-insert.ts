import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { SqliteHandle } from './open-database.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Keeps every statement under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const ROWS_PER_STATEMENT = 500;

/**
 * Inserts many rows (snake_case columns), skipping rows that conflict on `conflictColumns`.
 * On SQLite it reuses one prepared statement per table through the raw handle — the same
 * connection and transaction kysely is using — which is what makes a million-row import take
 * seconds rather than minutes (kysely would build and prepare a new statement per batch). The
 * SQL is plain `INSERT … ON CONFLICT DO NOTHING`, which PostgreSQL runs the same through kysely.
 */
export async function insertIgnoringConflicts<T extends keyof Database & string>(
  db: Db,
  sqlite: SqliteHandle | null,
  table: { name: T; sqlName: string; columns: readonly string[]; conflictColumns: readonly string[] },
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  if (sqlite) {
    const statement = preparedInsert(sqlite, table.sqlName, table.columns, table.conflictColumns);
    const keys = table.columns.map(toCamel);
    for (const row of rows) statement.run(...keys.map((key) => row[key] ?? null));
    return;
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto(table.name)
      .values(rows.slice(i, i + ROWS_PER_STATEMENT) as never)
      .onConflict((oc) => oc.columns(table.conflictColumns.map(toCamel) as never).doNothing())
      .execute();
  }
}

const statements = new WeakMap<SqliteHandle, Map<string, ReturnType<SqliteHandle['prepare']>>>();

function preparedInsert(
  sqlite: SqliteHandle,
  table: string,
  columns: readonly string[],
  conflictColumns: readonly string[],
): ReturnType<SqliteHandle['prepare']> {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  const sql =
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${conflictColumns.join(', ')}) DO NOTHING`;
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = sqlite.prepare(sql)));
  return statement;
}

function toCamel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
