import { newId } from '../new-id.js';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogEntry, Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AuditEvent {
  actor: string;
  action: string;
  batchId?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/** Every state-changing action leaves a row: who, when, what, which session, details. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('auditLog')
      .values({
        id: newId(),
        at: new Date().toISOString(),
        actor: event.actor,
        action: event.action,
        batchId: event.batchId ?? null,
        entityType: event.entityType ?? null,
        entityId: event.entityId ?? null,
        details: event.details ? JSON.stringify(event.details) : null,
      })
      .execute();
  }

  async list(options: { batchId?: string; limit: number }): Promise<AuditLogEntry[]> {
    let query = this.db.selectFrom('auditLog').selectAll();
    if (options.batchId) query = query.where('batchId', '=', options.batchId);
    return query.orderBy('at', 'desc').limit(options.limit).execute();
  }
}
