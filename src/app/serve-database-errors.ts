import { serviceDown } from '../db/connection-loss.js';
import type { OpenDatabase } from '../db/open-database.js';
import type { ServiceUnavailableError } from '../errors.js';

/**
 * A database that cannot be reached, stopped answering or dropped the connection, as the service-unavailable
 * error it stands for (the API answers it 503 with what is wrong, never "internal error"); null for any other
 * error. A route's query fails with the driver's raw error, so the server recognises every route's here
 * (src/server may not import the database layer itself).
 */
export function databaseUnavailable(
  error: unknown,
  database: Pick<OpenDatabase, 'target'>,
): ServiceUnavailableError | null {
  return serviceDown(error, database);
}
