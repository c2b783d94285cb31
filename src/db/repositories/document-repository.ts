import type { Kysely, Transaction } from 'kysely';
import type { Database, MedicalDocument } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** `medical_documents`: one row per distinct content (sha256), attached to one patient. */
export class DocumentRepository {
  constructor(private readonly db: Db) {}

  async findBySha(contentSha256: string): Promise<MedicalDocument | undefined> {
    return this.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('contentSha256', '=', contentSha256)
      .executeTakeFirst();
  }

  async findById(id: string): Promise<MedicalDocument | undefined> {
    return this.db.selectFrom('medicalDocuments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Inserts, or on --force replaces, the document with this content. */
  async upsert(document: MedicalDocument): Promise<void> {
    await this.db
      .insertInto('medicalDocuments')
      .values(document)
      .onConflict((oc) =>
        oc.column('contentSha256').doUpdateSet({
          patientId: document.patientId,
          batchId: document.batchId,
          batchFileId: document.batchFileId,
          expediente: document.expediente,
          filename: document.filename,
          documentType: document.documentType,
          documentTypeCode: document.documentTypeCode,
          numero: document.numero,
          processingType: document.processingType,
          content: document.content,
          pages: document.pages,
          chunksCount: document.chunksCount,
          vectorized: document.vectorized,
          updatedAt: document.updatedAt,
        }),
      )
      .execute();
  }

  async deleteByBatch(batchId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('medicalDocuments').select('id').where('batchId', '=', batchId).execute();
    await this.db.deleteFrom('medicalDocuments').where('batchId', '=', batchId).execute();
    return rows.map((r) => r.id);
  }

  async countAll(): Promise<number> {
    const row = await this.db
      .selectFrom('medicalDocuments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
