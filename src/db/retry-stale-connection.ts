import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { Pool, PoolClient } from 'pg';

/**
 * Whether the server had ended the session before this statement reached it, so that nothing of it ran:
 * `idle_session_timeout` (57P05) ends a session only while it is idle, and node-postgres refuses to send
 * anything on a client whose connection already broke. An error of any other kind (a session ended
 * mid-statement, a reset during a commit) may have left the statement done or not: never repeated.
 */
function endedBeforeSent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as { code?: unknown }).code === '57P05' || /is not queryable$/.test(error.message);
}

/** Attempts at the first statement of a checkout: the pool may hold several sessions the server ended. */
const ATTEMPTS = 3;

/**
 * The registry's pool, for Kysely: a session the server ended while it sat idle in the pool
 * (`idle_session_timeout`, or a restart between two statements) fails its next statement although nothing
 * ran; pg-pool hands it out because the server's goodbye raced with the checkout. The first statement of
 * each checkout — a lone statement, or a transaction's BEGIN — is then sent again on a new connection.
 * Later statements of a checkout run inside a transaction on a session that was alive at its BEGIN; they
 * are never repeated, and their failure reaches the caller as a lost connection.
 */
export function retryStaleConnections(pool: Pool): PostgresPool {
  return {
    connect: async () => {
      let client: PoolClient = await pool.connect();
      let first = true;
      const wrapped = {
        query: async (...args: unknown[]) => {
          if (!first || typeof args[0] !== 'string') {
            return (client.query as (...a: unknown[]) => unknown)(...args);
          }
          first = false;
          for (let attempt = 1; ; attempt++) {
            try {
              return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              if (attempt >= ATTEMPTS || !endedBeforeSent(error)) throw error;
              // Passing the error makes pg-pool destroy the client instead of keeping it.
              client.release(error as Error);
              client = await pool.connect();
            }
          }
        },
        release: (destroy?: boolean) => client.release(destroy),
      };
      // Kysely calls query(sql, parameters) (and query(cursor) only when streaming): both pass through.
      return wrapped as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
