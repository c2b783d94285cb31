import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MedicalDocument, ProcessingType } from '../schema.js';
import type { PatientNameParts } from '../../core/registry/patient-name.js';
import { CompiledOnce } from '../compiled-query.js';
import { likePrefix } from '../like-prefix.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A document as a list shows it: no text. */
export type DocumentListing = Pick<
  MedicalDocument,
  'id' | 'filename' | 'documentType' | 'documentTypeCode' | 'numero' | 'pages' | 'batchId' | 'createdAt'
>;

/** What a patient already holds, as the review shows it beside a candidate. */
export interface PatientDocumentsSummary {
  count: number;
  /** Type codes of the latest documents, newest first. */
  latestTypes: string[];
  latestAt: string | null;
}

/** Whose a document is, as the registry says now. */
export interface DocumentOwner extends Pick<MedicalDocument, 'patientId' | 'expediente' | 'filename'> {
  name: PatientNameParts;
}

/** 20 columns a row: well under PostgreSQL's 65,535 parameters and SQLite's 32,766. */
const ROWS_PER_STATEMENT = 500;

/** Where a document's row files its chunks (null: an older version wrote it without saying), and how many. */
export type ChunkFiling = Pick<
  MedicalDocument,
  'collection' | 'chunksCount' | 'vectorized' | 'contentSha256'
>;

/** Every file of an ingest asks it (already ingested?): compiled once. */
const BY_SHA = new CompiledOnce((db: Kysely<Database>, contentSha256: string) =>
  db.selectFrom('medicalDocuments').selectAll().where('contentSha256', '=', contentSha256),
);

/** `medical_documents`: one row per distinct content (sha256), attached to one patient. */
export class DocumentRepository {
  constructor(private readonly db: Db) {}

  async findBySha(contentSha256: string): Promise<MedicalDocument | undefined> {
    return BY_SHA.executeTakeFirst(this.db, contentSha256);
  }

  /** Of these contents, those already ingested: the document (filename, expediente, date) by content. */
  async findByShas(
    shas: string[],
  ): Promise<Map<string, Pick<MedicalDocument, 'contentSha256' | 'filename' | 'expediente' | 'createdAt'>>> {
    const found = new Map<
      string,
      Pick<MedicalDocument, 'contentSha256' | 'filename' | 'expediente' | 'createdAt'>
    >();
    for (let start = 0; start < shas.length; start += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('medicalDocuments')
        .select(['contentSha256', 'filename', 'expediente', 'createdAt'])
        .where('contentSha256', 'in', shas.slice(start, start + ROWS_PER_STATEMENT))
        .execute();
      for (const row of rows) found.set(row.contentSha256, row);
    }
    return found;
  }

