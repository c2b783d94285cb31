import { newId } from '../new-id.js';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogEntry, Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** 8 columns a row: well under the databases' limits on parameters per statement. */
const ROWS_PER_STATEMENT = 1000;

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
  /** `clock` stamps the rows (injected by tests that order events). */
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(event: AuditEvent): Promise<void> {
    await this.recordMany([event]);
  }

  /** Several rows in one statement (the ingest writes a group of files at once). */
  async recordMany(events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const at = this.clock().toISOString();
    for (let start = 0; start < events.length; start += ROWS_PER_STATEMENT) {
      await this.db
        .insertInto('auditLog')
        .values(
          events.slice(start, start + ROWS_PER_STATEMENT).map((event) => ({
            id: newId(),
            at,
            actor: event.actor,
            action: event.action,
            batchId: event.batchId ?? null,
            entityType: event.entityType ?? null,
            entityId: event.entityId ?? null,
            details: event.details ? JSON.stringify(event.details) : null,
          })),
        )
        .execute();
    }
  }

  /** The details of the `patient_created` row a session wrote for a patient, if it created that patient. */
  async patientCreatedIn(batchId: string, patientId: string): Promise<Record<string, unknown> | null> {
    const row = await this.db
      .selectFrom('auditLog')
      .select('details')
      .where('action', '=', 'patient_created')
      .where('batchId', '=', batchId)
      .where('entityId', '=', patientId)
      .executeTakeFirst();
    return row?.details ? (JSON.parse(row.details) as Record<string, unknown>) : null;
  }

  async list(options: { batchId?: string; limit: number }): Promise<AuditLogEntry[]> {
    let query = this.db.selectFrom('auditLog').selectAll();
    if (options.batchId) query = query.where('batchId', '=', options.batchId);
    return query.orderBy('at', 'desc').limit(options.limit).execute();
  }
}
