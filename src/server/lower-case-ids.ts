import type { FastifyRequest } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A preValidation hook: the ids in a path (`session_id`, `file_id`) in lower case when they are UUIDs. The
 * server makes them lower case, but a UUID is the same id in either case (RFC 9562), and clients (.NET's
 * Guid, a spreadsheet, a person copying one) send them in upper case: they must find the same session, not 404.
 */
export async function lowerCaseIds(request: FastifyRequest): Promise<void> {
  const params = request.params;
  if (typeof params !== 'object' || params === null) return;
  const values = params as Record<string, unknown>;
  for (const name of ['session_id', 'file_id']) {
    const value = values[name];
    if (typeof value === 'string' && UUID.test(value)) values[name] = value.toLowerCase();
  }
}
