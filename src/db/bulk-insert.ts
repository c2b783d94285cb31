import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { SqliteHandle } from './open-database.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Keeps every statement under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const ROWS_PER_STATEMENT = 500;

interface BulkTable<T extends keyof Database & string> {
  name: T;
  sqlName: string;
  columns: readonly string[];
  conflictColumns: readonly string[];
}

/**
 * Inserts many rows (camelCase keys), skipping rows that conflict on `conflictColumns`, and says how many
 * were inserted: plain `INSERT … ON CONFLICT DO NOTHING` through kysely, which every database runs.
 */
export async function insertIgnoringConflicts<T extends keyof Database & string>(
  db: Db,
  table: BulkTable<T>,
  rows: readonly object[],
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const [result] = await db
      .insertInto(table.name)
      .values(rows.slice(i, i + ROWS_PER_STATEMENT) as never)
      .onConflict((oc) => oc.columns(table.conflictColumns.map(toCamel) as never).doNothing())
      .execute();
    inserted += Number(result?.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/**
 * The same on SQLite through the raw handle — the same connection and transaction kysely is using —
 * reusing one prepared statement per table and row count: that is what makes a million-row import take
 * seconds rather than minutes (kysely would build and prepare a new statement per batch).
 */
export function sqliteInsertIgnoringConflicts<T extends keyof Database & string>(
  sqlite: SqliteHandle,
  table: BulkTable<T>,
  rows: readonly object[],
): number {
  let inserted = 0;
  // Many rows per statement: better-sqlite3's per-call cost, not SQLite's, dominated one row per call.
  const keys = table.columns.map(toCamel);
  const perStatement = Math.max(1, Math.floor(MAX_SQLITE_PARAMETERS / keys.length));
  const params: unknown[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const count = Math.min(perStatement, rows.length - start);
    params.length = count * keys.length;
    let p = 0;
    for (let r = start; r < start + count; r++) {
      const row = rows[r] as Record<string, unknown>;
      for (const key of keys) params[p++] = row[key] ?? null;
    }
    const result = preparedInsert(sqlite, table.sqlName, table.columns, table.conflictColumns, count).run(
      ...params,
    );
    inserted += (result as { changes: number }).changes;
  }
  return inserted;
}

/**
 * SQLite: appends rows given as numeric columns, in the order of `order` (row indexes), many rows per
 * statement — for millions of rows that should not each become an object.
 */
export function insertColumns(
  sqlite: SqliteHandle,
  sqlTable: string,
  columns: readonly string[],
  values: readonly ArrayLike<number>[],
  order: ArrayLike<number>,
): void {
  const perStatement = Math.floor(MAX_SQLITE_PARAMETERS / columns.length);
  const params: number[] = [];
  for (let start = 0; start < order.length; start += perStatement) {
    const count = Math.min(perStatement, order.length - start);
    params.length = count * columns.length;
    let p = 0;
    for (let r = start; r < start + count; r++) {
      const row = order[r]!;
      for (const column of values) params[p++] = column[row]!;
    }
    preparedInsert(sqlite, sqlTable, columns, [], count).run(...params);
  }
}

const statements = new WeakMap<SqliteHandle, Map<string, ReturnType<SqliteHandle['prepare']>>>();

/** Bound parameters per prepared statement; SQLite allows 32,766, but larger gains nothing measurable. */
const MAX_SQLITE_PARAMETERS = 500;

function preparedInsert(
  sqlite: SqliteHandle,
  table: string,
  columns: readonly string[],
  conflictColumns: readonly string[],
  rowCount: number,
): ReturnType<SqliteHandle['prepare']> {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  const cacheKey = `${table}\u0000${conflictColumns.join(',')}\u0000${columns.join(',')}\u0000${rowCount}`;
  let statement = cache.get(cacheKey);
  if (!statement) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    // No conflict columns: a plain append (the staging table of an import has no key to conflict on).
    const onConflict =
      conflictColumns.length > 0 ? ` ON CONFLICT (${conflictColumns.join(', ')}) DO NOTHING` : '';
    const sql =
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rowCount }, () => tuple).join(', ')}` +
      onConflict;
    cache.set(cacheKey, (statement = sqlite.prepare(sql)));
  }
  return statement;
}

function toCamel(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
