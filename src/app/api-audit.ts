import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';

/** One call of the HTTP API that changed something, as the audit log records it. */
export interface ApiCall {
  /** `api_session_created`, `api_files_uploaded`, `api_session_processed`, `api_review_decision`, `api_session_cleaned`, `api_session_discarded` (and, written by the server itself, `api_session_expired`). */
  action: string;
  /** The token's name (`anonymous` under --no-auth). */
  actor: string;
  /** The client's address, as the server saw it (behind a proxy: see the README on trustProxy). */
  client: string;
  sessionId?: string | null;
  fileId?: string | null;
  documentId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Writes the audit row of an API call in the one audit schema of the project (DECISIONS 6: action, actor,
 * actor_kind, client, session_id, file_id, document_id, details).
 */
export async function recordApiCall(database: OpenDatabase, call: ApiCall): Promise<void> {
  await new AuditRepository(database.db).record(apiCallEvent(call));
}

/** The audit entry of an API call, for a caller that writes it in its own transaction. */
export function apiCallEvent(call: ApiCall): AuditEvent {
  return {
    actor: call.actor,
    action: call.action,
    actorKind: 'token',
    client: call.client,
    sessionId: call.sessionId ?? null,
    fileId: call.fileId ?? null,
    documentId: call.documentId ?? null,
    entityType: call.fileId ? 'batch_file' : call.sessionId ? 'batch_upload' : null,
    entityId: call.fileId ?? call.sessionId ?? null,
    details: call.details,
  };
}
