import { sql } from 'kysely';
import type { OpenDatabase } from './open-database.js';

export interface ConnectionSecurity {
  encrypted: boolean;
  /** e.g. TLSv1.3 */
  protocol: string | null;
  cipher: string | null;
}

/**
 * Whether the connection to PostgreSQL is encrypted, as the server sees it (`pg_stat_ssl` for this
 * backend): what was negotiated, not what was asked for. Null for SQLite.
 */
export async function readConnectionSecurity(database: OpenDatabase): Promise<ConnectionSecurity | null> {
  if (database.dialect !== 'postgres') return null;
  const { rows } = await sql<{ ssl: boolean; version: string | null; cipher: string | null }>`
    select ssl, version, cipher from pg_stat_ssl where pid = pg_backend_pid()`.execute(database.db);
  const row = rows[0];
  return { encrypted: row?.ssl === true, protocol: row?.version ?? null, cipher: row?.cipher ?? null };
}
