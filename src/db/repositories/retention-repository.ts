import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface DocumentLastAct {
  documentId: string;
  /**
   * When the latest document of the same patient was stored (ISO): the clinical record's last act as far as
   * the registry knows, from which its legal retention runs.
   */
  lastActAt: string;
}

/** What the legal retention of clinical records (NOM-004-SSA3) needs to know before documents are deleted. */
export class RetentionRepository {
  constructor(private readonly db: Db) {}

  /** For each document of a session, the date its patient's record was last added to. */
  async lastActsOfBatch(batchId: string): Promise<DocumentLastAct[]> {
    const rows = await this.db
      .selectFrom('medicalDocuments as d')
      .select((eb) => [
        'd.id',
        eb
          .selectFrom('medicalDocuments as p')
          .select((inner) => inner.fn.max('p.createdAt').as('latest'))
          .whereRef('p.patientId', '=', 'd.patientId')
          .as('lastActAt'),
      ])
      .where('d.batchId', '=', batchId)
      .execute();
    return rows.map((row) => ({ documentId: row.id, lastActAt: String(row.lastActAt) }));
  }
}
