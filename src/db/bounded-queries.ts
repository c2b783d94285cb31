/**
 * How long a PostgreSQL statement may go unanswered (TECSALUD_DB_TIMEOUT, seconds; 0: no limit). A server that
 * stopped answering — frozen, or behind a link that went dead without a reset — otherwise hangs a run for ever,
 * and with it the folder's run lock: every later cron run would exit 75.
 */
export const DEFAULT_POSTGRES_QUERY_TIMEOUT_MS = 120_000;

/** The bound of a pool's statements; 0 while migrations run (an index on a large table may take minutes). */
export interface QueryBound {
  ms: number;
}

interface QueryingClient {
  query: (...args: unknown[]) => unknown;
}

/**
 * Ends the connection of a statement that gets no answer within the bound, so that it fails with a network
 * error (ETIMEDOUT: a lost connection, which the run treats as a server that went away) and the pool drops the
 * connection. node-postgres's own query_timeout fails the statement but keeps the connection waiting for the
 * answer, and every later statement on it queues behind.
 */
export function boundQueries(client: QueryingClient, bound: QueryBound): void {
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    const result = query(...args);
    if (bound.ms > 0 && result instanceof Promise) {
      const ms = bound.ms;
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`the server did not answer within ${ms / 1000} s`), {
          code: 'ETIMEDOUT',
        });
        (
          client as unknown as { connection?: { stream?: { destroy(error: Error): void } } }
        ).connection?.stream?.destroy(error);
      }, ms);
      const done = () => clearTimeout(timer);
      result.then(done, done);
    }
    return result;
  };
}
