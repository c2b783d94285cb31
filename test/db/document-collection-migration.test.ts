import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { up as addDocumentCollection } from '../../src/db/migrations/0009-document-collection.js';
import { createMigrationProvider } from '../../src/db/migrations/index.js';
import { migrateToLatest, type OpenDatabase } from '../../src/db/open-database.js';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { DocumentRepository } from '../../src/db/repositories/document-repository.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

/**
 * A registry migrated before documents recorded their collection gets the column, filled in from what it knows:
 * the collection the latest move or detach of a document recorded, else its session's. Built with today's code
 * and the migration taken down again: the rows are those a real run writes.
 */
describe.each(DATABASE_KINDS)('the documents of an older registry on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let raw: Kysely<unknown>;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    raw = database.db.withoutPlugins() as unknown as Kysely<unknown>;
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  const collections = async () => {
    const rows = await database.db
      .selectFrom('medicalDocuments')
      .select(['id', 'collection'])
      .orderBy('id')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.id, row.collection]));
  };

  it('are filled in from the audit, else their session, and the column is added once', async () => {
    const { patient } = await PatientRepository.forDatabase(database).insertOrGet(
      { expediente: '3000000001', apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARIA' },
      'batch_ingest',
    );
    const batches = new BatchRepository(database.db);
    const newSession = (collection: string) =>
      batches.createSession({
        uploadedBy: 'tester',
        processingType: 'both',
        sourceDir: '/srv/drop',
        options: { ...SESSION_OPTIONS, collection },
      });
    const ingested = await newSession('ingested_x');
    const edited = await newSession('medical_documents');
    // A hand-edited row: its options are no JSON any more.
    await database.db
      .updateTable('batchUploads')
      .set({ optionsJson: '{oops' })
      .where('id', '=', edited.id)
      .execute();
    const documents = new DocumentRepository(database.db);
    const now = new Date().toISOString();
    const document = (id: string, batchId: string | null, vectorized = 1): MedicalDocument => ({
      id,
      patientId: patient.id,
      batchId,
      batchFileId: null,
      expediente: patient.expediente,
      filename: `${id}.pdf`,
      documentType: 'consultation',
      documentTypeCode: 'CONS',
      numero: null,
      contentSha256: id.padEnd(64, '0'),
      processingType: vectorized ? 'both' : 'complete',
      content: 'Consulta sintética',
      pages: 1,
      chunksCount: vectorized,
      vectorized,
      collection: null,
      ocrEngine: null,
      ocrPages: null,
      ocrConfidence: null,
      createdAt: now,
      updatedAt: now,
    });
    await documents.upsertMany([
      document('doc-audit', ingested.id),
      document('doc-complete', ingested.id, 0),
      document('doc-edited', edited.id),
      document('doc-orphan', null),
      document('doc-session', ingested.id),
    ]);
    let at = Date.parse('2026-03-01T02:00:00.000Z');
    const audit = new AuditRepository(database.db, () => new Date((at += 1000)));
    // Moved into "reviewed", then a detach from there that died half-way: the latest entry says where.
    for (const [action, collection] of [
      ['document_move_started', 'moved'],
      ['document_detach_started', 'reviewed'],
    ] as const) {
      await audit.record({ actor: 'jlopez', action, documentId: 'doc-audit', details: { collection } });
    }
    await audit.record({ actor: 'jlopez', action: 'document_detach_started', documentId: 'doc-session' });

    // As the version before this one left it.
    const migrator = new Migrator({ db: raw, provider: createMigrationProvider(kind) });
    const { error } = await migrator.migrateTo('0008-audit-action-index');
    expect(error).toBeUndefined();
    await expect(collections()).rejects.toThrow(/collection/);

    await migrateToLatest(raw, kind);
    const filled = {
      'doc-audit': 'reviewed',
      'doc-complete': null,
      'doc-edited': null,
      'doc-orphan': null,
      'doc-session': 'ingested_x',
    };
    expect(await collections()).toEqual(filled);

    // Again over a half-migrated file (SQLite runs a migration's steps outside one transaction): nothing changes.
    await addDocumentCollection(raw, kind);
    expect(await collections()).toEqual(filled);

    // A row an older version writes, which does not know the column, still goes in.
    await sql`insert into medical_documents (id, patient_id, expediente, filename, document_type, document_type_code,
      content_sha256, processing_type, pages, chunks_count, vectorized, created_at, updated_at)
      values ('doc-older', ${patient.id}, ${patient.expediente}, 'older.pdf', 'consultation', 'CONS',
      ${'b'.repeat(64)}, 'both', 1, 1, 1, ${now}, ${now})`.execute(raw);
    expect((await documents.findById('doc-older'))?.collection).toBeNull();
  });
});
