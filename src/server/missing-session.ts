import { findDiscard } from '../app/upload-sessions.js';
import type { OpenDatabase } from '../db/open-database.js';
import { ApiError } from './api-error.js';
import { API_PREFIX } from './server-deps.js';

/**
 * The answer for a session id the registry does not hold. A session an admin discarded is 410 Gone, naming who
 * discarded it and when (the audit log keeps it), so that a client tells it from an id it mistyped (404): the
 * first is worth a new session, the second a look at the id. A session the server discarded because it expired
 * (never processed, idle) is 410 too, saying so. Every per-session route answers alike.
 */
export async function missingSession(database: OpenDatabase, sessionId: string): Promise<ApiError> {
  const discard = await findDiscard(database, sessionId);
  if (!discard) {
    return new ApiError(
      404,
      `no session ${sessionId}: check the id (create-session answers it as session_id), ` +
        `or create a session (POST ${API_PREFIX}/create-session)`,
    );
  }
  const when = `${discard.at.slice(0, 16).replace('T', ' ')} UTC`;
  if (discard.expired) {
    return new ApiError(
      410,
      `session ${sessionId} expired on ${when}: it was never processed and no file was uploaded into it for the server's ` +
        `session expiry, so the server discarded it with its uploads; create a new session (POST ${API_PREFIX}/create-session), ` +
        'upload the files again and process it (its status says when a session expires: expires_at)',
      { discarded_at: discard.at, discarded_by: discard.actor, expired: true },
    );
  }
  return new ApiError(
    410,
    `session ${sessionId} was discarded on ${when} by ${discard.actor}${discard.client ? ` (from ${discard.client})` : ''}: ` +
      `it was never processed and its uploads were removed; create a new session (POST ${API_PREFIX}/create-session) ` +
      'and upload the files again',
    { discarded_at: discard.at, discarded_by: discard.actor },
  );
}

/** What a follower of the session's events is told when it goes: the 410's message and fields. */
export function goneBody(gone: ApiError): { message: string } & Record<string, unknown> {
  return { ...gone.details, message: gone.message };
}
