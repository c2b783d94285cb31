import type { BackendConfig } from '../config/load-config.js';
import { describeError } from '../core/text/describe-error.js';
import type { OpenDatabase } from '../db/open-database.js';
import { pendingMigrations } from '../db/pending-migrations.js';
import { openVectorStore } from './open-backends.js';

export type Health = 'healthy' | 'unhealthy';

export interface ServiceHealth {
  status: Health;
  database: Health;
  /** The Chroma server; `not_used` when vectors live in the embedded store. */
  chroma: Health | 'not_used';
  /** Why a part is unhealthy (no secrets: messages only). */
  problems: string[];
}

/** Each probe gets this long: a health check must answer even when a backend hangs. */
const PROBE_TIMEOUT_MS = 5000;

/** The running server's view of its backends: a query on its database, a read of its vector collection. */
export async function checkServiceHealth(
  database: OpenDatabase,
  backends: BackendConfig,
): Promise<ServiceHealth> {
  const problems: string[] = [];
  const probe = async (name: string, work: () => Promise<unknown>): Promise<Health> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
            PROBE_TIMEOUT_MS,
          );
        }),
      ]);
      return 'healthy';
    } catch (error) {
      problems.push(`${name}: ${describeError(error)}`);
      return 'unhealthy';
    } finally {
      clearTimeout(timer);
    }
  };
  const [databaseHealth, chroma] = await Promise.all([
    probe('database', () => pendingMigrations(database)),
    backends.vectorStore === 'chroma'
      ? probe('chroma', async () => {
          const store = await openVectorStore(database, backends);
          try {
            await store.describeCollection();
          } finally {
            await store.close();
          }
        })
      : Promise.resolve('not_used' as const),
  ]);
  const status: Health = databaseHealth === 'healthy' && chroma !== 'unhealthy' ? 'healthy' : 'unhealthy';
  return { status, database: databaseHealth, chroma, problems };
}
