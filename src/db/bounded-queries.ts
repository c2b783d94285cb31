/**
 * How long a PostgreSQL statement may go unanswered (TECSALUD_DB_TIMEOUT, seconds; 0: no limit). A server that
 * stopped answering — frozen, or behind a link that went dead without a reset — otherwise hangs a run for ever,
 * and with it the folder's run lock: every later cron run would exit 75.
 */
export const DEFAULT_POSTGRES_QUERY_TIMEOUT_MS = 120_000;

/** The bound of a pool's statements; 0 while a migration's own statements run (an index on a large table may take minutes). */
export interface QueryBound {
  ms: number;
  /**
   * Why a connection was last cut. kysely answers a statement on a connection whose rollback failed with its own
   * "connection has been discarded", which can replace the reason (the migrator's lock release, after the cut).
   */
  lastCut?: Error;
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
  // Why this connection was cut. node-postgres answers every later statement on it (a transaction's rollback
  // among them, whose error then replaces the statement's) with "…is not queryable", which says nothing of it.
  let cutFor: Error | null = null;
  client.query = (...args: unknown[]) => {
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    if (cutFor) {
      const reason = cutFor;
      return result.catch((error: unknown) => {
        throw error instanceof Error && /is not queryable$/.test(error.message) ? reason : error;
      });
    }
    if (bound.ms > 0) {
      const ms = bound.ms;
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`the server did not answer within ${ms / 1000} s`), {
          code: 'ETIMEDOUT',
        });
        cutFor = error;
        bound.lastCut = error;
        cut(client, error);
      }, ms);
      const done = () => clearTimeout(timer);
      result.then(done, done);
    }
    return result;
  };
}

/**
 * How long a closing connection waits for the server to answer its goodbye. A healthy server closes its end at
 * once; a frozen one (or a dead link) never does, and the half-closed socket would keep the process alive after
 * its exit code was decided: an ingest that said 69 and never exited, holding its cron slot.
 */
export const GOODBYE_GRACE_MS = 2_000;

interface EndingClient {
  end(): Promise<void>;
  once(event: 'end', listener: () => void): unknown;
}

/** Cuts a connection's socket outright: no goodbye, no wait for the server (`why`: what its statements then fail with). */
function cut(client: object, why?: Error): void {
  (client as { connection?: { stream?: { destroy(error?: Error): void } } }).connection?.stream?.destroy(why);
}

/** Ends a connection politely, and cuts it if the server has not closed its end within the grace. */
export function endWithin(client: EndingClient, graceMs = GOODBYE_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      cut(client);
      resolve();
    }, graceMs);
    client
      .end()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

/**
 * The pool's connections that have not ended yet. pg-pool's end() resolves once it has asked its idle connections
 * to end, not once they have: `settle` waits for them within the grace, then cuts the ones left.
 */
export class OpenConnections {
  readonly #open = new Set<EndingClient>();
  #emptied: (() => void) | null = null;

  add(client: EndingClient): void {
    this.#open.add(client);
    client.once('end', () => {
      this.#open.delete(client);
      if (this.#open.size === 0) this.#emptied?.();
    });
  }

  async settle(graceMs = GOODBYE_GRACE_MS): Promise<void> {
    if (this.#open.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#emptied = resolve;
      timer = setTimeout(resolve, graceMs);
    });
    clearTimeout(timer);
    this.#emptied = null;
    for (const client of this.#open) cut(client);
  }
}
