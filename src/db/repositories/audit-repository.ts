import { newId } from '../new-id.js';
import type { Kysely, Transaction } from 'kysely';
import type { ActorKind, AuditLogEntry, Database } from '../schema.js';
import { likePrefix } from '../like-prefix.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A move or detach writes one of these before it touches the vectors (DECISIONS 6: the audit's own schema, no
 * table of its own), and one of `DOCUMENT_CHANGE_ENDED` in the transaction that changes the rows: a started
 * entry no later ending one follows is a change a kill, a power cut or a dropped ssh left half done.
 */
export const DOCUMENT_CHANGE_STARTED = ['document_move_started', 'document_detach_started'] as const;
/** `document_change_settled`: a move back to the registry's patient brought the vectors in line; no row changed. */
export const DOCUMENT_CHANGE_ENDED = [
  'document_moved',
  'document_detached',
  'document_change_settled',
] as const;

/**
 * A review's "new patient" writes this with the patient, in one transaction, before it stores the file in
 * another: the entry names the file, so the same decision taken again after a kill finishes it. Not counted
 * as a session's creation (`patient_created` is the ingest's): the file's own row says `new_patient` once stored.
 */
export const REVIEW_PATIENT_CREATED = 'review_patient_created';

/** 15 columns a row: well under the databases' limits on parameters per statement. */
const ROWS_PER_STATEMENT = 1000;

/** Who an entry names, and as what: the run's user (os_user) or, for an upload session, the API token that made it. */
export interface AuditActor {
  actor: string;
  actorKind: ActorKind;
}

/**
 * One audit entry (DECISIONS 6). `sessionId`, `fileId` and `documentId` may be left out by writers that
 * name the row's subject the old way (`batchId`, `entityType` + `entityId`): they are derived from those.
 */
export interface AuditEvent {
  actor: string;
  action: string;
  /** Default: os_user. */
  actorKind?: ActorKind;
  /** The caller's address, for HTTP. */
  client?: string | null;
  sessionId?: string | null;
  fileId?: string | null;
  documentId?: string | null;
  patientBefore?: string | null;
  patientAfter?: string | null;
  /** The old name of sessionId. */
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
        .values(events.slice(start, start + ROWS_PER_STATEMENT).map((event) => toRow(event, at)))
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

  /** Whether a review decision created `patientId` for the file `fileId` (see REVIEW_PATIENT_CREATED). */
  async patientCreatedForFile(patientId: string, fileId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('auditLog')
      .select('id')
      .where('action', '=', REVIEW_PATIENT_CREATED)
      .where('fileId', '=', fileId)
      .where('entityId', '=', patientId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The latest entry with one of `actions` for a document whose id starts with `prefix` (LIKE's wildcards dropped). */
  async latestForDocumentPrefix(prefix: string, actions: string[]): Promise<AuditLogEntry | undefined> {
    return this.db
      .selectFrom('auditLog')
      .selectAll()
      .where('documentId', 'like', likePrefix(prefix))
      .where('action', 'in', actions)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The latest entry with one of `actions` about the session (a discarded session's `api_session_discarded`). */
  async latestForSession(sessionId: string, actions: string[]): Promise<AuditLogEntry | undefined> {
    return this.db
      .selectFrom('auditLog')
      .selectAll()
      .where('sessionId', '=', sessionId)
      .where('action', 'in', actions)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * The started moves and detaches (of `documentIds`, or of every document) that no later ending entry settles,
   * oldest first, of documents the registry still holds (a purge takes the vectors with the rows). Later is by
   * time, then by id: ids are time-ordered (UUIDv7), so two entries of one millisecond keep their order.
   */
  async unfinishedDocumentChanges(documentIds?: readonly string[]): Promise<AuditLogEntry[]> {
    if (documentIds?.length === 0) return [];
    let query = this.db
      .selectFrom('auditLog as started')
      .selectAll('started')
      .where('started.action', 'in', DOCUMENT_CHANGE_STARTED)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('medicalDocuments')
            .select('medicalDocuments.id')
            .whereRef('medicalDocuments.id', '=', 'started.documentId'),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('auditLog as ended')
              .select('ended.id')
              .whereRef('ended.documentId', '=', 'started.documentId')
              .where('ended.action', 'in', DOCUMENT_CHANGE_ENDED)
              .where((later) =>
                later.or([
                  later('ended.at', '>', later.ref('started.at')),
                  later.and([
                    later('ended.at', '=', later.ref('started.at')),
                    later('ended.id', '>', later.ref('started.id')),
                  ]),
                ]),
              ),
          ),
        ),
      );
    // By the documents' index, not a scan of the whole log: `patients show` asks about its documents only.
    if (documentIds) query = query.where('started.documentId', 'in', documentIds);
    return query.orderBy('started.at').orderBy('started.id').execute();
  }

  async list(options: {
    batchId?: string;
    documentId?: string;
    fileId?: string;
    limit: number;
  }): Promise<AuditLogEntry[]> {
    let query = this.db.selectFrom('auditLog').selectAll();
    if (options.batchId) query = query.where('sessionId', '=', options.batchId);
    if (options.documentId) query = query.where('documentId', '=', options.documentId);
    if (options.fileId) query = query.where('fileId', '=', options.fileId);
    return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }
}

function toRow(event: AuditEvent, at: string) {
  const sessionId = event.sessionId ?? event.batchId ?? null;
  const entityId = event.entityId ?? null;
  return {
    id: newId(),
    at,
    actor: event.actor,
    action: event.action,
    actorKind: event.actorKind ?? 'os_user',
    client: event.client ?? null,
    sessionId,
    fileId: event.fileId ?? (event.entityType === 'batch_file' ? entityId : null),
    documentId: event.documentId ?? (event.entityType === 'medical_document' ? entityId : null),
    patientBefore: event.patientBefore ?? null,
    patientAfter: event.patientAfter ?? null,
    batchId: sessionId,
    entityType: event.entityType ?? null,
    entityId,
    details: event.details ? JSON.stringify(event.details) : null,
  };
}