  /**
   * The patient the registry files each of these documents under, with the document's filename and the patient's
   * name as the registry has them now (ids it does not hold are absent).
   */
  async ownersOf(ids: string[]): Promise<Map<string, DocumentOwner>> {
    const owners = new Map<string, DocumentOwner>();
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('medicalDocuments as d')
        .innerJoin('patients as p', 'p.id', 'd.patientId')
        .select([
          'd.id',
          'd.patientId',
          'd.expediente',
          'd.filename',
          'p.apellidoPaterno',
          'p.apellidoMaterno',
          'p.nombres',
        ])
        .where('d.id', 'in', unique.slice(start, start + ROWS_PER_STATEMENT))
        .execute();
      for (const { id, patientId, expediente, filename, ...name } of rows) {
        owners.set(id, { patientId, expediente, filename, name });
      }
    }
    return owners;
  }

  /** Of these ids, those the registry holds a document under. */
  async heldIds(ids: string[]): Promise<Set<string>> {
    return new Set((await this.collectionsOf(ids)).keys());
  }

  /** Of these ids, those the registry holds a document under, with the collection its row names (null: not said). */
  async collectionsOf(ids: readonly string[]): Promise<Map<string, string | null>> {
    const filings = await this.filingsOf(ids);
    return new Map([...filings].map(([id, filing]) => [id, filing.collection]));
  }

  /**
   * Of these ids, those the registry holds a document under, with where its row files its chunks and how many: a
   * copy elsewhere may go only once that collection holds them all (see app/delete-orphan-vectors).
   */
  async filingsOf(ids: readonly string[]): Promise<Map<string, ChunkFiling>> {
    const held = new Map<string, ChunkFiling>();
    for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('medicalDocuments')
        .select(['id', 'collection', 'chunksCount', 'vectorized', 'contentSha256'])
        .where('id', 'in', ids.slice(start, start + ROWS_PER_STATEMENT))
        .execute();
      for (const { id, ...filing } of rows) held.set(id, filing);
    }
    return held;
  }

  async findById(id: string): Promise<MedicalDocument | undefined> {
    return this.db.selectFrom('medicalDocuments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Inserts, or on --force replaces, the document with this content. */
  async upsert(document: MedicalDocument): Promise<void> {
    await this.upsertMany([document]);
  }

  /**
   * Inserts, or on --force replaces, each document by its content: one statement per few hundred rows, for
   * the ingest's group writes. The contents must be distinct (the pipeline ingests a content once per run).
   * A replacement keeps what the new processing type does not redo: `--force --type complete` over a
   * vectorized document leaves its vectors in the store, so the row keeps saying it has them (else `documents
   * move`, `detach` and `cleanup --purge` would pass them by, and `search --patient` would find a moved
   * document under its old patient); `--type vectorized` over one with its text keeps the text (the same
   * bytes, the same text). The processing type becomes what the document then holds.
   */
  async upsertMany(documents: MedicalDocument[]): Promise<void> {
    for (let start = 0; start < documents.length; start += ROWS_PER_STATEMENT)
      await this.upsertStatement(documents.slice(start, start + ROWS_PER_STATEMENT)).execute();
  }

  /**
   * Inserts each document that no other file holds yet: a row already there is replaced only when it is this
   * same file's (an earlier attempt at it, stopped before its file's row said so). Returns the ids written. An
   * id left out is content another process filed meanwhile (two runs of two folders, a run beside `serve` or a
   * worker): its row, and the patient it names, stay as that process wrote them.
   */
  async insertNew(documents: MedicalDocument[]): Promise<Set<string>> {
    const written = new Set<string>();
    for (let start = 0; start < documents.length; start += ROWS_PER_STATEMENT) {
      const rows = await this.upsertStatement(documents.slice(start, start + ROWS_PER_STATEMENT), true)
        .returning('id')
        .execute();
      for (const row of rows) written.add(row.id);
    }
    return written;
  }

  /** Of these ids, those the registry holds a document under, with the batch file that filed it. */
  async batchFilesOf(ids: readonly string[]): Promise<Map<string, string | null>> {
    const held = new Map<string, string | null>();
    for (let start = 0; start < ids.length; start += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('medicalDocuments')
        .select(['id', 'batchFileId'])
        .where('id', 'in', ids.slice(start, start + ROWS_PER_STATEMENT))
        .execute();
      for (const row of rows) held.set(row.id, row.batchFileId);
    }
    return held;
  }

  private upsertStatement(documents: MedicalDocument[], onlyOverSameFile = false) {
    return this.db
      .insertInto('medicalDocuments')
      .values(documents)
      .onConflict((oc) => {
        const update = oc.column('contentSha256').doUpdateSet((eb) => {
          const content = eb.fn.coalesce(eb.ref('excluded.content'), eb.ref('medicalDocuments.content'));
          // The new row brings vectors, or the stored one has them.
          const vectors = sql<boolean>`${eb.ref('excluded.vectorized')} = 1 or ${eb.ref('medicalDocuments.vectorized')} = 1`;
          return {
            patientId: eb.ref('excluded.patientId'),
            batchId: eb.ref('excluded.batchId'),
            batchFileId: eb.ref('excluded.batchFileId'),
            expediente: eb.ref('excluded.expediente'),
            filename: eb.ref('excluded.filename'),
            documentType: eb.ref('excluded.documentType'),
            documentTypeCode: eb.ref('excluded.documentTypeCode'),
            numero: eb.ref('excluded.numero'),
            processingType: sql<ProcessingType>`case when (${vectors}) and ${content} is not null then 'both' when (${vectors}) then 'vectorized' else 'complete' end`,
            content,
            pages: eb.ref('excluded.pages'),
            chunksCount: sql<number>`case when ${eb.ref('excluded.vectorized')} = 1 then ${eb.ref('excluded.chunksCount')} else ${eb.ref('medicalDocuments.chunksCount')} end`,
            vectorized: sql<number>`case when ${vectors} then 1 else 0 end`,
            // Like the count: a replacement without vectors leaves them, and the row says where, as it did.
            collection: sql<
              string | null
            >`case when ${eb.ref('excluded.vectorized')} = 1 then ${eb.ref('excluded.collection')} else ${eb.ref('medicalDocuments.collection')} end`,
            ocrEngine: eb.ref('excluded.ocrEngine'),
            ocrPages: eb.ref('excluded.ocrPages'),
            ocrConfidence: eb.ref('excluded.ocrConfidence'),
            updatedAt: eb.ref('excluded.updatedAt'),
          };
        });
        return onlyOverSameFile
          ? update.where((eb) => eb('medicalDocuments.batchFileId', '=', eb.ref('excluded.batchFileId')))
          : update;
      });
  }

  /** The ids of a session's documents. */
  async idsByBatch(batchId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where('batchId', '=', batchId)
      .execute();
    return rows.map((row) => row.id);
  }

  /** The ids of a session's documents that have vectors (stored under those ids). */
  async vectorizedIdsByBatch(batchId: string): Promise<string[]> {
    return this.vectorizedIdsWhere('batchId', batchId);
  }

  /** The ids of the documents the registry files under this patient that have vectors: one statement. */
  async vectorizedIdsByPatient(patientId: string): Promise<string[]> {
    return this.vectorizedIdsWhere('patientId', patientId);
  }

  private async vectorizedIdsWhere(column: 'batchId' | 'patientId', value: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where(column, '=', value)
      .where('vectorized', '=', 1)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * The documents filed as having chunks, `limit` at a time in id order after `after` (the last id of the page
   * before; null for the first): read by the primary key, whatever the registry's size.
   */
  async vectorizedPage(
    after: string | null,
    limit: number,
  ): Promise<Pick<MedicalDocument, 'id' | 'expediente' | 'chunksCount' | 'collection'>[]> {
    let query = this.db
      .selectFrom('medicalDocuments')
      .select(['id', 'expediente', 'chunksCount', 'collection'])
      .where('vectorized', '=', 1)
      .where('chunksCount', '>', 0);
    if (after !== null) query = query.where('id', '>', after);
    return query.orderBy('id').limit(limit).execute();
  }

  async deleteByBatch(batchId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where('batchId', '=', batchId)
      .execute();
    await this.db.deleteFrom('medicalDocuments').where('batchId', '=', batchId).execute();
    return rows.map((r) => r.id);
  }

  /** Documents whose id starts with `prefix` (a full id or the first characters, as printed): at most `limit`. */
  async findByIdPrefix(prefix: string, limit = 2): Promise<MedicalDocument[]> {
    return this.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('id', 'like', likePrefix(prefix))
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** A patient's documents, newest first (without their text). */
  async listByPatient(patientId: string): Promise<DocumentListing[]> {
    return this.db
      .selectFrom('medicalDocuments')
      .select([
        'id',
        'filename',
        'documentType',
        'documentTypeCode',
        'numero',
        'pages',
        'batchId',
        'createdAt',
      ])
      .where('patientId', '=', patientId)
      .orderBy('createdAt', 'desc')
      .orderBy('id')
      .execute();
  }

  /**
   * For each patient, how many documents it has and the type codes of the latest `latest` of them: the
   * review shows them beside each candidate. Patients without documents are absent from the map.
   */
  async summarizeByPatient(patientIds: string[], latest = 3): Promise<Map<string, PatientDocumentsSummary>> {
    const summaries = new Map<string, PatientDocumentsSummary>();
    if (patientIds.length === 0) return summaries;
    const counts = await this.db
      .selectFrom('medicalDocuments')
      .select(['patientId', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('patientId', 'in', patientIds)
      .groupBy('patientId')
      .execute();
    for (const row of counts) {
      const recent = await this.db
        .selectFrom('medicalDocuments')
        .select(['documentTypeCode', 'createdAt'])
        .where('patientId', '=', row.patientId)
        .orderBy('createdAt', 'desc')
        .orderBy('id')
        .limit(latest)
        .execute();
      summaries.set(row.patientId, {
        count: Number(row.n),
        latestTypes: recent.map((r) => r.documentTypeCode),
        latestAt: recent[0]?.createdAt ?? null,
      });
    }
    return summaries;
  }

  /**
   * Moves a document to another patient (the vectors are the caller's), with its new count of chunks when they
   * were made again, and the collection they were written back to.
   */
  async reassign(
    documentId: string,
    patient: { id: string; expediente: string },
    chunks: { chunksCount?: number | undefined; collection?: string | undefined } = {},
  ): Promise<void> {
    await this.db
      .updateTable('medicalDocuments')
      .set({
        patientId: patient.id,
        expediente: patient.expediente,
        ...(chunks.chunksCount !== undefined ? { chunksCount: chunks.chunksCount } : {}),
        ...(chunks.collection !== undefined ? { collection: chunks.collection } : {}),
        updatedAt: new Date().toISOString(),
      })
      .where('id', '=', documentId)
      .execute();
  }

  /** Records where a document's chunks are, found elsewhere than its row said (or a row an older version wrote). */
  async recordCollection(documentId: string, collection: string): Promise<void> {
    await this.db.updateTable('medicalDocuments').set({ collection }).where('id', '=', documentId).execute();
  }

  /**
   * Keeps a document's text in its row (a vectorized-only document has none) before its vectors go: a detach
   * interrupted after deleting them can then be run again without losing the text.
   */
  async keepContent(documentId: string, text: string): Promise<void> {
    await this.db
      .updateTable('medicalDocuments')
      .set({ content: text })
      .where('id', '=', documentId)
      .where('content', 'is', null)
      .execute();
  }

  async delete(documentId: string): Promise<void> {
    await this.db.deleteFrom('medicalDocuments').where('id', '=', documentId).execute();
  }

  async countAll(): Promise<number> {
    const row = await this.db
      .selectFrom('medicalDocuments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
