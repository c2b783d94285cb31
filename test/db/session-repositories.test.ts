import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { OpenDatabase } from '../../src/db/open-database.js';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { BatchRepository } from '../../src/db/repositories/batch-repository.js';
import { DocumentRepository } from '../../src/db/repositories/document-repository.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import { SessionCounterRepository } from '../../src/db/repositories/session-counter-repository.js';
import { SettledFileRepository } from '../../src/db/repositories/settled-file-repository.js';
import type { MedicalDocument } from '../../src/db/schema.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  SESSION_OPTIONS,
  type TestDatabase,
} from '../support/databases.js';

describe.each(DATABASE_KINDS)('session, document and audit repositories on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let batches: BatchRepository;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    database = await testDb.open();
    batches = new BatchRepository(database.db);
  });
  afterEach(async () => {
    await database.close();
    await testDb.cleanup();
  });

  const newSession = (sourceDir = '/srv/drop') =>
    batches.createSession({
      uploadedBy: 'tester',
      processingType: 'both',
      sourceDir,
      options: { ...SESSION_OPTIONS, chunk_size: 1500 },
    });

  it('creates, starts, counts and finishes a session', async () => {
    const session = await newSession();
    expect(await batches.findSession(session.id)).toEqual(session);
    await batches.markStarted(session.id);
    const counters = new SessionCounterRepository(database.db);
    await counters.set(session.id, { totalFiles: 3, processedFiles: 2, failedFiles: 1, duplicates: 1 });
    // A review decision adds to the counters the run set, in the decision's transaction.
    await database.db.transaction().execute((trx) =>
      new SessionCounterRepository(trx).add(session.id, {
        reviewRequired: -1,
        matchedPatients: 1,
        createdPatients: 0,
      }),
    );
    expect(await batches.findSession(session.id)).toMatchObject({ reviewRequired: -1, matchedPatients: 1 });
    await batches.finishSession(session.id, 'partially_failed', 'one file failed');
    const done = await batches.findSession(session.id);
    expect(done).toMatchObject({
      status: 'partially_failed',
      totalFiles: 3,
      processedFiles: 2,
      failedFiles: 1,
      errorMessage: 'one file failed',
    });
    expect(typeof done?.totalFiles).toBe('number');
    expect(done?.startedAt).not.toBeNull();
    expect(JSON.parse(done!.optionsJson)).toEqual({ ...SESSION_OPTIONS, chunk_size: 1500 });
    expect((await batches.findSessionByPrefix(session.id.slice(0, 8))).map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect((await batches.latestSession())?.id).toBe(session.id);
  });

  it('registers files once per path, updates them and lists the pending reviews', async () => {
    const session = await newSession();
    const files = [
      { relativePath: 'b/2.pdf', filename: '2.pdf', fileSize: 20 },
      { relativePath: 'a/1.pdf', filename: '1.pdf', fileSize: 10 },
    ];
    await batches.registerFiles(session.id, files);
    await batches.registerFiles(session.id, files);
    const listed = await batches.listFiles(session.id);
    expect(listed.map((f) => f.relativePath)).toEqual(['a/1.pdf', 'b/2.pdf']);
    const [first] = listed;
    await batches.updateFile(first!.id, {
      matchingStatus: 'review_required',
      processingStatus: 'pending',
      contentSha256: 'f'.repeat(64),
      matchConfidence: 0.8125,
      extractedText: 'texto sintético',
    });
    expect(await batches.findFile(first!.id)).toMatchObject({
      matchConfidence: 0.8125,
      extractedText: 'texto sintético',
    });
    expect((await batches.pendingReviews()).map((f) => f.id)).toEqual([first!.id]);
    expect((await batches.pendingReviews(session.id)).map((f) => f.id)).toEqual([first!.id]);
    expect((await batches.findPendingReviewBySha('f'.repeat(64)))?.id).toBe(first!.id);
    // Cleaning keeps the file still waiting for an admin.
    expect(await batches.deleteSessionWorkingState(session.id)).toEqual({
      removed: 1,
      keptPendingReviews: 1,
    });
    expect((await batches.listFiles(session.id)).map((f) => f.id)).toEqual([first!.id]);
  });

  it('finds the unfinished sessions of a directory, newest first, and closes those taken over', async () => {
    const killed = await newSession('/srv/drop');
    await batches.markStarted(killed.id);
    const [file] = await batches.registerFiles(killed.id, [
      { relativePath: 'a.pdf', filename: 'a.pdf', fileSize: 10 },
    ]);
    const elsewhere = await newSession('/srv/other');
    const stopped = await newSession('/srv/drop');
    await batches.finishSession(stopped.id, 'interrupted', 'interrupted');
    const done = await newSession('/srv/drop');
    await batches.finishSession(done.id, 'completed');
    expect((await batches.unfinishedSessions('/srv/drop')).map((s) => s.id).sort()).toEqual(
      [killed.id, stopped.id].sort(),
    );
    const current = await newSession('/srv/drop');
    await batches.supersedeSessions([killed.id], current.id);
    expect(await batches.findSession(killed.id)).toMatchObject({
      status: 'interrupted',
      supersededBy: current.id,
    });
    expect((await batches.findFile(file!.id))?.outcome).toBe('interrupted');
    expect((await batches.findSession(elsewhere.id))?.status).toBe('pending');
    expect((await batches.unfinishedSessions('/srv/drop')).map((s) => s.id)).toContain(stopped.id);
    expect((await batches.unfinishedSessions('/srv/drop')).map((s) => s.id)).not.toContain(killed.id);
    // A resumed session keeps the time its first run started.
    await batches.markStarted(stopped.id);
    const started = (await batches.findSession(stopped.id))!.startedAt;
    await batches.markStarted(stopped.id);
    expect((await batches.findSession(stopped.id))!).toMatchObject({
      status: 'processing',
      startedAt: started,
      completedAt: null,
    });
  });

  it('removes a session refused before it started, with its files, and never a started one', async () => {
    const refused = await newSession();
    await batches.registerFiles(refused.id, [{ relativePath: 'a.pdf', filename: 'a.pdf', fileSize: 1 }]);
    const started = await newSession();
    await batches.markStarted(started.id);
    await batches.deleteUnstartedSession(refused.id);
    await batches.deleteUnstartedSession(started.id);
    expect(await batches.findSession(refused.id)).toBeUndefined();
    expect(await batches.listFiles(refused.id)).toEqual([]);
    expect(await batches.findSession(started.id)).toBeDefined();
  });

  it('discards a session nobody started with its files, and leaves a started one and its files whole', async () => {
    const abandoned = await newSession();
    await batches.registerFiles(abandoned.id, [{ relativePath: 'a.pdf', filename: 'a.pdf', fileSize: 1 }]);
    const started = await newSession();
    await batches.registerFiles(started.id, [{ relativePath: 'b.pdf', filename: 'b.pdf', fileSize: 1 }]);
    await batches.markStarted(started.id);
    expect((await batches.discardUnstartedSession(abandoned.id))?.map((file) => file.relativePath)).toEqual([
      'a.pdf',
    ]);
    expect(await batches.findSession(abandoned.id)).toBeUndefined();
    expect(await batches.listFiles(abandoned.id)).toEqual([]);
    expect(await batches.discardUnstartedSession(started.id)).toBeNull();
    expect(await batches.discardUnstartedSession(abandoned.id)).toBeNull();
    expect(await batches.findSession(started.id)).toBeDefined();
    expect((await batches.listFiles(started.id)).map((file) => file.relativePath)).toEqual(['b.pdf']);
  });

  it("derives a session's counts from its files and the audit log, whatever the run tallied", async () => {
    const session = await newSession();
    const counters = new SessionCounterRepository(database.db);
    const rows = await batches.registerFiles(
      session.id,
      ['ok', 'new', 'dup', 'review', 'bad', 'later', 'notyet', 'died'].map((name) => ({
        relativePath: `${name}.pdf`,
        filename: `${name}.pdf`,
        fileSize: 1,
      })),
    );
    const id = (name: string) => rows.find((r) => r.relativePath === `${name}.pdf`)!.id;
    const { patient } = await PatientRepository.forDatabase(database).insertOrGet(
      { expediente: '3000000009', apellidoPaterno: 'SOTO', apellidoMaterno: '', nombres: 'ANA' },
      'batch_ingest',
    );
    await batches.updateFiles([
      {
        fileId: id('ok'),
        update: {
          outcome: 'ingested',
          processingStatus: 'completed',
          matchingStatus: 'matched',
          pages: 2,
          chunks: 3,
          moveError: 'read-only',
        },
      },
      {
        fileId: id('new'),
        update: {
          outcome: 'ingested',
          processingStatus: 'completed',
          matchingStatus: 'new_patient',
          patientId: patient.id,
          pages: 1,
          chunks: 1,
        },
      },
      { fileId: id('dup'), update: { outcome: 'duplicate', processingStatus: 'completed' } },
      {
        fileId: id('review'),
        update: {
          outcome: 'review_required',
          processingStatus: 'pending',
          matchingStatus: 'review_required',
        },
      },
      { fileId: id('bad'), update: { outcome: 'corrupt', processingStatus: 'failed' } },
      { fileId: id('later'), update: { outcome: 'deferred', processingStatus: 'pending' } },
      // A patient created for a file whose storing then failed: only the audit log knows it.
      {
        fileId: id('died'),
        update: { outcome: 'vector_store_failed', processingStatus: 'failed', matchingStatus: 'new_patient' },
      },
    ]);
    const audit = new AuditRepository(database.db);
    await audit.record({
      actor: 't',
      action: 'patient_created',
      batchId: session.id,
      entityType: 'patient',
      entityId: patient.id,
    });
    await audit.record({
      actor: 't',
      action: 'patient_created',
      batchId: session.id,
      entityType: 'patient',
      entityId: 'p-died',
    });
    // Tallies a crashed run left behind do not matter: the recount replaces them.
    await counters.set(session.id, { processedFiles: 0, createdPatients: 0 });
    const totals = await counters.recount(session.id);
    expect(totals).toEqual({
      totalFiles: 8,
      processedFiles: 6,
      failedFiles: 2,
      createdPatients: 2,
      matchedPatients: 1,
      reviewRequired: 1,
      duplicates: 1,
      deferred: 1,
      notMoved: 1,
      pages: 3,
      chunks: 4,
    });
    expect(await batches.findSession(session.id)).toMatchObject({
      processedFiles: 6,
      failedFiles: 2,
      createdPatients: 2,
    });
  });

  it('counts a file whose patient an attempt killed mid-file created as created, once, as a single run would', async () => {
    const session = await newSession();
    const counters = new SessionCounterRepository(database.db);
    const rows = await batches.registerFiles(
      session.id,
      ['resumed', 'sibling', 'known', 'new', 'old-audit'].map((name) => ({
        relativePath: `${name}.pdf`,
        filename: `${name}.pdf`,
        fileSize: 1,
      })),
    );
    const id = (name: string) => rows.find((r) => r.relativePath === `${name}.pdf`)!.id;
    const patients = PatientRepository.forDatabase(database);
    const patient = async (expediente: string) =>
      (
        await patients.insertOrGet(
          { expediente, apellidoPaterno: 'SOTO', apellidoMaterno: '', nombres: 'ANA' },
          'batch_ingest',
        )
      ).patient;
    const x = await patient('3000000009'); // created by the killed attempt of resumed.pdf
    const y = await patient('3000000017'); // in the registry before the session
    const z = await patient('3000000025'); // created by new.pdf, which went through in one attempt
    const w = await patient('3000000033'); // created by an older version, whose audit row names no file
    const audit = new AuditRepository(database.db);
    const created = (patientId: string, fileId?: string) =>
      audit.record({
        actor: 't',
        action: 'patient_created',
        batchId: session.id,
        entityType: 'patient',
        entityId: patientId,
        details: { source: 'batch_ingest', ...(fileId ? { file_id: fileId } : {}) },
      });
    await created(x.id, id('resumed'));
    await created(z.id, id('new'));
    await created(w.id);
    const ingested = { outcome: 'ingested', processingStatus: 'completed', pages: 1, chunks: 1 } as const;
    // As the resumed run leaves them: resumed.pdf's second attempt found x in the registry.
    await batches.updateFiles([
      { fileId: id('resumed'), update: { ...ingested, matchingStatus: 'matched', patientId: x.id } },
      { fileId: id('sibling'), update: { ...ingested, matchingStatus: 'matched', patientId: x.id } },
      { fileId: id('known'), update: { ...ingested, matchingStatus: 'matched', patientId: y.id } },
      { fileId: id('new'), update: { ...ingested, matchingStatus: 'new_patient', patientId: z.id } },
      { fileId: id('old-audit'), update: { ...ingested, matchingStatus: 'new_patient', patientId: w.id } },
    ]);
    const expected = { totalFiles: 5, processedFiles: 5, createdPatients: 3, matchedPatients: 2 };
    // The live counts during a run do not repair (matched 3); a run's start and end do.
    expect(await counters.recount(session.id)).toMatchObject({ ...expected, matchedPatients: 3 });
    expect(await counters.recount(session.id, { final: true })).toMatchObject(expected);
    // Its row says what a single run's says; the file matched to the patient another file created stays matched.
    const status = async (name: string) => (await batches.findFile(id(name)))?.matchingStatus;
    expect(await status('resumed')).toBe('new_patient');
    expect(await status('sibling')).toBe('matched');
    expect(await status('known')).toBe('matched');
    expect(await counters.recount(session.id)).toMatchObject(expected);
    expect(await batches.findSession(session.id)).toMatchObject(expected);
  });

  it('remembers settled files by path, size and modification time, and forgets them', async () => {
    const settled = new SettledFileRepository(database.db);
    const row = {
      sourceDir: '/srv/drop',
      relativePath: 'a/b.pdf',
      size: 12_345_678_901,
      mtimeMs: 1_767_225_600_123.457,
      contentSha256: 'c'.repeat(64),
      outcome: 'ingested',
      errorMessage: null,
      batchId: null,
      settledAt: '2026-01-01T00:00:00.000Z',
    };
    await settled.remember([row, { ...row, relativePath: 'c.pdf' }]);
    await settled.remember([{ ...row, outcome: 'duplicate' }]);
    const found = await settled.lookup('/srv/drop', ['a/b.pdf', 'c.pdf', 'missing.pdf']);
    expect(found.get('a/b.pdf')).toEqual({ ...row, outcome: 'duplicate' });
    expect([...found.keys()].sort()).toEqual(['a/b.pdf', 'c.pdf']);
    expect((await settled.lookup('/srv/other', ['a/b.pdf'])).size).toBe(0);
    await settled.forget('/srv/drop', ['a/b.pdf']);
    expect([...(await settled.lookup('/srv/drop', ['a/b.pdf', 'c.pdf'])).keys()]).toEqual(['c.pdf']);
  });

  it('stores one document per content, replacing it on a forced re-ingest', async () => {
    const { patient } = await PatientRepository.forDatabase(database).insertOrGet(
      { expediente: '3000000001', apellidoPaterno: 'GARZA', apellidoMaterno: 'TIJERINA', nombres: 'MARIA' },
      'batch_ingest',
    );
    const session = await newSession();
    const documents = new DocumentRepository(database.db);
    const now = new Date().toISOString();
    const document: MedicalDocument = {
      id: 'doc-1',
      patientId: patient.id,
      batchId: session.id,
      batchFileId: null,
      expediente: patient.expediente,
      filename: '3000000001_GARZA TIJERINA, MARIA_1_CONS.pdf',
      documentType: 'consultation',
      documentTypeCode: 'CONS',
      numero: '1',
      contentSha256: 'a'.repeat(64),
      processingType: 'both',
      content: 'Consulta sintética',
      pages: 1,
      chunksCount: 1,
      vectorized: 1,
      collection: 'reviewed',
      ocrEngine: null,
      ocrPages: null,
      ocrConfidence: null,
      createdAt: now,
      updatedAt: now,
    };
    await documents.upsert(document);
    await documents.upsert({ ...document, id: 'doc-ignored', content: 'Consulta corregida', chunksCount: 2 });
    expect(await documents.countAll()).toBe(1);
    expect(await documents.findBySha('a'.repeat(64))).toMatchObject({
      id: 'doc-1',
      content: 'Consulta corregida',
      chunksCount: 2,
    });
    expect(await documents.findById('doc-1')).toBeDefined();
    // `--force --type complete` leaves the vectors where they are, and the row still says where; new vectors
    // go where the run that made them wrote them.
    await documents.upsert({ ...document, vectorized: 0, processingType: 'complete', collection: null });
    expect(await documents.findById('doc-1')).toMatchObject({ vectorized: 1, collection: 'reviewed' });
    await documents.upsert({ ...document, collection: 'medical_documents_2' });
    expect(await documents.findById('doc-1')).toMatchObject({ collection: 'medical_documents_2' });
    expect(await documents.deleteByBatch(session.id)).toEqual(['doc-1']);
    expect(await documents.countAll()).toBe(0);
  });

  it('records audit events with their details, newest first, by session', async () => {
    let at = Date.parse('2026-03-01T02:00:00.000Z');
    const audit = new AuditRepository(database.db, () => new Date((at += 1000)));
    const session = await newSession();
    await audit.record({
      actor: 'tester',
      action: 'session_started',
      batchId: session.id,
      details: { files: 2 },
    });
    await audit.record({
      actor: 'tester',
      action: 'patient_created',
      entityType: 'patient',
      entityId: 'p-1',
    });
    const all = await audit.list({ limit: 10 });
    expect(all.map((e) => e.action)).toEqual(['patient_created', 'session_started']);
    const bySession = await audit.list({ batchId: session.id, limit: 10 });
    expect(bySession).toHaveLength(1);
    expect(JSON.parse(bySession[0]!.details!)).toEqual({ files: 2 });
    // Inside a transaction, as the pipeline writes it.
    await database.db.transaction().execute(async (trx) => {
      await new AuditRepository(trx).record({ actor: 'tester', action: 'in_transaction' });
    });
    expect(await audit.list({ limit: 10 })).toHaveLength(3);
  });
});
