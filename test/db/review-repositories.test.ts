import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isFrequencyKey, patientBlockingKeys } from '../../src/core/matching/blocking-keys.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { DocumentRepository } from '../../src/db/repositories/document-repository.js';
import { FileWriteRepository } from '../../src/db/repositories/file-write-repository.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import { ReviewRepository } from '../../src/db/repositories/review-repository.js';
import type { BatchFile, BatchUpload, MedicalDocument, Patient } from '../../src/db/schema.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

describe.each(DATABASE_KINDS)('file writes and review decisions on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let session: BatchUpload;
  let file: BatchFile;
  let patient: Patient;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    const batches = new BatchRepository(database.db);
    session = await batches.createSession({
      uploadedBy: 't',
      processingType: 'both',
      sourceDir: '/srv/drop',
      options: SESSION_OPTIONS,
    });
    file = (
      await batches.registerFiles(session.id, [{ relativePath: 'a.pdf', filename: 'a.pdf', fileSize: 1 }])
    )[0]!;
    ({ patient } = await new PatientRepository(database.db).insertOrGet(
      { expediente: '3000000001', apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARIA' },
      'review',
    ));
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  const documentFor = (id: string): MedicalDocument => ({
    id,
    patientId: patient.id,
    batchId: session.id,
    batchFileId: file.id,
    expediente: patient.expediente,
    filename: 'a.pdf',
    documentType: 'consultation',
    documentTypeCode: 'CONS',
    numero: null,
    contentSha256: id.padEnd(64, '0'),
    processingType: 'both',
    content: 'texto',
    pages: 1,
    chunksCount: 1,
    vectorized: 1,
    collection: 'medical_documents',
    ocrEngine: null,
    ocrPages: null,
    ocrConfidence: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

  it('commits a group of files: documents, file states and audit rows together', async () => {
    await new FileWriteRepository(database.db).commit([
      {
        batchFileId: file.id,
        fileUpdate: { outcome: 'ingested', processingStatus: 'completed', documentId: 'doc-1' },
        document: documentFor('doc-1'),
        audit: [{ actor: 't', action: 'document_ingested', batchId: session.id, entityId: 'doc-1' }],
      },
    ]);
    expect(await new BatchRepository(database.db).findFile(file.id)).toMatchObject({
      outcome: 'ingested',
      documentId: 'doc-1',
    });
    expect(await new DocumentRepository(database.db).idsByBatch(session.id)).toEqual(['doc-1']);
    expect((await new AuditRepository(database.db).list({ batchId: session.id, limit: 5 }))[0]?.action).toBe(
      'document_ingested',
    );
  });

  it("swaps a waiting file's matching details only from what was read, and only while it waits", async () => {
    const reviews = new ReviewRepository(database.db);
    const batches = new BatchRepository(database.db);
    await database.db
      .updateTable('batchFiles')
      .set({ matchingStatus: 'review_required', processingStatus: 'pending', matchingDetails: null })
      .where('id', '=', file.id)
      .execute();
    expect(await reviews.swapWaitingDetails(file.id, null, '{"deciding":{"by":"a"}}')).toBe(true);
    // A second sitting that read it before the swap loses.
    expect(await reviews.swapWaitingDetails(file.id, null, '{"deciding":{"by":"b"}}')).toBe(false);
    expect(await reviews.swapWaitingDetails(file.id, '{"deciding":{"by":"a"}}', '{"reason":"x"}')).toBe(true);
    expect((await batches.findFile(file.id))?.matchingDetails).toBe('{"reason":"x"}');
    await database.db
      .updateTable('batchFiles')
      .set({ matchingStatus: 'rejected' })
      .where('id', '=', file.id)
      .execute();
    expect(await reviews.swapWaitingDetails(file.id, '{"reason":"x"}', null)).toBe(false);
  });

  it('applies a decision and reverts it, the patient it created deleted with its keys and term counts', async () => {
    const reviews = new ReviewRepository(database.db);
    await reviews.applyDecision({
      fileId: file.id,
      batchId: session.id,
      update: { matchingStatus: 'rejected', outcome: 'rejected' },
      delta: { reviewRequired: -1, matchedPatients: 0, createdPatients: 0 },
      audit: { actor: 'r', action: 'review_rejected', batchId: session.id },
    });
    expect((await new BatchRepository(database.db).findSession(session.id))?.reviewRequired).toBe(-1);
    expect((await new BatchRepository(database.db).findFile(file.id))?.outcome).toBe('rejected');

    // A document attached to the patient keeps it; once the document goes, the patient goes too.
    await new DocumentRepository(database.db).upsert(documentFor('doc-2'));
    const patients = new PatientRepository(database.db);
    expect(
      await patients.findCandidates({ expediente: '3000000099', keys: patientBlockingKeys(patient) }),
    ).toHaveLength(1);
    expect(await patients.deleteIfUnused(patient.id)).toBe(false);
    const deleted = await reviews.revert({
      fileId: file.id,
      batchId: session.id,
      documentId: 'doc-2',
      restore: { matchingStatus: 'review_required', outcome: 'review_required' },
      createdPatientId: patient.id,
      delta: { reviewRequired: 1, matchedPatients: 0, createdPatients: 0 },
      audit: (patientDeleted) => ({ actor: 'r', action: 'review_undone', details: { patientDeleted } }),
    });
    expect(deleted).toBe(true);
    expect(await patients.findById(patient.id)).toBeUndefined();
    const keys = patientBlockingKeys(patient);
    const terms = keys.filter(isFrequencyKey);
    expect(terms.length).toBeGreaterThan(0);
    expect(await patients.findCandidates({ expediente: '3000000099', keys })).toEqual([]);
    const counts = await patients.countKeys(terms);
    for (const term of terms) expect(counts.get(term) ?? 0, term).toBe(0);
    expect((await new BatchRepository(database.db).findSession(session.id))?.reviewRequired).toBe(0);
    expect((await new BatchRepository(database.db).findFile(file.id))?.outcome).toBe('review_required');
    const undone = (await new AuditRepository(database.db).list({ limit: 5 })).find(
      (e) => e.action === 'review_undone',
    );
    expect(JSON.parse(undone!.details!)).toEqual({ patientDeleted: true });

    await reviews.dropKeptText([file.id]); // only completed files lose their text
  });
});
